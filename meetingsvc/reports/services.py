"""Year-end counts, computed in the database with aggregate queries (SUM(CASE …) / GROUP BY).

Counting rules (also on the page and in docs/reports.md):
- A meeting belongs to the period of its LOCAL start time (Asia/Ho_Chi_Minh); period bounds are converted to
  UTC here and start_at is filtered with a range, so the (start_at, end_at) index serves every query.
- "Held" = status `held`, or status `scheduled` with a start before the moment of the report. Scheduled meetings
  still to come inside the period are shown apart, never counted. Drafts and cancelled meetings do not count.
- Every occurrence of a recurring meeting is its own row: each held occurrence counts once.
- A period still running (the current year, …) is compared with the same days a year earlier (periods.py:
  same_part_a_year_earlier), and its room use with the working hours up to the day of the report.
- Postponed: every meeting postponed in the period counts once, apart (the audit log's postponements, or the
  status postponed while it has no new date); it counts as held once, when it is held.
- The total counts a meeting once. Per leader a meeting counts for its chair, co-chairs have their own column;
  leaders attending without chairing another column. Meetings the Chairman and Vice Chairmen only attended
  (none of them chairs or co-chairs) count in the total only with the option attended=include.
- "Chaired by the Chairman and Vice Chairmen" = not a PC session, chaired or co-chaired by one of them; "other" =
  the rest, so that total = PC sessions + chaired by leaders + other.
- Participant-attendances = Σ over the bridge points of the office's own online and hybrid conferences (actual
  where recorded, else planned: then flagged; a hybrid meeting's venue head count stands for its main point) +
  the people present at in-person meetings. Relayed conferences are counted apart.
- Room use = hours inside working hours (see hours.py) / (working days x hours of a working day).
- Classified meetings: see frame.py; the lists behind the figures show them masked.

Every figure has a list of the meetings behind it (lists.py) built from the same scope and value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from meetingsvc.core.time import local_to_utc, to_local
from meetingsvc.directory.lineage import current_successors_of
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import KINDS, Meeting, MeetingLeader
from meetingsvc.reports.frame import TOP_LEADER_ROLES, Frame, without_jit
from meetingsvc.reports.options import Options, Viewer
from meetingsvc.reports.periods import Period

CLASSIFIED = "classified"
CLASSIFIED_LABEL = _l("Meetings with classified content (details not shown)")


@dataclass(frozen=True)
class Spec:
    """A scalar figure: its scope (a condition of Frame.c) and, for a sum, the per-meeting value."""

    label: object
    section: str
    scope: str
    value: str | None = None
    measure: str = "meetings"  # meetings | attendances | citizens | points | hours | percent
    sub: int = 0  # indentation under the figure above ("of which")


FIGURES: dict[str, Spec] = {
    "held": Spec(_l("Meetings held"), "meetings", "held"),
    "pc_sessions": Spec(_l("People's Committee sessions"), "meetings", "pc_sessions"),
    "chaired_by_leaders": Spec(_l("Meetings and conferences chaired by the Chairman and Vice Chairmen"), "meetings",
                               "chaired_by_leaders"),
    "co_chaired": Spec(_l("of which with the Chairman or a Vice Chairman co-chairing"), "meetings", "co_chaired",
                       sub=1),
    "other": Spec(_l("Other meetings (neither a PC session nor chaired by the Chairman or a Vice Chairman)"),
                  "meetings", "other"),
    "attended_only": Spec(_l("Meetings the Chairman and Vice Chairmen only attended (not counted in the total)"),
                          "meetings", "attended_only_meetings"),
    "leaders_attended": Spec(_l("Meetings leaders attended without chairing (counted apart)"), "meetings",
                             "leaders_attended"),
    "in_person": Spec(_l("In person"), "mode", "in_person"),
    "online": Spec(_l("Online"), "mode", "online"),
    "hybrid": Spec(_l("Hybrid"), "mode", "hybrid"),
    "classified": Spec(CLASSIFIED_LABEL, "mode", "classified"),
    "field_trips": Spec(_l("Field inspections"), "categories", "field_trips"),
    "working_sessions": Spec(_l("Working sessions with delegations"), "categories", "working_sessions"),
    "working_sessions_foreign": Spec(_l("of which with foreign delegations"), "categories",
                                     "working_sessions_foreign", sub=1),
    "citizen_receptions": Spec(_l("Citizen reception sessions"), "categories", "citizen_receptions"),
    "people_received": Spec(_l("People received"), "categories", "citizen_receptions", "people_received",
                            "citizens"),
    "online_conferences": Spec(_l("Online and hybrid conferences"), "online", "online_conferences"),
    "conferences_without_points": Spec(_l("of which with no bridge point recorded"), "online",
                                       "conferences_without_points", sub=1),
    "bridge_points": Spec(_l("Bridge points connected"), "online", "online_conferences", "n_points", "points"),
    "participant_attendances": Spec(_l("Participant-attendances (bridge points and in-person meetings)"), "online",
                                    "own_meetings", "participants", "attendances"),
    "bridge_participants": Spec(_l("at the bridge points of online and hybrid conferences"), "online",
                                "online_conferences", "conference_participants", "attendances", sub=1),
    "hybrid_venue": Spec(_l("of which present at the venue of hybrid meetings (as their main point)"), "online",
                         "hybrid_with_venue", "venue", "attendances", sub=2),
    "participants_actual": Spec(_l("of which actual figures recorded"), "online", "with_actual",
                                "conference_actual", "attendances", sub=2),
    "participants_planned_only": Spec(_l("of which planned figures only (no actual recorded)"), "online",
                                      "with_planned_only", "planned_only", "attendances", sub=2),
    "in_person_present": Spec(_l("present at in-person meetings"), "online", "in_person_meetings",
                              "in_person_present", "attendances", sub=1),
    "points_planned_only": Spec(_l("Bridge points with only a planned figure"), "online", "with_planned_only",
                                "n_planned_only", "points"),
    "points_without_figure": Spec(_l("Bridge points with no figure at all"), "online", "with_no_figure",
                                  "n_no_figure", "points"),
    "relayed_conferences": Spec(_l("Conferences relayed from another network (counted apart)"), "relayed",
                                "relayed_conferences"),
    "relayed_bridge_points": Spec(_l("their bridge points"), "relayed", "relayed_conferences", "n_points", "points",
                                  sub=1),
    "relayed_participants": Spec(_l("their participant-attendances (not added to ours)"), "relayed",
                                 "relayed_conferences", "relayed_participants", "attendances", sub=1),
    "cancelled": Spec(_l("Cancelled (not counted)"), "not_counted", "cancelled"),
    "postponed": Spec(_l("Postponed in the period (each once; counted as held when it is held)"), "not_counted",
                      "postponed"),
    "upcoming": Spec(_l("Scheduled, not yet held (not counted)"), "not_counted", "upcoming"),
    "drafts": Spec(_l("Drafts (not counted)"), "not_counted", "drafts"),
    "cochaired_only": Spec(_l("Chaired by someone else, co-chaired by the Chairman or a Vice Chairman"), "leaders",
                           "cochaired_only"),
    "together": Spec(_l("of which chaired together by two or more of them"), "leaders", "together", sub=1),
}
ATTENDED_INCLUDED_LABEL = _l("of which meetings the Chairman and Vice Chairmen only attended (counted in the total)")
# Shown only when there is something to show (a viewer not cleared for some meetings).
ONLY_WHEN_ANY = {"classified"}

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

# Grouped figures: metric -> label of the column, and what it measures.
GROUP_METRICS = {
    "kind": (_l("Meetings held"), "meetings"),
    "chair": (_l("Chaired"), "meetings"),
    "co_chair": (_l("Co-chaired"), "meetings"),
    "attend": (_l("Attended without chairing"), "meetings"),
    "unit": (_l("Meetings held"), "meetings"),
    "room": (_l("Meetings held"), "meetings"),
    "room_hours": (_l("Hours used in working hours"), "hours"),
    "room_use": (_l("Use of working hours"), "percent"),
}

MEASURES = {
    "meetings": _l("meetings"),
    "attendances": _l("participant-attendances"),
    "citizens": _l("citizens received"),
    "points": _l("bridge points"),
    "hours": _l("hours"),
    "percent": "%",
}


def pct_change(current, previous) -> float | None:
    """(cur - prev) / prev x 100, one decimal, half up; None when there is nothing to compare with."""
    if current is None or not previous:
        return None
    value = (Decimal(str(current)) - Decimal(str(previous))) * 100 / Decimal(str(previous))
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
    measure: str = "meetings"
    group: str | None = None  # the leader's, unit's or room's name for grouped figures
    sub: int = 0

    @property
    def unit(self) -> str:
        """count | hours | percent (the API's and the CSV's machine-readable unit)."""
        return self.measure if self.measure in ("hours", "percent") else "count"

    @property
    def unit_label(self) -> str:
        return str(MEASURES[self.measure])

    @property
    def title(self) -> str:
        return f"{self.group}: {self.label}" if self.group else str(self.label)

    @property
    def change(self) -> float | None:
        if self.measure == "percent":
            return None
        return pct_change(self.current, self.previous)


@dataclass
class Report:
    period: Period
    previous_period: Period
    as_of: datetime
    figures: dict[str, Figure]
    groups: dict[str, list[dict]]  # section -> rows: {"value", "label", "figures": {metric: Figure}}
    options: Options = field(default_factory=Options)
    viewer: Viewer = field(default_factory=Viewer)
    monthly: dict = field(default_factory=dict)
    working_days: int = 0
    hours_per_day: float = 0.0
    working_hours: str = ""
    other_leaders: list[dict] = field(default_factory=list)
    until: date | None = None  # the period is still running: its figures go up to this (local) day

    def title(self, language: str = "vi", *, dates: bool = True) -> str:
        """The period as a heading, saying up to which day the figures go while it is still running."""
        return self.period.title(language, dates=dates, until=self.until)

    def comparison(self, language: str = "vi") -> str:
        """'so với năm 2021', or 'so với cùng kỳ năm 2025' for a year still running (compared with the same part)."""
        return self.period.comparison(language, self.previous_period)

    def rows(self) -> list[Figure]:
        """Every figure in a stable order: what the page, the exports, the CLI and the API all show."""
        out = list(self.figures.values())
        for rows in self.groups.values():
            for row in rows:
                out.extend(row["figures"].values())
        for row in self.other_leaders:
            out.extend(row["figures"].values())
        return out

    @property
    def participants_flagged(self) -> bool:
        f = self.figures
        return bool(f["points_planned_only"].current or f["points_without_figure"].current
                    or f["conferences_without_points"].current)

    @property
    def masked(self) -> int:
        return self.figures["classified"].current if "classified" in self.figures else 0

    def query_args(self) -> dict:
        """URL parameters naming this report again: the period (by name) and the options."""
        return {**self.period.query_args(), **self.options.query_args()}


# ---- the aggregate queries ---------------------------------------------------------------------------------


def _sum(condition, value=None):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1 if value is None else value), else_=0)), 0)


def scalar_figures(frame: Frame) -> dict[str, int]:
    """Every scalar figure of a period in one aggregate query, and the postponed ones in another."""
    columns = [_sum(frame.c[spec.scope], frame.value(spec.value) if spec.value else None).label(key)
               for key, spec in FIGURES.items() if key != "postponed"]
    result = dict(db.session.execute(frame.select_from(*columns).where(frame.in_period)).mappings().one())
    result["postponed"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(frame.postponed_ids().subquery()))
    return {k: int(v or 0) for k, v in result.items()}


def group_counts(frame: Frame) -> dict[str, dict]:
    """metric -> {group value: number}, each from one GROUP BY query."""
    c, where = frame.c, frame.in_period
    out: dict[str, dict] = {}
    out["kind"] = dict(db.session.execute(
        sa.select(Meeting.kind, sa.func.count()).where(where, c["shown"]).group_by(Meeting.kind)).all())
    out["chair"] = dict(db.session.execute(
        sa.select(Meeting.chair_id, sa.func.count()).where(where, c["counted"], c["not_session"],
                                                           Meeting.chair_id.is_not(None))
        .group_by(Meeting.chair_id)).all())
    out["co_chair"], out["attend"] = {}, {}
    links = sa.or_(sa.and_(MeetingLeader.role == "co_chair", c["counted"], c["not_session"]),
                   sa.and_(MeetingLeader.role == "attend", c["held_status"]))
    for role, person_id, number in db.session.execute(
        sa.select(MeetingLeader.role, MeetingLeader.person_id, sa.func.count())
        .join(Meeting, Meeting.id == MeetingLeader.meeting_id).where(where, links)
        .group_by(MeetingLeader.role, MeetingLeader.person_id)
    ):
        out[role][person_id] = number
    out["unit"] = dict(db.session.execute(
        sa.select(Meeting.preparing_unit_id, sa.func.count()).where(where, c["shown"])
        .group_by(Meeting.preparing_unit_id)).all())
    out["room"], out["room_seconds"] = {}, {}
    for room_id, number, seconds in db.session.execute(
        sa.select(Meeting.room_id, sa.func.count(), sa.func.sum(frame.value("room_seconds")))
        .where(where, c["counted"], Meeting.room_id.is_not(None)).group_by(Meeting.room_id)
    ):
        out["room"][room_id] = number
        out["room_seconds"][room_id] = int(seconds or 0)
    return out


def unit_grouping(unit_ids, options: Options) -> tuple[dict[int, int], dict[int, Unit]]:
    """(stored unit id -> the unit it is reported under, units by id) for the chosen grouping.

    "now": the unit the stored one has become (directory lineage); a unit split in several keeps its own line,
    so that nothing is counted twice. "then": the stored unit itself.
    """
    ids = sorted({u for u in unit_ids if u is not None})
    if options.units == "then":
        units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids or [-1])))}
        return {uid: uid for uid in units}, units
    mapping, units = {}, {}
    for uid, successors in current_successors_of(ids).items():
        target = successors[0] if len(successors) == 1 else next((u for u in successors if u.id == uid), None)
        if target is None:  # split: the stored unit keeps its line
            target = db.session.get(Unit, uid)
        mapping[uid] = target.id
        units[target.id] = target
    return mapping, units


def stored_units_behind(frame: Frame, value: str) -> list[int]:
    """The stored preparing units whose meetings a unit's line counts (the unit and, "now", its predecessors)."""
    stored = db.session.scalars(sa.select(Meeting.preparing_unit_id).where(
        frame.in_period, Meeting.preparing_unit_id.is_not(None)).distinct())
    mapping, _units = unit_grouping(list(stored), frame.options)
    return [uid for uid, target in mapping.items() if str(target) == value]


