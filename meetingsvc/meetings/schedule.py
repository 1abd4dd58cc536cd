"""The weekly work schedule ("lịch công tác tuần"): the live draft, its publications and what changed.

A publication is a ScheduleRevision: revision 0 is the first official version of a week, revision N is
"Điều chỉnh lần N". Its `entries` keep, per meeting, a snapshot of what was published (time, content, chair,
leaders, attendees, place, preparing unit, status, classification), so that the published version can be shown
as it was sent out and the next revision can mark what was added, changed, postponed or cancelled.
Everything here is callable without HTTP; masking for the viewer happens with visibility.present().
"""

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, defer
from sqlalchemy.orm.attributes import set_committed_value

from meetingsvc.auth.models import SECRET_LEVELS, classification_rank
from meetingsvc.core import workdays
from meetingsvc.core.audit import record
from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.core.text import fold
from meetingsvc.core.time import (
    local_day_bounds,
    local_to_utc,
    local_today,
    office_zone,
    parse_day,
    week_start,
)
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import (
    ACTIVE_STATUSES,
    Attendee,
    Meeting,
    MeetingLeader,
    ScheduleRevision,
    invites,
    led_by,
)
from meetingsvc.meetings.validation import read_day_error
from meetingsvc.meetings.visibility import MaskedMeeting, present

# Sessions of the day as the schedule prints them, in order.
SESSIONS = ("all_day", "morning", "afternoon", "evening")
# Statuses a publication includes: drafts are not official yet; postponed and cancelled stay, marked.
PUBLISHED_STATUSES = ("scheduled", "held", "postponed", "cancelled")
CHANGE_KINDS = ("added", "changed", "postponed", "cancelled")
PUBLISH_ATTEMPTS = 5

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


# ---- which week -----------------------------------------------------------------------------------------


def parse_week(week: str | None = None, day: str | None = None) -> date:
    """The Monday of `week` ('2026-W48') or of the week holding `day` ('2026-11-25'); this week if neither."""
    if week:
        match = _ISO_WEEK.match(week.strip())
        try:
            if not match:
                raise ValueError(week)
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise ValidationError({"week": _("Give the week as YYYY-Www, for example 2026-W48.")}) from None
        key = "week"
    elif day:
        try:
            monday = week_start(parse_day(day))
        except (ValueError, OverflowError):
            raise ValidationError({"date": _("Not a date (use dd/mm/yyyy).")}) from None
        key = "date"
    else:
        return week_start(local_today())
    problem = read_day_error(monday) or read_day_error(monday + timedelta(days=6))
    if problem:
        raise ValidationError({key: problem})
    return monday


def week_label(monday: date) -> str:
    year, number, _weekday = monday.isocalendar()
    return _("Work schedule for week %(week)s of %(year)s, from %(start)s to %(end)s", week=number, year=year,
             start=monday.strftime("%d/%m/%Y"), end=(monday + timedelta(days=6)).strftime("%d/%m/%Y"))


def iso_week(monday: date) -> str:
    year, number, _weekday = monday.isocalendar()
    return f"{year}-W{number:02d}"


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    return local_day_bounds(monday, monday + timedelta(days=6))


# ---- the live schedule -----------------------------------------------------------------------------------


@dataclass
class WeekFilters:
    leader_id: int | None = None
    room_id: int | None = None
    unit_id: int | None = None

    @property
    def any(self) -> bool:
        return any((self.leader_id, self.room_id, self.unit_id))


def _leader_clause(person_id):
    return sa.or_(Meeting.chair_id == person_id, led_by([person_id]))


def _unit_clause(unit_id):
    return sa.or_(Meeting.preparing_unit_id == unit_id, invites(unit_ids=[unit_id]))


def overlapping(start: datetime, end: datetime):
    """SQL condition: the meeting overlaps [start, end).

    A meeting lasts at most MAX_MEETING_HOURS, so one that overlaps starts at most that long before `start`:
    the lower bound makes the condition a narrow range scan of the start_at index whatever the table's size
    (without it, the planner may prefer scanning every meeting of a status).
    """
    longest = timedelta(hours=current_app.config.get("MAX_MEETING_HOURS", 120))
    return sa.and_(Meeting.start_at >= start - longest, Meeting.start_at < end, Meeting.end_at > start)


def _person_label(title, full_name) -> str:
    """As Person.label: 'Phó Chủ tịch Nguyễn Văn A'."""
    return f"{title or ''} {full_name}".strip()


def _place_label(location, room_name, building) -> str:
    """As Meeting.location_label: the room (with its building) or the external location."""
    if room_name:
        return f"{room_name}, {building}" if building else room_name
    return location or ""


