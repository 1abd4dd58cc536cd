"""Demo data: a believable city office to try the app with (`flask demo load`).

The directory (Hanoi's units before and after the 2025 reorganisation, leaders, rooms) comes from
directory.seed; this module adds the accounts and the meetings of last year and this year, of every kind, with
attendees, bridge points, recurring briefings, cancellations, postponements and a few classified meetings
(last year too, so that reports compare with a year earlier). Every meeting names only units that existed on
its date: the departments merged on 01/03/2025 before, their successors after; the district-level units as
bridge points until 30/06/2025, the new wards and communes after. It is for trying the app, not tuned to any
figure.
"""

import random
from datetime import date, datetime, time, timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from meetingsvc.auth.models import User
from meetingsvc.auth.services import create_user
from meetingsvc.core.time import local_to_utc, local_today, to_local, week_start
from meetingsvc.core.workdays import is_working_day
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader, MeetingSeries
from meetingsvc.meetings.recurrence import occurrence_starts
from meetingsvc.online.models import BridgePoint

demo_cli = AppGroup("demo", help="Demo data.")

ACCOUNTS = [
    # login, role, clearance, display name
    ("admin", "admin", "tuyet_mat", "Quản trị hệ thống"),
    ("secretary", "secretary", "mat", "Chuyên viên Phòng Tổng hợp"),
    ("technician", "technician", "mat", "Kỹ thuật viên Trung tâm Tin học – Công báo"),  # sets up Mật conferences too
    ("leader", "leader", "internal", None),  # linked to the Chairman
    ("viewer", "viewer", "internal", "Cán bộ theo dõi"),
]

# (kind, weight, title patterns) for the meetings a leader chairs on an ordinary day.
ORDINARY = [
    ("work_resolution", 34, ["Họp giải quyết khó khăn, vướng mắc của {unit}", "Nghe {unit} báo cáo tiến độ dự án trọng điểm",
                             "Họp xử lý kiến nghị của {unit} về giải phóng mặt bằng"]),
    ("thematic", 10, ["Họp chuyên đề về chuyển đổi số với {unit}", "Họp chuyên đề công tác phòng cháy, chữa cháy"]),
    ("field_trip", 10, ["Kiểm tra thực địa dự án của {unit}", "Kiểm tra công tác chuẩn bị mùa mưa bão tại {unit}"]),
    ("working_session", 10, ["Làm việc với {unit}", "Làm việc với đoàn công tác Bộ Xây dựng", "Tiếp và làm việc với Đại sứ quán Nhật Bản"]),
    ("conference", 7, ["Hội nghị triển khai nhiệm vụ của {unit}", "Hội nghị đối thoại với doanh nghiệp"]),
    ("online_conference", 5, ["Hội nghị trực tuyến triển khai Nghị quyết về {topic}", "Hội nghị trực tuyến sơ kết {topic}"]),
    ("review", 4, ["Hội nghị sơ kết công tác của {unit}", "Hội nghị tổng kết chương trình {topic}"]),
    ("advisory", 4, ["Họp tham mưu đề án {topic}"]),
    ("coordination", 4, ["Họp điều phối liên ngành về {topic}"]),
    ("technical", 3, ["Họp chuyên môn thẩm định đồ án quy hoạch"]),
    ("training_rollout", 3, ["Hội nghị tập huấn {topic}"]),
    ("reception", 3, ["Tiếp xã giao đoàn đại biểu tỉnh bạn"]),
]
TOPICS = ["cải cách hành chính", "chuyển đổi số", "phát triển kinh tế tư nhân", "an toàn giao thông",
          "bảo vệ môi trường", "xây dựng nông thôn mới", "thu ngân sách", "giải ngân vốn đầu tư công"]
SECRET_TITLES = ["Họp về phương án bảo đảm an ninh, trật tự dịp Tết", "Họp bàn công tác cán bộ",
                 "Họp về kế hoạch diễn tập khu vực phòng thủ"]


