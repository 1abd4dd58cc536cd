"""The meetings behind a figure: the same scope and per-meeting value as the figure, with a total row.

`figure_list(key, period, …)` answers for every key the report shows ("held", "bridge_participants", "chair:12",
"unit:7", "room_use:3", …): the meetings it counts, the number each one adds (for sums), a note where it helps
to check the figure (the bridge points that lack an actual figure, the day a meeting was postponed), and the
totals: the number of meetings and, for a sum, the sum; for room use the hours and their share of working hours.
So the list's length (for a count) or its total (for a sum) is the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from meetingsvc.core.audit import AuditEntry
from meetingsvc.core.i18n import format_day
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import KINDS, Meeting, MeetingLeader
from meetingsvc.meetings.visibility import present
from meetingsvc.online.models import BridgePoint
from meetingsvc.reports.frame import Frame, leader_link, without_jit
from meetingsvc.reports.options import Options, Viewer
from meetingsvc.reports.periods import Period
from meetingsvc.reports.services import (
    ATTENDED_INCLUDED_LABEL,
    CLASSIFIED,
    CLASSIFIED_LABEL,
    FIGURES,
    GROUP_METRICS,
    MEASURES,
    share,
    stored_units_behind,
)

# Lists that name, per meeting, the bridge points lacking an actual figure.
POINT_NOTES = {"participants_planned_only": "planned", "points_planned_only": "planned",
               "points_without_figure": "none"}


@dataclass
class ListRow:
    meeting: object  # the meeting, or its masked busy slot
    value: float | int | None = None
    note: str = ""


@dataclass
class FigureList:
    key: str
    label: str  # what the list lists: "Chaired: Phó Chủ tịch …"
    measure: str
    meetings: int  # how many meetings the figure counts
    total: float | int | None  # the sum for a sum figure, else None
    rows: list[ListRow] = field(default_factory=list)
    share: float | None = None  # room use: the total hours as a share of the working hours
    available_hours: float | None = None

    @property
    def is_sum(self) -> bool:
        return self.total is not None

    @property
    def figure(self):
        """The number the report shows for this figure."""
        if self.share is not None:
            return self.share
        return self.total if self.is_sum else self.meetings

    @property
    def measure_label(self) -> str:
        return str(MEASURES[self.measure])


def _resolve(key: str, frame: Frame):
    """(label, scope condition, value expression or None, measure, value name) for a figure key; None if unknown."""
    c = frame.c
    if key in FIGURES:
        spec = FIGURES[key]
        if key == "postponed":
            return spec.label, Meeting.id.in_(frame.postponed_ids()), None, spec.measure
        return spec.label, c[spec.scope], frame.value(spec.value) if spec.value else None, spec.measure
    metric, _sep, value = key.partition(":")
    if metric not in GROUP_METRICS or not value:
        return None
    label, measure = GROUP_METRICS[metric]
    if metric == "kind":
        if value == CLASSIFIED:
            return CLASSIFIED_LABEL, c["classified"], None, measure
        if value not in KINDS:
            return None
        return KINDS[value], sa.and_(c["shown"], Meeting.kind == value), None, measure
    if metric == "unit":
        if value == CLASSIFIED:
            return CLASSIFIED_LABEL, c["classified"], None, measure
        if value == "none":
            return label, sa.and_(c["shown"], Meeting.preparing_unit_id.is_(None)), None, measure
        if not value.isdigit():
            return None
        return label, sa.and_(c["shown"], Meeting.preparing_unit_id.in_(stored_units_behind(frame, value))), \
            None, measure
    if not value.isdigit():
        return None
    ident = int(value)
    if metric == "chair":
        return label, sa.and_(c["counted"], c["not_session"], Meeting.chair_id == ident), None, measure
    if metric == "co_chair":
        return label, sa.and_(c["counted"], c["not_session"], leader_link("co_chair", [ident])), None, measure
    if metric == "attend":
        return label, sa.and_(c["held_status"], leader_link("attend", [ident])), None, measure
    room = sa.and_(c["counted"], Meeting.room_id == ident)
    if metric == "room":
        return label, room, None, measure
    return label, room, frame.value("room_seconds"), measure  # room_hours, room_use: the hours of each meeting


def _heading(key: str, label) -> str:
    """A figure's label as a heading: an "of which" line after the figure it belongs to, capitalised."""
    text = str(label)
    if key in FIGURES and FIGURES[key].sub:
        keys = list(FIGURES)
        level = FIGURES[key].sub
        for parent in reversed(keys[:keys.index(key)]):
            if FIGURES[parent].sub < level:
                text = f"{FIGURES[parent].label}: {text}"
                if FIGURES[parent].sub == 0:
                    break
                level = FIGURES[parent].sub
    return text[:1].upper() + text[1:]


def _group_name(key: str) -> str | None:
    metric, _sep, value = key.partition(":")
    if not value.isdigit():
        return None
    ident = int(value)
    if metric in ("chair", "co_chair", "attend"):
        person = db.session.get(Person, ident)
        return person.label if person else None
    if metric == "unit":
        unit = db.session.get(Unit, ident)
        return unit.name if unit else None
    if metric in ("room", "room_hours", "room_use"):
        room = db.session.get(Room, ident)
        return room.name if room else None
    return None