def _utc_text(naive_utc: datetime) -> str:
    """A stored (naive UTC) time as an aware UTC datetime's isoformat() writes it: '2026-11-23T01:00:00+00:00'."""
    return naive_utc.isoformat() + "+00:00"


@cache
def _snapshot_statements():
    """The SELECT and FROM of the three column queries, built once per process: building them (aliases, labels,
    joins) cost about as much as running them."""
    chair, preparing = aliased(Person), aliased(Unit)
    # Times as stored, naive UTC, without UTCDateTime's aware datetimes: the snapshot writes them as text anyway
    # (see _utc_text), and making each aware first tripled the cost of hundreds of them.
    start_at, end_at = sa.type_coerce(Meeting.start_at, sa.DateTime()), sa.type_coerce(Meeting.end_at, sa.DateTime())
    meetings = (
        sa.select(Meeting.id, start_at, end_at, Meeting.day_part, Meeting.title, Meeting.agenda,
                  Meeting.kind, Meeting.mode, Meeting.status, Meeting.status_reason, Meeting.classification,
                  Meeting.location, Meeting.room_id, Meeting.chair_id, Meeting.preparing_unit_id,
                  chair.title, chair.full_name, Room.name, Room.building, preparing.name)
        .outerjoin(chair, chair.id == Meeting.chair_id)
        .outerjoin(Room, Room.id == Meeting.room_id)
        .outerjoin(preparing, preparing.id == Meeting.preparing_unit_id)
        .order_by(Meeting.start_at, Meeting.id)
    )
    # Leaders and attendees come joined to the meetings under the same conditions, not as "meeting_id IN (the
    # ids)": hundreds of ids make a statement that neither SQLAlchemy nor psycopg caches (its text changes with
    # their number, and is too long for psycopg's cache). Aliased, so that the EXISTS of the leader and unit
    # filters (led_by, invites) keep their own meeting_leaders and attendees instead of correlating to these.
    link, attendee = aliased(MeetingLeader), aliased(Attendee)
    leaders = (
        sa.select(link.meeting_id, link.person_id, link.role, Person.title, Person.full_name)
        .join(Meeting, Meeting.id == link.meeting_id)
        .join(Person, Person.id == link.person_id)
    )
    attendees = (
        sa.select(attendee.meeting_id, attendee.person_id, attendee.unit_id, Person.title, Person.full_name, Unit.name)
        .join(Meeting, Meeting.id == attendee.meeting_id)
        .outerjoin(Person, Person.id == attendee.person_id)
        .outerjoin(Unit, Unit.id == attendee.unit_id)
        .order_by(attendee.id)
    )
    return meetings, leaders, attendees


def schedule_snapshots(start: datetime, end: datetime, *, filters: WeekFilters | None = None,
                       statuses=None) -> dict[int, dict]:
    """{meeting id: snapshot} for the meetings overlapping [start, end), ordered by start.

    Three column queries whatever the number of meetings (meetings with chair, room and preparing unit; their
    leaders; their attendees), no ORM objects: the week page with hundreds of meetings stays fast. The
    snapshot is what the schedule shows and what a publication stores.
    """
    filters = filters or WeekFilters()
    conditions = [overlapping(start, end)]
    if filters.leader_id:
        conditions.append(_leader_clause(filters.leader_id))
    if filters.room_id:
        conditions.append(Meeting.room_id == filters.room_id)
    if filters.unit_id:
        conditions.append(_unit_clause(filters.unit_id))
    meetings, leaders, attendees = _snapshot_statements()
    snapshots = {}
    # Plain Core execution on the session's connection: rows of columns need none of the ORM's loading machinery.
    # Rows are unpacked as tuples: reading a Row's columns by name costs more than building the snapshot.
    connection = db.session.connection()
    for (meeting_id, start_at, end_at, day_part, title, agenda, kind, mode, status, status_reason, classification,
         location, room_id, chair_id, preparing_unit_id, chair_title, chair_name, room_name, building,
         preparing_name) in connection.execute(meetings.where(*conditions)).all():
        # Statuses are filtered here, not in SQL: a condition on status tempts SQLite (without ANALYZE
        # statistics) to scan the status index over every meeting instead of the week's start_at range.
        if statuses and status not in statuses:
            continue
        snapshots[meeting_id] = {
            "start_at": _utc_text(start_at),
            "end_at": _utc_text(end_at),
            "day_part": day_part,
            "title": title,
            "agenda": agenda or "",
            "kind": kind,
            "mode": mode,
            "status": status,
            "status_reason": status_reason or "",
            "classification": classification,
            "location": _place_label(location, room_name, building),
            "room_id": room_id,
            "chair_id": chair_id,
            "chair": _person_label(chair_title, chair_name) if chair_id else "",
            "leaders": [],
            "attendees": [],
            "preparing_unit_id": preparing_unit_id,
            "preparing_unit": preparing_name or "",
        }
    if not snapshots:
        return snapshots
    for meeting_id, person_id, role, title, full_name in connection.execute(leaders.where(*conditions)).all():
        if meeting_id in snapshots:  # not a meeting of a status left out above
            snapshots[meeting_id]["leaders"].append([person_id, role, _person_label(title, full_name)])
    for data in snapshots.values():
        data["leaders"].sort()
    for meeting_id, person_id, unit_id, title, full_name, unit_name in connection.execute(
            attendees.where(*conditions)).all():
        if meeting_id in snapshots:
            label = _person_label(title, full_name) if person_id else unit_name
            snapshots[meeting_id]["attendees"].append([person_id, unit_id, label])
    return snapshots