def _at(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return local_to_utc(day, time(hour, minute))


class _Calendar:
    """In-memory occupancy while generating, so that the generated year respects the no-overlap guarantees.

    Keys carry the local day: meetings of different days never overlap, and each check stays short.
    """

    def __init__(self):
        self.busy: dict[tuple, list[tuple[datetime, datetime]]] = {}

    def free(self, key, start, end) -> bool:
        return all(end <= s or e <= start for s, e in self.busy.get(key, []))

    def take(self, key, start, end) -> None:
        self.busy.setdefault(key, []).append((start, end))


class _UnitsOn:
    """The directory's units and staff as they were on a day, from one load (the generator asks every day)."""

    def __init__(self):
        self.units = db.session.scalars(sa.select(Unit).where(Unit.is_active.is_(True))
                                        .order_by(Unit.sort_order, Unit.name, Unit.code)).all()
        self.staff = db.session.scalars(sa.select(Person).where(Person.is_leader.is_(False),
                                                                Person.is_active.is_(True))
                                        .order_by(Person.id)).all()
        self._cache: dict[tuple, list] = {}

    def __call__(self, day: date, kinds: tuple[str, ...]) -> list[Unit]:
        key = (day, kinds)
        if key not in self._cache:
            self._cache[key] = [u for u in self.units if u.kind in kinds and u.is_valid_on(day)]
        return self._cache[key]

    def staff_on(self, day: date) -> list[Person]:
        key = (day, "staff")
        if key not in self._cache:
            self._cache[key] = [p for p in self.staff if p.unit is None or p.unit.is_valid_on(day)]
        return self._cache[key]


def _ensure_directory() -> None:
    from meetingsvc.directory import seed

    seed.load_hanoi_units()
    seed.load_demo_people_and_rooms()
    db.session.commit()


def _ensure_accounts(password: str) -> None:
    chairman = db.session.scalar(sa.select(Person).where(Person.leader_role == "chairman"))
    for login, role, clearance, name in ACCOUNTS:
        if db.session.scalar(sa.select(User).where(User.username == login)):
            continue
        person_id = chairman.id if login == "leader" and chairman else None
        create_user(login, password, role=role, clearance=clearance, display_name=name or "", person_id=person_id)
    db.session.commit()


def _status_for(start: datetime, now: datetime, rng: random.Random) -> str:
    roll = rng.random()
    if start < now:
        return "cancelled" if roll < 0.02 else "postponed" if roll < 0.04 else "held"
    return "draft" if roll < 0.08 else "cancelled" if roll < 0.1 else "scheduled"


def generate_meetings(first: date, last: date, seed: int = 2026) -> int:
    """A city's leaders' meetings between `first` and `last` (local dates), each naming only units valid on its
    date; returns how many."""
    rng = random.Random(seed)
    leaders = db.session.scalars(sa.select(Person).where(Person.is_leader.is_(True), Person.is_active.is_(True))
                                 .order_by(Person.leader_rank)).all()
    if not leaders:
        raise click.ClickException("no leaders in the directory: load it first")
    chairman = leaders[0]
    rooms = db.session.scalars(sa.select(Room).where(Room.is_active.is_(True)).order_by(Room.capacity.desc())).all()
    units_on = _UnitsOn()
    now = datetime.now().astimezone()
    occupancy = _Calendar()
    created = 0

    def add(day, start, end, **fields) -> Meeting | None:
        nonlocal created
        start_at, end_at = _at(day, start), _at(day, end)
        room = fields.get("room")
        chair = fields.get("chair")
        if room is not None and not occupancy.free(("room", room.id, day), start_at, end_at):
            fields["room"], fields["location"] = None, fields.get("location") or "Trụ sở đơn vị chủ trì"
        if chair is not None and not occupancy.free(("chair", chair.id, day), start_at, end_at):
            return None
        status = fields.pop("status", None) or _status_for(start_at, now, rng)
        meeting = Meeting(start_at=start_at, end_at=end_at, status=status,
                          day_part="morning" if int(start[:2]) < 12 else "afternoon" if int(start[:2]) < 18 else "evening",
                          **fields)
        if status in ("draft", "scheduled", "held"):
            if meeting.room is not None:
                occupancy.take(("room", meeting.room.id, day), start_at, end_at)
            if chair is not None:
                occupancy.take(("chair", chair.id, day), start_at, end_at)
        if status == "postponed":
            meeting.status_reason = "Lãnh đạo bận công tác đột xuất"
        if status == "cancelled":
            meeting.status_reason = "Đơn vị chuẩn bị chưa hoàn thiện hồ sơ"
        db.session.add(meeting)
        created += 1
        return meeting

    # The Monday briefing of the Chairman and Vice Chairmen: one recurring series for the year.
    first_monday = first + timedelta(days=(7 - first.weekday()) % 7)
    briefing_start = _at(first_monday, "16:30")
    until = (last + timedelta(days=1)).strftime("%Y%m%dT000000")
    series = MeetingSeries(rrule=f"FREQ=WEEKLY;BYDAY=MO;UNTIL={until}", first_start_at=briefing_start)
    db.session.add(series)
    for start in occurrence_starts(series.rrule, briefing_start):
        day = to_local(start).date()
        meeting = add(day, "16:30", "17:30", title="Giao ban Chủ tịch, các Phó Chủ tịch UBND Thành phố",
                      kind="briefing", chair=chairman, room=rooms[1] if len(rooms) > 1 else None, classification="internal",
                      status="cancelled" if not is_working_day(day) else None)
        if meeting is not None:
            meeting.series, meeting.original_start_at = series, start
            meeting.leaders = [MeetingLeader(person_id=p.id, role="attend") for p in leaders[1:]]

    received_months: set[tuple[int, int]] = set()
    day = first
    while day <= last:
        if not is_working_day(day):
            day += timedelta(days=1)
            continue
        departments = units_on(day, ("department",))
        staff = units_on.staff_on(day)
        # Monthly regular PC session: the last working Thursday-ish of the month.
        if day.weekday() == 3 and (day + timedelta(days=7)).month != day.month:
            session = add(day, "08:00", "17:00", title=f"Phiên họp UBND Thành phố thường kỳ tháng {day.month:02d} năm {day.year}",
                          kind="pc_session", session_kind="regular", chair=chairman, room=rooms[0] if rooms else None,
                          classification="public", agenda="Thảo luận các báo cáo kinh tế - xã hội, dự thảo nghị quyết.")
            if session is not None:
                session.leaders = [MeetingLeader(person_id=p.id, role="attend") for p in leaders[1:]]
                session.attendees = [Attendee(unit_id=u.id) for u in departments[:10]]
        # Citizen reception on the 15th (or the next working day).
        if day.day >= 15 and (day.year, day.month) not in received_months:
            received_months.add((day.year, day.month))
            add(day, "08:00", "11:30", title=f"Chủ tịch UBND Thành phố tiếp công dân định kỳ tháng {day.month}/{day.year}",
                kind="citizen_reception", chair=chairman, location="Trụ sở Tiếp công dân Thành phố, 1 Đinh Công Tráng",
                classification="public", people_count=rng.randint(8, 45))
        for leader in leaders:
            for start, end in (("08:00", "11:00"), ("14:00", "16:30")):
                if rng.random() > 0.33:
                    continue
                kind, _weight, titles = rng.choices(ORDINARY, weights=[w for _, w, _ in ORDINARY])[0]
                unit = rng.choice(departments) if departments else None
                title = rng.choice(titles).format(unit=unit.name if unit else "các sở", topic=rng.choice(TOPICS))
                classification = rng.choices(["public", "internal", "mat", "toi_mat"], weights=[25, 70, 4, 1])[0]
                if classification in ("mat", "toi_mat"):
                    title, kind = rng.choice(SECRET_TITLES), "work_resolution"
                online = kind == "online_conference" or (kind in ("conference", "review") and rng.random() < 0.5)
                mode = "online" if kind == "online_conference" else "hybrid" if online else "in_person"
                room = None if kind == "field_trip" else rng.choice(rooms) if rooms and rng.random() < 0.75 else None
                meeting = add(
                    day, start, end, title=title, kind=kind, chair=leader, room=room, mode=mode,
                    classification=classification, preparing_unit=unit,
                    location="" if room else (f"Điểm tập trung: trụ sở {unit.name}" if unit else "Ngoài trụ sở"),
                    agenda=f"{unit.name if unit else 'Các đơn vị'} báo cáo; các đơn vị liên quan phát biểu ý kiến; lãnh đạo kết luận.",
                    is_foreign=kind == "working_session" and "Đại sứ" in title,
                    counterpart="Đại sứ quán Nhật Bản" if "Đại sứ" in title else None,
                )
                if meeting is None:
                    continue
                invited = rng.sample(departments, k=min(len(departments), rng.randint(1, 4)))
                meeting.attendees = [Attendee(unit_id=u.id) for u in invited if u is not unit] + [
                    Attendee(person_id=p.id, attended=True if meeting.status == "held" else None)
                    for p in rng.sample(staff, k=min(len(staff), rng.randint(0, 3)))]
                if meeting.status == "held" and mode == "in_person":
                    meeting.present_count = rng.randint(8, 60)
                if rng.random() < 0.06 and len(leaders) > 1:
                    other = rng.choice([p for p in leaders if p is not leader])
                    meeting.leaders = [MeetingLeader(person_id=other.id, role="co_chair")]
                if online:
                    _add_bridge_points(meeting, day, rng, units_on)
        day += timedelta(days=1)
    db.session.commit()
    return created


def _add_bridge_points(meeting: Meeting, day: date, rng: random.Random, units_on) -> None:
    meeting.online_provider = "Hệ thống hội nghị truyền hình Thành phố"
    meeting.join_url = f"https://hop.hanoi.example.vn/room/{rng.randint(10000, 99999)}"
    meeting.online_meeting_code = str(rng.randint(100000000, 999999999))
    meeting.passcode = f"{rng.randint(100000, 999999)}"
    if rng.random() < 0.1:
        meeting.is_relayed, meeting.origin_network = True, "Hệ thống hội nghị truyền hình của Thành ủy"
    local_level = units_on(day, ("district",)) or units_on(day, ("ward", "commune"))
    points = [BridgePoint(site_name="Điểm cầu chính – UBND Thành phố", is_host=True, address=meeting.location_label or "",
                          planned_participants=rng.randint(40, 120))]
    for order, unit in enumerate(local_level, start=1):
        points.append(BridgePoint(unit_id=unit.id, sort_order=order, planned_participants=rng.randint(20, 80)))
    for point in points:
        if meeting.status == "held" and rng.random() < 0.9:
            point.actual_participants = max(0, point.planned_participants + rng.randint(-15, 10))
            point.connection_status = "ok"
    meeting.bridge_points = points


def _publish_current_weeks(today: date) -> None:
    """This week and the next are published, so that the public schedule has something to show."""
    from meetingsvc.meetings.schedule import publish_week

    monday = week_start(today)
    for week in (monday, monday + timedelta(days=7)):
        publish_week(week)
    db.session.commit()


def database_is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
@click.option("--password", envvar="MEETINGSVC_DEMO_PASSWORD", default="demo-2026", show_default=True)
def load(if_empty, password):
    """Load the demo office: directory, accounts, the meetings of last year and this year."""
    if if_empty and not database_is_empty():
        click.echo("The database has data already; demo data not loaded.")
        return
    _ensure_directory()
    _ensure_accounts(password)
    today = local_today()
    count = generate_meetings(date(today.year - 1, 1, 1), date(today.year, 12, 31))
    _publish_current_weeks(today)
    click.echo(f"Demo office loaded: {count} meetings. Logins: {', '.join(a[0] for a in ACCOUNTS)} / {password}")