def _bucket_starts(period: Period) -> list[date]:
    """The first day of each month of the chart: calendar months, or cut-off months (15th to 14th)."""
    day = period.first if period.basis == "cutoff" else date(period.first.year, period.first.month, 1)
    starts = []
    while day <= period.last:
        starts.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, day.day)
    return starts


def monthly_counts(frame: Frame) -> dict:
    """Counted meetings per local month by kind (masked meetings as "classified"): one query, a CASE over UTC
    month bounds."""
    period = frame.period
    starts = _bucket_starts(period)
    edges = [local_to_utc(m, datetime.min.time()) for m in starts[1:]]
    bucket = sa.case(*((Meeting.start_at < edge, i) for i, edge in enumerate(edges)), else_=len(starts) - 1) \
        if edges else sa.literal(0)
    kind = sa.case((frame.c["masked"], CLASSIFIED), else_=Meeting.kind)
    rows = db.session.execute(
        sa.select(bucket.label("bucket"), kind.label("kind_shown"), sa.func.count())
        .where(frame.in_period, frame.c["counted"]).group_by("bucket", "kind_shown")
    ).all()
    counts: dict[str, list[int]] = {}
    for index, code, number in rows:
        counts.setdefault(code, [0] * len(starts))[int(index)] += number
    return {"months": starts, "cutoff": period.basis == "cutoff", "by_kind": counts,
            "totals": [sum(c[i] for c in counts.values()) for i in range(len(starts))]}