def schedule_entries(start: datetime, end: datetime, *, filters: WeekFilters | None = None, statuses=None,
                     as_of: datetime | None = None) -> list["ScheduleEntry"]:
    return [ScheduleEntry(meeting_id, data, as_of)
            for meeting_id, data in schedule_snapshots(start, end, filters=filters, statuses=statuses).items()]


def live_statuses(user) -> tuple[str, ...]:
    """Drafts (not yet confirmed) are shown only to those who book."""
    if getattr(user, "role", None) in ("admin", "secretary"):
        return ("draft",) + PUBLISHED_STATUSES
    return PUBLISHED_STATUSES


# The unit filter's groups, in this order: departments first, then the other bodies of the city, then the
# district-level units and the wards and communes.
UNIT_FILTER_GROUPS = (
    (_l("Departments and other bodies"), ("department", "office", "city", "other")),
    (_l("District-level units"), ("district",)),
    (_l("Wards and communes"), ("ward", "commune", "township", "special_zone")),
)


class Choice(NamedTuple):
    """An entry of a filter menu: a leader (labelled as the schedule names them), a room or a unit."""

    id: int
    label: str
    is_active: bool = True


def filter_choices(monday: date | None = None, selected_unit_id: int | None = None, *,
                   selected_leader_id: int | None = None, selected_room_id: int | None = None):
    """Leaders, rooms and units for the filter menus, as Choices (columns, not ORM objects: the menus show a name).

    Leaders and rooms: the active ones, and those the week's meetings have although deactivated since (a past
    week still filters by the leader who chaired it), and the one chosen.
    Units: [(group label, units)], those that exist at some time in the week (Unit.valid_from / valid_to), grouped
    by kind (departments first, see UNIT_FILTER_GROUPS), sorted by name without regard to accents; the unit chosen
    stays in the list.
    """
    monday = monday or week_start(local_today())
    sunday = monday + timedelta(days=6)
    in_week_meetings = sa.select(Meeting.id).where(overlapping(*local_day_bounds(monday, sunday)))
    week_leaders = sa.union(
        sa.select(Meeting.chair_id).where(Meeting.id.in_(in_week_meetings)),
        sa.select(MeetingLeader.person_id).where(MeetingLeader.meeting_id.in_(in_week_meetings)))
    leader_rows = db.session.execute(
        sa.select(Person.id, Person.title, Person.full_name, Person.is_active)
        .where(Person.is_leader.is_(True), sa.or_(
            Person.is_active.is_(True), Person.id.in_(week_leaders), Person.id == (selected_leader_id or -1)))
        .order_by(Person.leader_rank.is_(None), Person.leader_rank, Person.full_name))
    leaders = [Choice(person_id, _person_label(title, full_name), is_active)
               for person_id, title, full_name, is_active in leader_rows]
    room_rows = db.session.execute(sa.select(Room.id, Room.name, Room.is_active).where(sa.or_(
        Room.is_active.is_(True), Room.id.in_(sa.select(Meeting.room_id).where(Meeting.id.in_(in_week_meetings))),
        Room.id == (selected_room_id or -1))).order_by(Room.name))
    rooms = [Choice(*row) for row in room_rows]
    in_week = sa.and_(Unit.is_active.is_(True), sa.or_(Unit.valid_from.is_(None), Unit.valid_from <= sunday),
                      sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= monday))
    if selected_unit_id:
        in_week = sa.or_(in_week, Unit.id == selected_unit_id)
    rank = {kind: index for index, (_label, kinds) in enumerate(UNIT_FILTER_GROUPS) for kind in kinds}
    groups = [(str(label), []) for label, _kinds in UNIT_FILTER_GROUPS]
    units = db.session.execute(sa.select(Unit.id, Unit.name, Unit.code, Unit.kind).where(in_week)).all()
    for unit_id, name, _code, kind in sorted(units, key=lambda u: (fold(u.name), u.code)):
        groups[rank.get(kind, 0)][1].append(Choice(unit_id, name))
    return leaders, rooms, [(label, choices) for label, choices in groups if choices]


