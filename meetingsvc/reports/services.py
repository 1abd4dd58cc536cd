"""Year-end counts, computed in the database with aggregate queries (COUNT / SUM / CASE / GROUP BY).

Counting rules (also on the page and in docs/reports.md):
- A meeting belongs to the period of its LOCAL start time (Asia/Ho_Chi_Minh); period bounds are converted to
  UTC here and start_at is filtered with a range, so the (start_at, end_at) index serves every query.
- "Held" = status `held`, or status `scheduled` with a start before the moment of the report (a scheduled meeting
  in the past took place unless someone marked it otherwise). Scheduled meetings still to come inside the period
  are NOT counted as held: they are shown apart as "scheduled, not yet held", so a report for the current year
  never counts what has not happened.
- Every occurrence of a recurring meeting is its own row: each held occurrence counts once; cancelled
  occurrences do not count. Drafts do not count.
- Cancelled and postponed meetings are counted apart. A postponed meeting counts once, when it is held: the
  row that is held (the same meeting moved to its new date, or the new meeting) counts; the status
  `postponed` itself never counts as held.
- A meeting counts once in the totals. Per leader it counts for its chair; co-chairs are reported in their own
  column, and leaders attending a meeting without chairing it in another column (never added to the chaired).
- "Chaired by the Chairman and Vice Chairmen" = not a People's Committee session, and its chair or a co-chair is
  the Chairman, the Standing Vice Chairman or a Vice Chairman. "Other" = every held meeting that is neither a PC
  session nor chaired so, so that total = PC sessions + chaired by leaders + other.
- Participant-attendances ("lượt đại biểu") = Σ over the bridge points of held online and hybrid conferences of
  the actual participants where recorded, else the planned figure (the figure is then flagged), plus the people
  present at held in-person meetings (present_count, else the attendees marked as attended). Conferences relayed
  from another network (is_relayed) are counted apart, and their participants are not added to ours.
- Counts are aggregate numbers and include classified meetings; the lists behind them mask what a user may not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from meetingsvc.core import workdays
from meetingsvc.core.time import local_to_utc, parse_working_hours
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import KINDS, Attendee, Meeting, MeetingLeader
from meetingsvc.online.models import BridgePoint
from meetingsvc.reports.periods import Period

TOP_LEADER_ROLES = ("chairman", "standing_vice_chairman", "vice_chairman")
ONLINE_MODES = ("online", "hybrid")


# ---- conditions: one per figure, shared by the counts and by the lists behind them ---------------------------


def held_condition(as_of: datetime):
    return sa.or_(Meeting.status == "held", sa.and_(Meeting.status == "scheduled", Meeting.start_at < as_of))


def _top_leaders():
    return sa.select(Person.id).where(Person.leader_role.in_(TOP_LEADER_ROLES)).scalar_subquery()


def _leader_link(role: str, person_ids=None):
    query = sa.select(MeetingLeader.meeting_id).where(MeetingLeader.meeting_id == Meeting.id,
                                                      MeetingLeader.role == role)
    query = query.where(MeetingLeader.person_id.in_(person_ids if person_ids is not None else _top_leaders()))
    return query.exists()


def _chaired_by_top_leader():
    return sa.or_(sa.and_(Meeting.chair_id.is_not(None), Meeting.chair_id.in_(_top_leaders())),
                  _leader_link("co_chair"))


def _conditions(as_of: datetime) -> dict:
    held = held_condition(as_of)
    chaired = sa.and_(Meeting.kind != "pc_session", _chaired_by_top_leader())
    return {
        "held": held,
        "pc_sessions": sa.and_(held, Meeting.kind == "pc_session"),
        "chaired_by_leaders": sa.and_(held, chaired),
        "other": sa.and_(held, Meeting.kind != "pc_session", sa.not_(_chaired_by_top_leader())),
        "co_chaired": sa.and_(held, _leader_link("co_chair")),
        "leaders_attended": sa.and_(held, _leader_link("attend")),
        "in_person": sa.and_(held, Meeting.mode == "in_person"),
        "online": sa.and_(held, Meeting.mode == "online"),
        "hybrid": sa.and_(held, Meeting.mode == "hybrid"),
        "field_trips": sa.and_(held, Meeting.kind == "field_trip"),
        "working_sessions": sa.and_(held, Meeting.kind == "working_session"),
        "working_sessions_foreign": sa.and_(held, Meeting.kind == "working_session", Meeting.is_foreign),
        "citizen_receptions": sa.and_(held, Meeting.kind == "citizen_reception"),
        "online_conferences": sa.and_(held, Meeting.mode.in_(ONLINE_MODES), sa.not_(Meeting.is_relayed)),
        "relayed_conferences": sa.and_(held, Meeting.is_relayed),
        "in_person_meetings": sa.and_(held, Meeting.mode == "in_person", sa.not_(Meeting.is_relayed)),
        "cancelled": Meeting.status == "cancelled",
        "postponed": Meeting.status == "postponed",
        "upcoming": sa.and_(Meeting.status == "scheduled", Meeting.start_at >= as_of),
        "drafts": Meeting.status == "draft",
    }


# Scalar figures: key -> (label, section, condition key for the list behind it).
FIGURES = {
    "held": (_l("Meetings held"), "meetings", "held"),
    "pc_sessions": (_l("People's Committee sessions"), "meetings", "pc_sessions"),
    "chaired_by_leaders": (_l("Meetings and conferences chaired by the Chairman and Vice Chairmen"), "meetings",
                           "chaired_by_leaders"),
    "other": (_l("Other meetings (neither a PC session nor chaired by the Chairman or a Vice Chairman)"), "meetings",
              "other"),
    "co_chaired": (_l("of which co-chaired by a leader"), "meetings", "co_chaired"),
    "leaders_attended": (_l("Meetings leaders attended without chairing (counted apart)"), "meetings",
                         "leaders_attended"),
    "in_person": (_l("In person"), "mode", "in_person"),
    "online": (_l("Online"), "mode", "online"),
    "hybrid": (_l("Hybrid"), "mode", "hybrid"),
    "field_trips": (_l("Field inspections"), "categories", "field_trips"),
    "working_sessions": (_l("Working sessions with delegations"), "categories", "working_sessions"),
    "working_sessions_foreign": (_l("of which with foreign delegations"), "categories", "working_sessions_foreign"),
    "citizen_receptions": (_l("Citizen reception sessions"), "categories", "citizen_receptions"),
    "people_received": (_l("People received"), "categories", "citizen_receptions"),
    "online_conferences": (_l("Online and hybrid conferences"), "online", "online_conferences"),
    "bridge_points": (_l("Bridge points connected"), "online", "online_conferences"),
    "participant_attendances": (_l("Participant-attendances (bridge points and in-person meetings)"), "online",
                                "held"),
    "bridge_participants": (_l("at bridge points"), "online", "online_conferences"),
    "participants_actual": (_l("of which actual figures recorded"), "online", "online_conferences"),
    "participants_planned_only": (_l("of which planned figures only (no actual recorded)"), "online",
                                  "online_conferences"),
    "points_planned_only": (_l("Bridge points with only a planned figure"), "online", "online_conferences"),
    "points_without_figure": (_l("Bridge points with no figure at all"), "online", "online_conferences"),
    "in_person_present": (_l("present at in-person meetings"), "online", "in_person_meetings"),
    "relayed_conferences": (_l("Conferences relayed from another network (counted apart)"), "relayed",
                            "relayed_conferences"),
    "relayed_bridge_points": (_l("their bridge points"), "relayed", "relayed_conferences"),
    "relayed_participants": (_l("their participant-attendances (not added to ours)"), "relayed",
                             "relayed_conferences"),
    "cancelled": (_l("Cancelled (not counted)"), "not_counted", "cancelled"),
    "postponed": (_l("Postponed (counted once, when held)"), "not_counted", "postponed"),
    "upcoming": (_l("Scheduled, not yet held (not counted)"), "not_counted", "upcoming"),
    "drafts": (_l("Drafts (not counted)"), "not_counted", "drafts"),
}

SECTIONS = {
    "meetings": _l("Meetings"),
    "by_kind": _l("By kind"),
    "mode": _l("Online, hybrid and in person"),
    "categories": _l("Field inspections, delegations, citizen reception"),
    "online": _l("Online conferences and participant-attendances"),
    "relayed": _l("Relayed conferences"),
    "leaders": _l("By leader"),
    "units": _l("By preparing unit"),
    "rooms": _l("By room"),
    "not_counted": _l("Not counted as held"),
}

# Grouped figures: metric -> label of the column.
GROUP_METRICS = {
    "kind": _l("Meetings held"),
    "chair": _l("Chaired"),
    "co_chair": _l("Co-chaired"),
    "attend": _l("Attended without chairing"),
    "unit": _l("Meetings held"),
    "room": _l("Meetings held"),
    "room_hours": _l("Hours booked"),
    "room_use": _l("Use of working hours"),
}


def metric_condition(metric: str, value: str | None, as_of: datetime):
    """The condition behind a figure, for the list of meetings that make it up. None if unknown."""
    conditions = _conditions(as_of)
    if metric in FIGURES:
        return conditions[FIGURES[metric][2]]
    held = conditions["held"]
    if metric == "kind" and value in KINDS:
        return sa.and_(held, Meeting.kind == value)
    if metric in ("unit", "room") and value == "none":
        column = Meeting.preparing_unit_id if metric == "unit" else Meeting.room_id
        return sa.and_(held, column.is_(None))
    if not (value or "").isdigit():
        return None
    ident = int(value)
    if metric == "chair":
        return sa.and_(held, Meeting.chair_id == ident)
    if metric in ("co_chair", "attend"):
        return sa.and_(held, _leader_link(metric, [ident]))
    if metric == "unit":
        return sa.and_(held, Meeting.preparing_unit_id == ident)
    if metric in ("room", "room_hours", "room_use"):
        return sa.and_(held, Meeting.room_id == ident)
    return None


# ---- the report --------------------------------------------------------------------------------------------


def pct_change(current, previous) -> float | None:
    """(cur - prev) / prev x 100, one decimal, half up; None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    value = (Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class Figure:
    key: str
    label: object  # a lazy string: rendered in the language of whoever shows it
    section: str
    current: float | int | None
    previous: float | int | None
    metric: str
    value: str | None = None  # the group's key (kind code, person id, …)
    flag: str | None = None
    unit: str = "count"  # count | hours | percent
    group: str | None = None  # the leader's, unit's or room's name for grouped figures

    @property
    def title(self) -> str:
        return f"{self.group}: {self.label}" if self.group else str(self.label)

    @property
    def change(self) -> float | None:
        if self.unit == "percent":
            return None
        return pct_change(self.current, self.previous)


@dataclass
class Report:
    period: Period
    previous_period: Period
    as_of: datetime
    figures: dict[str, Figure]
    groups: dict[str, list[dict]]  # section -> rows: {"value", "label", "figures": {metric: Figure}}
    monthly: dict = field(default_factory=dict)
    working_days: int = 0
    hours_per_day: float = 0.0

    def rows(self) -> list[Figure]:
        """Every figure in a stable order: what the page, the exports, the CLI and the API all show."""
        out = list(self.figures.values())
        for rows in self.groups.values():
            for row in rows:
                out.extend(row["figures"].values())
        return out

    @property
    def participants_flagged(self) -> bool:
        return bool(self.figures["points_planned_only"].current)


def _in_period(bounds):
    return sa.and_(Meeting.start_at >= bounds[0], Meeting.start_at < bounds[1])


def _count(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _duration_seconds():
    if db.engine.dialect.name == "postgresql":
        return sa.extract("epoch", Meeting.end_at - Meeting.start_at)
    return (sa.func.julianday(Meeting.end_at) - sa.func.julianday(Meeting.start_at)) * 86400


def _scalar_figures(bounds, as_of) -> dict[str, int]:
    """One aggregate query over the period's meetings, one over their bridge points."""
    conditions = _conditions(as_of)
    in_person_present = sa.func.coalesce(
        Meeting.present_count,
        sa.select(sa.func.count(Attendee.id))
        .where(Attendee.meeting_id == Meeting.id, Attendee.attended == sa.true())
        .scalar_subquery(),
    )
    columns = {key: _count(conditions[key]) for key in (
        "held", "pc_sessions", "chaired_by_leaders", "other", "co_chaired", "leaders_attended", "in_person", "online",
        "hybrid", "field_trips", "working_sessions", "working_sessions_foreign", "citizen_receptions",
        "online_conferences", "relayed_conferences", "cancelled", "postponed", "upcoming", "drafts")}
    columns["people_received"] = sa.func.coalesce(sa.func.sum(
        sa.case((conditions["citizen_receptions"], sa.func.coalesce(Meeting.people_count, 0)), else_=0)), 0)
    columns["in_person_present"] = sa.func.coalesce(sa.func.sum(
        sa.case((conditions["in_person_meetings"], in_person_present), else_=0)), 0)
    query = sa.select(*(c.label(k) for k, c in columns.items())).where(_in_period(bounds))
    result = dict(db.session.execute(query).mappings().one())

    effective = sa.func.coalesce(BridgePoint.actual_participants, BridgePoint.planned_participants, 0)
    only_planned = sa.and_(BridgePoint.actual_participants.is_(None), BridgePoint.planned_participants.is_not(None))
    no_figure = sa.and_(BridgePoint.actual_participants.is_(None), BridgePoint.planned_participants.is_(None))
    points = (
        sa.select(
            Meeting.is_relayed,
            sa.func.count(BridgePoint.id),
            sa.func.coalesce(sa.func.sum(effective), 0),
            sa.func.coalesce(sa.func.sum(BridgePoint.actual_participants), 0),
            sa.func.coalesce(sa.func.sum(sa.case((only_planned, BridgePoint.planned_participants), else_=0)), 0),
            _count(only_planned),
            _count(no_figure),
        )
        .join(Meeting, Meeting.id == BridgePoint.meeting_id)
        .where(_in_period(bounds), held_condition(as_of),
               sa.or_(Meeting.mode.in_(ONLINE_MODES), Meeting.is_relayed))
        .group_by(Meeting.is_relayed)
    )
    own = {"points": 0, "participants": 0, "actual": 0, "planned_only": 0, "points_planned_only": 0, "no_figure": 0}
    relayed = dict(own)
    for is_relayed, *values in db.session.execute(points):
        target = relayed if is_relayed else own
        for key, value in zip(own, values, strict=True):
            target[key] = int(value or 0)
    result.update(
        bridge_points=own["points"],
        bridge_participants=own["participants"],
        participants_actual=own["actual"],
        participants_planned_only=own["planned_only"],
        points_planned_only=own["points_planned_only"],
        points_without_figure=own["no_figure"],
        relayed_bridge_points=relayed["points"],
        relayed_participants=relayed["participants"],
    )
    result["in_person_present"] = int(result["in_person_present"] or 0)
    result["participant_attendances"] = result["bridge_participants"] + result["in_person_present"]
    return {k: int(v or 0) for k, v in result.items()}


def _group_counts(bounds, as_of) -> dict[str, dict]:
    """metric -> {group value: number}, each from one GROUP BY query."""
    held = sa.and_(_in_period(bounds), held_condition(as_of))
    out: dict[str, dict] = {}
    out["kind"] = dict(db.session.execute(
        sa.select(Meeting.kind, sa.func.count()).where(held).group_by(Meeting.kind)).all())
    out["chair"] = dict(db.session.execute(
        sa.select(Meeting.chair_id, sa.func.count()).where(held, Meeting.chair_id.is_not(None))
        .group_by(Meeting.chair_id)).all())
    out["co_chair"], out["attend"] = {}, {}
    for role, person_id, number in db.session.execute(
        sa.select(MeetingLeader.role, MeetingLeader.person_id, sa.func.count())
        .join(Meeting, Meeting.id == MeetingLeader.meeting_id).where(held)
        .group_by(MeetingLeader.role, MeetingLeader.person_id)
    ):
        out[role][person_id] = number
    out["unit"] = dict(db.session.execute(
        sa.select(Meeting.preparing_unit_id, sa.func.count()).where(held).group_by(Meeting.preparing_unit_id)).all())
    out["room"], out["room_hours"], out["room_use"] = {}, {}, {}
    for room_id, number, seconds in db.session.execute(
        sa.select(Meeting.room_id, sa.func.count(), sa.func.sum(_duration_seconds()))
        .where(held, Meeting.room_id.is_not(None)).group_by(Meeting.room_id)
    ):
        out["room"][room_id] = number
        out["room_hours"][room_id] = round(float(seconds or 0) / 3600, 1)
    return out


def _month_starts(period: Period) -> list[date]:
    months, day = [], date(period.first.year, period.first.month, 1)
    while day <= period.last:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def _monthly(period: Period, as_of) -> dict:
    """Held meetings per local month (by kind): one query, the month computed by a CASE over UTC month bounds."""
    bounds = period.bounds
    months = _month_starts(period)
    edges = [local_to_utc(m, datetime.min.time()) for m in months[1:]]
    bucket = sa.case(*((Meeting.start_at < edge, i) for i, edge in enumerate(edges)), else_=len(months) - 1) \
        if edges else sa.literal(0)
    rows = db.session.execute(
        sa.select(bucket.label("bucket"), Meeting.kind, sa.func.count())
        .where(_in_period(bounds), held_condition(as_of)).group_by("bucket", Meeting.kind)
    ).all()
    counts: dict[str, list[int]] = {}
    for index, kind, number in rows:
        counts.setdefault(kind, [0] * len(months))[int(index)] += number
    return {"months": months, "by_kind": counts, "totals": [sum(c[i] for c in counts.values())
                                                            for i in range(len(months))]}


def _leaders(ids) -> list[Person]:
    """The Chairman and Vice Chairmen (always listed), and any other leader who chaired or joined a meeting."""
    query = sa.select(Person).where(sa.or_(
        sa.and_(Person.leader_role.in_(TOP_LEADER_ROLES), Person.is_active),
        sa.and_(Person.is_leader, Person.id.in_(ids or [-1])),
    )).order_by(Person.leader_rank.nulls_last(), Person.full_name)
    return list(db.session.scalars(query))


def _unit_mapping(unit_ids) -> tuple[dict, dict]:
    """Units by id, and stored unit -> unit as it is now (directory's successors when that service exists)."""
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids or [-1])))}
    now_of = {uid: uid for uid in units}
    try:
        from meetingsvc.directory.services import current_successors
    except ImportError:
        return units, now_of
    for uid, unit in list(units.items()):
        successors = list(current_successors(unit) or [])
        if len(successors) == 1 and successors[0].id != uid:  # a split unit keeps its own line: no double counting
            units[successors[0].id] = successors[0]
            now_of[uid] = successors[0].id
    return units, now_of