def figure_list(key: str, period: Period, *, user=None, viewer: Viewer | None = None, options: Options | None = None,
                as_of: datetime | None = None, limit: int | None = None, offset: int = 0) -> FigureList | None:
    """The list behind the figure `key` of `period`, for `user` (masked where they may not see); None if unknown."""
    viewer = viewer or (Viewer.of(user) if user is not None else Viewer.office())
    frame = Frame(period, as_of=as_of or datetime.now(UTC), viewer=viewer, options=options or Options())
    resolved = _resolve(key, frame)
    if resolved is None:
        return None
    label, scope, value, measure = resolved
    without_jit()
    if key == "attended_only" and frame.options.include_attended:
        label = ATTENDED_INCLUDED_LABEL
    where = [scope] if key == "postponed" else [frame.in_period, scope]
    group = _group_name(key)
    title = f"{label}: {group}" if group else _heading(key, label)
    if key.startswith("room_hours:") or key.startswith("room_use:"):
        title = f"{GROUP_METRICS['room_hours'][0]}: {group}"

    summed = value if value is not None else sa.literal(0)
    meetings, total = db.session.execute(
        frame.select_from(sa.func.count(Meeting.id), sa.func.coalesce(sa.func.sum(summed), 0)).where(*where)).one()
    total = int(total or 0)  # PostgreSQL answers sums as Decimal
    query = (frame.select_from(Meeting, summed.label("value")).where(*where)
             .order_by(Meeting.start_at, Meeting.id).offset(offset))
    if limit is not None:
        query = query.limit(limit)
    found = db.session.execute(query).unique().all()

    seconds = key.startswith(("room_hours:", "room_use:"))
    result = FigureList(key, title, "hours" if seconds else measure, int(meetings),
                        None if value is None else (round(total / 3600, 1) if seconds else int(total)))
    notes = _notes(key, [m.id for m, _v in found], frame)
    for meeting, number in found:
        shown = present(meeting, user) if user is not None else meeting
        if value is None:
            number = None
        elif seconds:
            number = round(int(number or 0) / 3600, 2)
        else:
            number = int(number or 0)
        result.rows.append(ListRow(shown, number, "" if getattr(shown, "is_masked", False)
                                   else notes.get(meeting.id, "")))
    if key.startswith("room_use:"):
        result.available_hours = frame.calendar.available_hours
        result.share = share(total / 3600, result.available_hours)
    return result


def _notes(key: str, meeting_ids: list[int], frame: Frame) -> dict[int, str]:
    """A note per meeting for the lists that need one (one query for the page's rows)."""
    if not meeting_ids:
        return {}
    if key in POINT_NOTES:
        lacking = sa.and_(BridgePoint.actual_participants.is_(None),
                          BridgePoint.planned_participants.is_not(None) if POINT_NOTES[key] == "planned"
                          else BridgePoint.planned_participants.is_(None))
        venue = sa.and_(BridgePoint.is_host, Meeting.mode == "hybrid", Meeting.present_count.is_not(None))
        rows = db.session.execute(
            sa.select(BridgePoint.meeting_id, sa.func.coalesce(Unit.name, BridgePoint.site_name),
                      BridgePoint.planned_participants)
            .join(Meeting, Meeting.id == BridgePoint.meeting_id).outerjoin(Unit, Unit.id == BridgePoint.unit_id)
            .where(BridgePoint.meeting_id.in_(meeting_ids), lacking, sa.not_(venue))
            .order_by(BridgePoint.meeting_id, BridgePoint.sort_order, BridgePoint.id))
        notes: dict[int, list[str]] = {}
        for meeting_id, name, planned in rows:
            text = name if planned is None else _("%(name)s (planned %(n)s)", name=name, n=planned)
            notes.setdefault(meeting_id, []).append(text)
        prefix = _("No actual figure:") if POINT_NOTES[key] == "planned" else _("No figure:")
        return {mid: f"{prefix} {'; '.join(names)}" for mid, names in notes.items()}
    if key == "postponed":
        first, end = frame.period.bounds
        rows = db.session.execute(
            sa.select(AuditEntry.object_id, sa.func.min(AuditEntry.at))
            .where(AuditEntry.object_type == "meetings", AuditEntry.object_id.in_(meeting_ids),
                   AuditEntry.action.in_(("postpone", "move")), AuditEntry.at >= first, AuditEntry.at < end)
            .group_by(AuditEntry.object_id))
        return {mid: _("Postponed on %(day)s", day=format_day(at)) for mid, at in rows}
    if key == "together":
        rows = db.session.execute(
            sa.select(MeetingLeader.meeting_id, Person.full_name).join(Person, Person.id == MeetingLeader.person_id)
            .where(MeetingLeader.meeting_id.in_(meeting_ids), MeetingLeader.role == "co_chair")
            .order_by(MeetingLeader.meeting_id, Person.full_name))
        names: dict[int, list[str]] = {}
        for mid, name in rows:
            names.setdefault(mid, []).append(name)
        return {mid: _("Co-chairs: %(names)s", names=", ".join(n)) for mid, n in names.items()}
    return {}