# ---- snapshots and publication ---------------------------------------------------------------------------


def change_of(before: dict | None, after: dict) -> str | None:
    """'added', 'postponed', 'cancelled', 'changed' or None, from the previous snapshot to this one."""
    if before is None:
        return "added"
    if after["status"] != before["status"] and after["status"] in ("postponed", "cancelled"):
        return after["status"]
    return "changed" if before != after else None


# A publication is never changed once written, so its entries are decoded once per process (for the last few
# publications looked at) instead of on every view of the week: hundreds of snapshots are some 350 kB of JSON.
# The decoded entries are shared between requests: they are only ever read.
_KEPT_REVISIONS = 16
_kept_entries: OrderedDict[tuple, dict] = OrderedDict()
_kept_lock = threading.Lock()


def _with_entries(revision: ScheduleRevision | None) -> ScheduleRevision | None:
    """`revision` (loaded without its entries) with its entries, from those kept or else read now."""
    if revision is None or "entries" not in sa.inspect(revision).unloaded:  # None, or already in the session
        return revision
    # The database's address too: one process may serve (or test) several databases whose ids overlap.
    key = (db.engine.url, revision.id, revision.published_at)
    with _kept_lock:
        entries = _kept_entries.get(key)
        if entries is not None:
            _kept_entries.move_to_end(key)
    if entries is None:
        entries = db.session.scalar(sa.select(ScheduleRevision.entries).where(ScheduleRevision.id == revision.id))
        with _kept_lock:
            _kept_entries[key] = entries
            while len(_kept_entries) > _KEPT_REVISIONS:
                _kept_entries.popitem(last=False)
    set_committed_value(revision, "entries", entries)
    return revision


def latest_revision(monday: date) -> ScheduleRevision | None:
    return _with_entries(db.session.scalar(
        sa.select(ScheduleRevision).options(defer(ScheduleRevision.entries))
        .where(ScheduleRevision.week_start == monday).order_by(ScheduleRevision.revision.desc()).limit(1)
    ))


def get_revision(monday: date, number: int) -> ScheduleRevision | None:
    return _with_entries(db.session.scalar(
        sa.select(ScheduleRevision).options(defer(ScheduleRevision.entries))
        .where(ScheduleRevision.week_start == monday, ScheduleRevision.revision == number)
    ))


def revisions_of(monday: date):
    """(revision, published_at) of every publication of the week, without their entries."""
    return db.session.execute(
        sa.select(ScheduleRevision.revision, ScheduleRevision.published_at)
        .where(ScheduleRevision.week_start == monday).order_by(ScheduleRevision.revision)
    ).all()


class NothingToPublish(ValidationError):
    """The week is exactly as its latest publication: a new revision would announce changes there are none of."""


def publish_week(monday: date, user=None) -> ScheduleRevision:
    """Publish the week as it stands: a new revision numbered after the latest one (refused with NothingToPublish
    when nothing changed since it).

    Two publications at the same moment can read the same latest number; the unique (week_start, revision)
    constraint refuses the second insert, which then retries with the next number. After PUBLISH_ATTEMPTS
    lost races it gives up with a ConflictError (409).
    """
    if monday.weekday() != 0:
        raise ValidationError({"week": _("A week starts on a Monday.")})
    for _attempt in range(PUBLISH_ATTEMPTS):
        try:
            entries = {str(k): v for k, v in schedule_snapshots(*week_bounds(monday),
                                                                statuses=PUBLISHED_STATUSES).items()}
            previous = latest_revision(monday)
            if previous is not None and previous.entries == entries:
                label = _("Revision %(n)s", n=previous.revision) if previous.revision else _("Official version")
                raise NothingToPublish({"week": _(
                    "Nothing has changed since the last publication (%(revision)s); there is nothing to publish.",
                    revision=label)})
            revision = ScheduleRevision(
                week_start=monday,
                revision=0 if previous is None else previous.revision + 1,
                entries=entries,
                published_by_id=getattr(user, "id", None),
            )
            db.session.add(revision)
            db.session.flush()
            changes = count_changes(previous.entries if previous else None, entries)
            record("publish", revision, user=user, after={"week_start": monday.isoformat(),
                                                          "revision": revision.revision, **changes},
                   summary=_("Published %(title)s (revision %(n)s)", title=week_label(monday), n=revision.revision))
            db.session.commit()
            return revision
        except (sa.exc.IntegrityError, sa.exc.OperationalError):
            # Another publication took this number (or held the write lock): read again and take the next one.
            db.session.rollback()
    raise ConflictError(_("The schedule was being published by someone else at the same time. Try again."))