def working_hours_per_day() -> float:
    start, end = parse_working_hours(current_app.config.get("WORKING_HOURS", "07:30-17:00"))
    return (datetime.combine(date.min, end) - datetime.combine(date.min, start)).seconds / 3600


def build_report(period: Period, *, as_of: datetime | None = None, with_monthly: bool = True) -> Report:
    """Every figure of `period` and of the same period a year earlier. The number of queries is fixed."""
    as_of = as_of or datetime.now(UTC)
    previous = period.previous_year()
    cur, prev = _scalar_figures(period.bounds, as_of), _scalar_figures(previous.bounds, as_of)
    figures = {}
    for key, (label, section, _cond) in FIGURES.items():
        figures[key] = Figure(key, label, section, cur[key], prev[key], key)
    if figures["points_planned_only"].current:
        figures["participant_attendances"].flag = "planned"
        figures["bridge_participants"].flag = "planned"

    gcur, gprev = _group_counts(period.bounds, as_of), _group_counts(previous.bounds, as_of)

    def fig(metric, value, group, section, unit="count"):
        key = f"{metric}:{'none' if value is None else value}"
        return Figure(key, GROUP_METRICS[metric], section, gcur[metric].get(value, 0), gprev[metric].get(value, 0),
                      metric, "none" if value is None else str(value), unit=unit, group=group)

    groups: dict[str, list[dict]] = {}
    kinds = [k for k in KINDS if gcur["kind"].get(k) or gprev["kind"].get(k)]
    groups["by_kind"] = [{"value": k, "label": KINDS[k], "figures": {"kind": fig("kind", k, None, "by_kind")}}
                         for k in kinds]
    for row in groups["by_kind"]:
        row["figures"]["kind"].label = KINDS[row["value"]]

    people_ids = set(gcur["chair"]) | set(gprev["chair"]) | {
        pid for m in ("co_chair", "attend") for g in (gcur, gprev) for pid in g[m]}
    groups["leaders"] = [
        {"value": p.id, "label": p.label, "figures": {
            m: fig(m, p.id, p.label, "leaders") for m in ("chair", "co_chair", "attend")}}
        for p in _leaders(people_ids)
    ]

    unit_ids = {u for g in (gcur, gprev) for u in g["unit"] if u is not None}
    units, now_of = _unit_mapping(unit_ids)
    for g in (gcur, gprev):
        merged: dict = {}
        for uid, number in g["unit"].items():
            target = now_of.get(uid, uid)
            merged[target] = merged.get(target, 0) + number
        g["unit"] = merged
    unit_rows = sorted((u for u in set(gcur["unit"]) | set(gprev["unit"])),
                       key=lambda u: (u is None, -gcur["unit"].get(u, 0), units[u].name if u in units else ""))
    none_label = _l("No preparing unit recorded")
    groups["units"] = [{"value": u, "label": units[u].name if u is not None else none_label, "figures": {
        "unit": fig("unit", u, units[u].name if u is not None else none_label, "units")}} for u in unit_rows]

    hours_per_day = working_hours_per_day()
    wd_cur = workdays.working_days_between(period.first, period.last + timedelta(days=1))
    wd_prev = workdays.working_days_between(previous.first, previous.last + timedelta(days=1))
    room_ids = set(gcur["room"]) | set(gprev["room"])
    rooms = list(db.session.scalars(sa.select(Room).where(sa.or_(Room.id.in_(room_ids or [-1]), Room.is_active))
                                    .order_by(Room.name)))
    groups["rooms"] = []
    for room in rooms:
        use = fig("room_use", room.id, room.name, "rooms", unit="percent")
        use.current = _share(gcur["room_hours"].get(room.id, 0), wd_cur * hours_per_day)
        use.previous = _share(gprev["room_hours"].get(room.id, 0), wd_prev * hours_per_day)
        groups["rooms"].append({"value": room.id, "label": room.name, "figures": {
            "room": fig("room", room.id, room.name, "rooms"),
            "room_hours": fig("room_hours", room.id, room.name, "rooms", unit="hours"),
            "room_use": use,
        }})

    report = Report(period, previous, as_of, figures, groups, working_days=wd_cur, hours_per_day=hours_per_day)
    if with_monthly:
        report.monthly = {"current": _monthly(period, as_of), "previous": _monthly(previous, as_of)}
    return report