def _leaders(ids) -> list[Person]:
    """The Chairman and Vice Chairmen (always listed), and any other leader who chaired or joined a meeting."""
    query = sa.select(Person).where(sa.or_(
        sa.and_(Person.leader_role.in_(TOP_LEADER_ROLES), Person.is_active),
        sa.and_(Person.is_leader, Person.id.in_(ids or [-1])),
    )).order_by(Person.leader_rank.nulls_last(), Person.full_name)
    return list(db.session.scalars(query))


def share(hours: float, available: float) -> float:
    return round(hours * 100 / available, 1) if available else 0.0


def build_report(period: Period, *, as_of: datetime | None = None, with_monthly: bool = True, user=None,
                 viewer: Viewer | None = None, options: Options | None = None) -> Report:
    """Every figure of `period` and of the same period a year earlier, for `user` (default: the office, every
    meeting in full). The number of queries is fixed, whatever the number of meetings."""
    as_of = as_of or datetime.now(UTC)
    viewer = viewer or (Viewer.of(user) if user is not None else Viewer.office())
    options = options or Options()
    without_jit()
    today = to_local(as_of).date()
    previous = period.same_part_a_year_earlier(today)
    frames = (Frame(period, as_of=as_of, viewer=viewer, options=options),
              Frame(previous, as_of=as_of, viewer=viewer, options=options))
    cur, prev = (scalar_figures(f) for f in frames)

    figures = {}
    for key, spec in FIGURES.items():
        if key in ONLY_WHEN_ANY and not (cur[key] or prev[key]):
            continue
        label, sub = spec.label, spec.sub
        if key == "attended_only" and options.include_attended:
            label, sub = ATTENDED_INCLUDED_LABEL, 1
        figures[key] = Figure(key, label, spec.section, cur[key], prev[key], key, measure=spec.measure, sub=sub)
    report = Report(period, previous, as_of, figures, {}, options=options, viewer=viewer,
                    until=today if period.running_on(today) else None)
    if report.participants_flagged:
        for key in ("participant_attendances", "bridge_participants"):
            figures[key].flag = "planned"

    gcur, gprev = (group_counts(f) for f in frames)

    def fig(metric, value, group, section):
        key = f"{metric}:{'none' if value is None else value}"
        label, measure = GROUP_METRICS[metric]
        return Figure(key, label, section, gcur.get(metric, {}).get(value, 0), gprev.get(metric, {}).get(value, 0),
                      metric,
                      "none" if value is None else str(value), measure=measure, group=group)

    groups = report.groups
    kinds = [k for k in KINDS if gcur["kind"].get(k) or gprev["kind"].get(k)]
    groups["by_kind"] = []
    for code in kinds:
        figure = fig("kind", code, None, "by_kind")
        figure.label = KINDS[code]
        groups["by_kind"].append({"value": code, "label": KINDS[code], "figures": {"kind": figure}})
    if "classified" in figures:
        groups["by_kind"].append(_classified_row("kind", "by_kind", figures["classified"]))

    people_ids = set(gcur["chair"]) | set(gprev["chair"]) | {
        pid for m in ("co_chair", "attend") for g in (gcur, gprev) for pid in g[m]}
    groups["leaders"], report.other_leaders = [], []
    for person in _leaders(people_ids):
        row = {"value": person.id, "label": person.label, "figures": {
            m: fig(m, person.id, person.label, "leaders") for m in ("chair", "co_chair", "attend")}}
        (groups["leaders"] if person.leader_role in TOP_LEADER_ROLES else report.other_leaders).append(row)

    report.groups["units"] = _unit_rows(gcur, gprev, options, fig)
    if "classified" in figures:
        groups["units"].append(_classified_row("unit", "units", figures["classified"]))

    calendars = [f.calendar for f in frames]
    report.working_days, report.hours_per_day = calendars[0].working_days, calendars[0].hours_per_day
    report.working_hours = calendars[0].labels
    room_ids = set(gcur["room"]) | set(gprev["room"])
    rooms = list(db.session.scalars(sa.select(Room).where(sa.or_(Room.id.in_(room_ids or [-1]), Room.is_active))
                                    .order_by(Room.name)))
    groups["rooms"] = []
    for room in rooms:
        hours = fig("room_hours", room.id, room.name, "rooms")
        seconds = [g["room_seconds"].get(room.id, 0) for g in (gcur, gprev)]
        hours.current, hours.previous = (round(s / 3600, 1) for s in seconds)
        use = fig("room_use", room.id, room.name, "rooms")
        use.current, use.previous = (share(s / 3600, c.available_hours) for s, c in zip(seconds, calendars,
                                                                                         strict=True))
        groups["rooms"].append({"value": room.id, "label": room.name, "figures": {
            "room": fig("room", room.id, room.name, "rooms"), "room_hours": hours, "room_use": use}})

    if with_monthly:
        report.monthly = {"current": monthly_counts(frames[0]), "previous": monthly_counts(frames[1])}
    return report


def _classified_row(metric: str, section: str, total: Figure) -> dict:
    figure = Figure(f"{metric}:{CLASSIFIED}", CLASSIFIED_LABEL, section, total.current, total.previous, metric,
                    CLASSIFIED)
    return {"value": CLASSIFIED, "label": CLASSIFIED_LABEL, "figures": {metric: figure}}


def _unit_rows(gcur, gprev, options, fig) -> list[dict]:
    mapping, units = unit_grouping(set(gcur["unit"]) | set(gprev["unit"]), options)
    for g in (gcur, gprev):
        merged: dict = {}
        for uid, number in g["unit"].items():
            target = mapping.get(uid, uid) if uid is not None else None
            merged[target] = merged.get(target, 0) + number
        g["unit"] = merged
    unit_rows = sorted(set(gcur["unit"]) | set(gprev["unit"]),
                       key=lambda u: (u is None, -gcur["unit"].get(u, 0), units[u].name if u in units else ""))
    none_label = _l("No preparing unit recorded")
    rows = []
    for uid in unit_rows:
        name = units[uid].name if uid is not None else none_label
        rows.append({"value": uid, "label": name, "figures": {"unit": fig("unit", uid, name, "units")}})
    return rows