def count_changes(previous: dict | None, current: dict) -> dict:
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    if previous is None:
        return counts
    for key, entry in current.items():
        kind = change_of(previous.get(key), entry)
        if kind:
            counts[kind] += 1
    counts["removed"] = len(set(previous) - set(current))
    return counts


# ---- the published version as objects a template can show ---------------------------------------------


class _Named:
    """A person or a unit as the snapshot names it (`label` for people, `name` for units)."""

    def __init__(self, label):
        self.label = self.name = label

    def __str__(self):
        return self.label


class ScheduleEntry:
    """A meeting as the schedule shows it, live or as a revision published it, from its snapshot.

    Looks to templates and to present() like a Meeting (present() masks it like one).
    """

    is_masked = False

    def __init__(self, meeting_id: int, data: dict, as_of: datetime | None = None):
        self.id = meeting_id
        self.data = data
        self.start_at = datetime.fromisoformat(data["start_at"])
        self.end_at = datetime.fromisoformat(data["end_at"])
        self.day_part = data["day_part"]
        self.title = data["title"]
        self.agenda = data["agenda"]
        self.kind = data["kind"]
        self.mode = data["mode"]
        self.status = data["status"]
        self.status_reason = data["status_reason"]
        self.classification = data["classification"]
        self.location_label = self.location = data["location"]
        self.room_id = data["room_id"]
        self.chair_id = data["chair_id"]
        self.chair = _Named(data["chair"]) if data["chair"] else None
        self.co_chairs, self.attending_leaders = [], []
        for _pid, role, label in data["leaders"]:  # a leader is a co-chair or attends (a CHECK says so)
            (self.co_chairs if role == "co_chair" else self.attending_leaders).append(_Named(label))
        self.attendees_text = "; ".join([label for _pid, _uid, label in data["attendees"]])
        self.preparing_unit_id = data["preparing_unit_id"]
        self.preparing_unit = _Named(data["preparing_unit"]) if data["preparing_unit"] else None
        self.sequence = 0
        self.updated_at = as_of

    @property
    def attendees(self) -> list[_Named]:
        # Built on demand: the schedule table uses attendees_text, and a week has hundreds of entries.
        return [_Named(label) for _pid, _uid, label in self.data["attendees"]]

    @property
    def is_classified(self) -> bool:
        from meetingsvc.auth.models import SECRET_LEVELS

        return self.classification in SECRET_LEVELS

    def involved_person_ids(self) -> set[int]:
        ids = {pid for pid, _role, _label in self.data["leaders"]}
        ids.update(pid for pid, _uid, _label in self.data["attendees"] if pid)
        if self.chair_id:
            ids.add(self.chair_id)
        return ids

    def leader_ids(self) -> set[int]:
        ids = {pid for pid, _role, _label in self.data["leaders"]}
        return ids | ({self.chair_id} if self.chair_id else set())

    def unit_ids(self) -> set[int]:
        ids = {uid for _pid, uid, _label in self.data["attendees"] if uid}
        return ids | ({self.preparing_unit_id} if self.preparing_unit_id else set())

    def __repr__(self):
        return f"<ScheduleEntry {self.id} {self.title[:30]!r}>"


def published_entries(revision: ScheduleRevision, filters: WeekFilters | None = None) -> list[ScheduleEntry]:
    filters = filters or WeekFilters()
    entries = [ScheduleEntry(int(key), data, revision.published_at) for key, data in revision.entries.items()]
    if filters.leader_id:
        entries = [e for e in entries if filters.leader_id in e.leader_ids()]
    if filters.room_id:
        entries = [e for e in entries if e.room_id == filters.room_id]
    if filters.unit_id:
        entries = [e for e in entries if filters.unit_id in e.unit_ids()]
    return sorted(entries, key=lambda e: (e.start_at, e.id))


# ---- the page's model --------------------------------------------------------------------------------------


@dataclass
class Row:
    meeting: object  # a ScheduleEntry or a MaskedMeeting
    change: str | None = None
    # Set by group_by_day, in office time: "08:30–10:00", and the end ("17:00 25/11/2026") if on another day.
    time_text: str = ""
    until_text: str = ""
    # A meeting over several days has a row on each of its days: "day 2 of 3".
    day_note: str = ""
    # Bridge points and participants of an online or hybrid meeting (online.services.Totals), when shown.
    online: object = None


@dataclass
class Day:
    day: date
    sessions: list[tuple[str, list[Row]]] = field(default_factory=list)
    # A public holiday or the office's day off (its name), or a weekend day that is an official working day.
    note: str = ""
    is_day_off: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(rows for _session, rows in self.sessions)