def _share(hours: float, available: float) -> float:
    return round(hours * 100 / available, 1) if available else 0.0


# ---- the meetings behind a figure --------------------------------------------------------------------------


def meetings_behind(metric: str, value: str | None, period: Period, *, as_of: datetime | None = None,
                    limit: int | None = None, offset: int = 0):
    """(total, meetings) for the list behind a figure, ordered by start. None if the metric is unknown."""
    condition = metric_condition(metric, value, as_of or datetime.now(UTC))
    if condition is None:
        return None
    where = sa.and_(_in_period(period.bounds), condition)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(where))
    query = sa.select(Meeting).where(where).order_by(Meeting.start_at, Meeting.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return total, list(db.session.scalars(query).unique())


def participants_by_meeting(meeting_ids) -> dict[int, tuple[int, int]]:
    """meeting id -> (bridge points, participant-attendances at them), for the detail lists and sheets."""
    if not meeting_ids:
        return {}
    effective = sa.func.coalesce(BridgePoint.actual_participants, BridgePoint.planned_participants, 0)
    rows = db.session.execute(
        sa.select(BridgePoint.meeting_id, sa.func.count(), sa.func.sum(effective))
        .where(BridgePoint.meeting_id.in_(list(meeting_ids))).group_by(BridgePoint.meeting_id)
    )
    return {mid: (int(n), int(total or 0)) for mid, n, total in rows}