def session_of(local_start: datetime, day_part: str, monday: date) -> tuple[date, str]:
    """The local day (not before Monday, for a meeting begun the week before) and the session of a meeting that
    starts at `local_start` (office time)."""
    day = max(local_start.date(), monday)
    if day_part == "all_day":
        return day, "all_day"
    if local_start.date() < monday:
        return day, "morning"
    return day, _session_at(local_start.time())


def _session_at(moment: time) -> str:
    if moment < time(12):
        return "morning"
    return "afternoon" if moment < time(18) else "evening"


def _day_rows(row: Row, monday: date, zone) -> list[tuple[date, str, Row]]:
    """(day, session, row) for each day of the week the meeting takes place on: one for a meeting within a day,
    one per day for a meeting over several ("from 08:00", "all day", "until 17:00")."""
    meeting = row.meeting
    start, end = meeting.start_at.astimezone(zone), meeting.end_at.astimezone(zone)
    first_day, last_day = start.date(), (end - timedelta(microseconds=1)).date()
    # Formatted from the fields: strftime costs several times more, for each of hundreds of rows.
    row.time_text = f"{start.hour:02d}:{start.minute:02d}–{end.hour:02d}:{end.minute:02d}"
    row.until_text = (f"{end.hour:02d}:{end.minute:02d} {end.day:02d}/{end.month:02d}/{end.year:04d}"
                      if end.date() != first_day else "")
    if last_day <= first_day:
        day, session = session_of(start, meeting.day_part, monday)
        return [(day, session, row)]
    total = (last_day - first_day).days + 1
    whole = meeting.day_part == "all_day"
    placed = []
    for offset in range(total):
        day = first_day + timedelta(days=offset)
        if not monday <= day <= monday + timedelta(days=6):
            continue
        if day == first_day:
            text, session = _("from %(time)s", time=start.strftime("%H:%M")), "all_day" if whole else _session_at(
                start.time())
        elif day == last_day:
            text = _("until %(when)s", when=end.strftime("%H:%M"))
            session = "all_day" if whole or end.time() > time(12) else "morning"
        else:
            text, session = _("All day"), "all_day"
        part = Row(meeting, row.change, text, row.until_text if day == first_day else "",
                   _("day %(n)s of %(total)s", n=offset + 1, total=total), row.online)
        placed.append((day, session, part))
    return placed


def group_by_day(monday: date, rows: list[Row], notes: dict | None = None) -> list[Day]:
    """Monday to Friday always; Saturday and Sunday when something happens on them or they are working days.

    `notes` is workdays.day_notes() of the week: holidays and days off are named on their day.
    """
    zone = office_zone()  # looked up once: a week may hold hundreds of rows
    notes = notes or {}
    buckets: dict[date, dict[str, list[Row]]] = {}
    for row in rows:
        for day, session, part in _day_rows(row, monday, zone):
            buckets.setdefault(day, {}).setdefault(session, []).append(part)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        note, is_working = notes.get(day, ("", None))
        if offset >= 5 and day not in buckets and not is_working:
            continue
        sessions = buckets.get(day, {})
        days.append(Day(day, [(s, sessions[s]) for s in SESSIONS if s in sessions], note, is_working is False))
    return days


@dataclass
class WeekView:
    monday: date
    version: str  # 'draft' (live data) or 'published'
    days: list[Day]
    revision: ScheduleRevision | None  # the one shown (published) or the latest one (draft)
    removed: list = field(default_factory=list)  # entries in the previous revision but no longer in the week
    count: int = 0

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def title(self) -> str:
        return week_label(self.monday)


def _classifications_now(ids, monday: date | None = None) -> dict[int, str]:
    """{meeting id: its classification now} for `ids`.

    With `monday`, the ids are entries published for that week: their meetings are read by the week's time range
    and only those moved out of it since by id, because a statement with hundreds of ids is one neither SQLAlchemy
    nor psycopg caches (its text changes with their number, and is too long for psycopg's cache).
    """
    wanted, found = set(ids), {}
    if monday is not None:
        rows = db.session.execute(
            sa.select(Meeting.id, Meeting.classification).where(overlapping(*week_bounds(monday))))
        found = {meeting_id: level for meeting_id, level in rows if meeting_id in wanted}
    missing = wanted.difference(found)
    if missing:
        found.update(db.session.execute(
            sa.select(Meeting.id, Meeting.classification).where(Meeting.id.in_(missing))).all())
    return found


def _mask_by_current_classification(entries: list, shown: list, user, monday: date | None = None) -> list:
    """`shown` (present() of each published entry) with every entry also masked whose meeting is classified NOW
    above what `user` may see: a meeting published as internal and raised to Tối mật afterwards is a busy slot in
    every revision, at once. Three queries at most, whatever the number of entries; `monday`: the entries are
    those of that week (see _classifications_now)."""
    ids = [e.id for e, s in zip(entries, shown, strict=True) if not getattr(s, "is_masked", False)]
    if not ids:
        return shown
    rank = classification_rank(user.clearance) if getattr(user, "is_authenticated", False) else -1
    now = _classifications_now(ids, monday)
    hidden = {i for i in ids if now.get(i) in SECRET_LEVELS and classification_rank(now[i]) > rank}
    if hidden and getattr(user, "person_id", None):
        hidden -= set(db.session.scalars(sa.union(
            sa.select(Meeting.id).where(Meeting.id.in_(hidden), Meeting.chair_id == user.person_id),
            sa.select(MeetingLeader.meeting_id).where(MeetingLeader.meeting_id.in_(hidden),
                                                      MeetingLeader.person_id == user.person_id),
            sa.select(Attendee.meeting_id).where(Attendee.meeting_id.in_(hidden), Attendee.person_id == user.person_id),
        )))
    return [MaskedMeeting(e) if e.id in hidden else s for e, s in zip(entries, shown, strict=True)]


def _moved_to(removed: list, monday: date) -> list[tuple[object, datetime | None, str | None]]:
    """(entry, new start, status) of entries no longer in the week: where their meeting is now, if outside it."""
    if not removed:
        return []
    start, end = week_bounds(monday)
    now = {row.id: row for row in db.session.execute(
        sa.select(Meeting.id, Meeting.start_at, Meeting.end_at, Meeting.status)
        .where(Meeting.id.in_([e.id for e in removed])))}
    result = []
    for entry in removed:
        row = now.get(entry.id)
        moved = row is not None and (row.start_at >= end or row.end_at <= start)
        result.append((entry, row.start_at if moved else None, row.status if row is not None else None))
    return result


def _with_online_totals(rows: list[Row]) -> None:
    """Bridge points and participants of the online and hybrid meetings shown: one aggregate query."""
    online = [r for r in rows if not getattr(r.meeting, "is_masked", False) and r.meeting.mode in ("online", "hybrid")]
    if not online:
        return
    from meetingsvc.online.services import totals_for_meetings

    totals = totals_for_meetings([r.meeting.id for r in online])
    for row in online:
        row.online = totals[row.meeting.id]


def build_week(monday: date, user, *, version: str = "draft", filters: WeekFilters | None = None,
               revision_number: int | None = None) -> WeekView:
    """The week as `user` may see it: live data marked against the latest publication, or a publication
    marked against the one before it."""
    filters = filters or WeekFilters()
    notes = workdays.day_notes(monday, monday + timedelta(days=6))
    if version == "published":
        revision = get_revision(monday, revision_number) if revision_number is not None else latest_revision(monday)
        if revision is None:
            return WeekView(monday, version, group_by_day(monday, [], notes), None)
        previous = get_revision(monday, revision.revision - 1) if revision.revision > 0 else None
        items = published_entries(revision, filters)
        before = previous.entries if previous else None
        current_keys = set(revision.entries)
        removed_source = [ScheduleEntry(int(k), d, previous.published_at)
                          for k, d in (before or {}).items() if k not in current_keys]
    else:
        revision = latest_revision(monday)
        items = schedule_entries(*week_bounds(monday), filters=filters, statuses=live_statuses(user))
        before = revision.entries if revision else None
        live_keys = {str(m.id) for m in items}
        removed_source = []
        if before and not filters.any:
            gone = [int(k) for k in before if k not in live_keys]
            removed_source = [ScheduleEntry(k, before[str(k)], revision.published_at) for k in sorted(gone)]
    shown_items = [present(item, user) for item in items]
    if version == "published":  # snapshots: the meeting may be classified higher since
        shown_items = _mask_by_current_classification(items, shown_items, user, monday)
    rows = []
    for item, shown in zip(items, shown_items, strict=True):
        change = None
        if before is not None and item.status in PUBLISHED_STATUSES:
            change = change_of(before.get(str(item.id)), item.data)
        if getattr(shown, "is_masked", False) and filters.unit_id:
            continue  # a unit is not part of what a busy slot shows: don't let the filter reveal it
        rows.append(Row(shown, change))
    _with_online_totals(rows)
    removed_shown = _mask_by_current_classification(removed_source, [present(e, user) for e in removed_source], user)
    removed = [(shown, moved, status) for shown, (_entry, moved, status)
               in zip(removed_shown, _moved_to(removed_source, monday), strict=True)]
    return WeekView(monday, version, group_by_day(monday, rows, notes), revision, removed, count=len(rows))


# ---- the public page -------------------------------------------------------------------------------------------


def public_week(monday: date) -> tuple[ScheduleRevision | None, list[Day]]:
    """The latest publication of the week, public meetings only.

    A meeting shows only if it was public when published AND is still public now: a meeting classified after
    publication disappears from the public page at once, without waiting for the next revision.
    """
    notes = workdays.day_notes(monday, monday + timedelta(days=6))
    revision = latest_revision(monday)
    if revision is None:
        return None, group_by_day(monday, [], notes)
    candidates = [e for e in published_entries(revision) if e.classification == "public"]
    now = _classifications_now([e.id for e in candidates], monday) if candidates else {}
    still_public = {meeting_id for meeting_id, level in now.items() if level == "public"}
    previous = get_revision(monday, revision.revision - 1) if revision.revision > 0 else None
    rows = []
    for entry in candidates:
        if entry.id not in still_public:
            continue
        change = change_of(previous.entries.get(str(entry.id)), entry.data) if previous else None
        rows.append(Row(entry, change))
    _with_online_totals(rows)
    return revision, group_by_day(monday, rows, notes)


# ---- the room view ---------------------------------------------------------------------------------------------

GRID_START, GRID_END, SLOT_MINUTES = time(7), time(21), 15


@dataclass
class Block:
    meeting: object  # a ScheduleEntry or a MaskedMeeting
    column: int  # 1-based room column
    row_start: int  # 1-based grid line of the slot grid (07:00 is line 1)
    row_end: int
    clipped: bool = False  # began before or ended after the hours the grid shows
    time_text: str = ""  # "08:30–10:00" in office time
    leaders_text: str = ""  # chair, co-chairs and leaders attending (shown even on a busy slot)


@dataclass
class RoomDay:
    day: date
    blocks: list[Block]


def grid_slots() -> int:
    minutes = (GRID_END.hour * 60 + GRID_END.minute) - (GRID_START.hour * 60 + GRID_START.minute)
    return minutes // SLOT_MINUTES


def grid_hours() -> list[int]:
    return list(range(GRID_START.hour, GRID_END.hour))


def _slot_line(local: datetime, day: date, *, round_up: bool) -> int:
    """The grid line of `day`'s grid at `local` (office time), kept within the grid."""
    minutes = (local.date() - day).days * 24 * 60 + local.hour * 60 + local.minute
    minutes -= GRID_START.hour * 60 + GRID_START.minute
    slots = -(-minutes // SLOT_MINUTES) if round_up else minutes // SLOT_MINUTES
    return min(max(slots, 0), grid_slots()) + 1


def room_days(first: date, last: date, user, *, rooms: list[Room]) -> list[RoomDay]:
    """Active bookings of `rooms` from `first` to `last`, as blocks on a grid per day (three queries)."""
    start, end = local_day_bounds(first, last)
    columns = {room.id: index + 1 for index, room in enumerate(rooms)}
    zone = office_zone()
    # What a booking shows is worked out once, not again for each day of the grid it spans.
    bookings = []
    for meeting in schedule_entries(start, end, statuses=ACTIVE_STATUSES):
        if meeting.room_id not in columns:
            continue
        shown = present(meeting, user)
        leaders = ([shown.chair] if shown.chair else []) + shown.co_chairs + shown.attending_leaders
        local_start, local_end = meeting.start_at.astimezone(zone), meeting.end_at.astimezone(zone)
        time_text = f"{local_start.hour:02d}:{local_start.minute:02d}–{local_end.hour:02d}:{local_end.minute:02d}"
        bookings.append((meeting, shown, local_start, local_end, time_text, ", ".join(p.label for p in leaders)))
    days = []
    day = first
    while day <= last:
        day_start, day_end = local_day_bounds(day)
        grid_start, grid_end = local_to_utc(day, GRID_START), local_to_utc(day, GRID_END)
        blocks = []
        for meeting, shown, local_start, local_end, time_text, leaders_text in bookings:
            if meeting.start_at >= day_end or meeting.end_at <= day_start:
                continue
            top = _slot_line(local_start, day, round_up=False)
            bottom = _slot_line(local_end, day, round_up=True)
            clipped = meeting.start_at < grid_start or meeting.end_at > grid_end
            if bottom <= top:  # entirely before or after the grid's hours: show it as one slot at the edge
                top, bottom = (top, top + 1) if top <= grid_slots() else (grid_slots(), grid_slots() + 1)
            blocks.append(Block(shown, columns[meeting.room_id], top, bottom, clipped, time_text, leaders_text))
        days.append(RoomDay(day, blocks))
        day += timedelta(days=1)
    return days
