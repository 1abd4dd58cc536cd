"""What every figure of one period is made of: SQL conditions and per-meeting numbers.

A figure is a *scope* (the meetings it counts, a condition on `meetings` and on the bridge-point subquery
`points`) and, for a sum, a *value* per meeting. The aggregate queries add `CASE WHEN scope THEN value` over the
period; the list behind the figure selects the same scope with the same value per row: so a list always has
exactly the figure's meetings and its total row equals the figure.

Classified meetings a viewer is not cleared for (`masked`): figures that would tell their content (kind, mode,
online or not, participants, preparing unit) leave them out, and the breakdowns that partition the total (by kind,
by mode, by preparing unit) count them on one line "classified"; the total and the figures that only depend on
their time and leaders (chaired by the Chairman and Vice Chairmen, other, by leader, by room, which the room
view shows as busy anyway) keep them, their kind then unknown and so never taken for a PC session.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from meetingsvc.core.audit import AuditEntry
from meetingsvc.core.time import to_local
from meetingsvc.directory.models import Person
from meetingsvc.extensions import db
from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader
from meetingsvc.online.models import BridgePoint
from meetingsvc.reports.hours import WorkingCalendar
from meetingsvc.reports.options import Options, Viewer

TOP_LEADER_ROLES = ("chairman", "standing_vice_chairman", "vice_chairman")
ONLINE_MODES = ("online", "hybrid")


def without_jit() -> None:
    """PostgreSQL's JIT compiles the wide SUM(CASE …) expressions of the report's queries for far longer than they
    run (measured: 400 ms of compiling for a 45 ms query at the benchmark's 1x, seconds at 10x), so the reports
    turn it off for their own transaction (SET LOCAL: the setting ends with it)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))


def held_condition(as_of: datetime):
    """Held = status held, or scheduled with a start before the moment of the report."""
    return sa.or_(Meeting.status == "held", sa.and_(Meeting.status == "scheduled", Meeting.start_at < as_of))


def top_leaders():
    return sa.select(Person.id).where(Person.leader_role.in_(TOP_LEADER_ROLES)).scalar_subquery()


def leader_link(role: str, person_ids=None):
    """The meeting has a leader in `role` (co_chair, attend): one of person_ids, else a top leader.

    An uncorrelated IN, so the database builds the set of those meetings once per query (a hash; a handful of
    leaders' links, found through the person_id index) and probes it per meeting. A correlated EXISTS ran a
    subquery per meeting for each of the sixty places the figures use this (two thirds of a report's time).
    """
    link = aliased(MeetingLeader)
    return Meeting.id.in_(sa.select(link.meeting_id).where(
        link.role == role, link.person_id.in_(person_ids if person_ids is not None else top_leaders())))


def _date_part(value):
    """The first ten characters of a stored start ('05/04/2022 08:00' or '2022-04-05T01:00…'): its day."""
    return sa.func.substr(value, 1, 10)


class Frame:
    """One period of one report, for one viewer, with the report's options."""

    def __init__(self, period, *, as_of: datetime, viewer: Viewer, options: Options):
        self.period, self.as_of, self.viewer, self.options = period, as_of, viewer, options
        first, end = period.bounds
        self.in_period = sa.and_(Meeting.start_at >= first, Meeting.start_at < end)
        self.points = self._points_subquery()
        self._calendar = None

        held = held_condition(as_of)
        visible = viewer.visible()
        masked = sa.not_(visible) if not viewer.sees_everything else sa.false()
        top_chair = sa.and_(Meeting.chair_id.is_not(None), Meeting.chair_id.in_(top_leaders()))
        top_chaired = sa.or_(top_chair, leader_link("co_chair"))
        attended_only = sa.and_(leader_link("attend"), sa.not_(top_chaired))
        counted = held if options.include_attended else sa.and_(held, sa.not_(attended_only))
        # The kind of a masked meeting is not known to the viewer: it is never taken for a PC session.
        not_session = sa.or_(Meeting.kind != "pc_session", masked)
        shown = sa.and_(counted, visible)
        own = sa.and_(shown, sa.not_(Meeting.is_relayed))
        conferences = sa.and_(own, Meeting.mode.in_(ONLINE_MODES))
        chaired = sa.and_(counted, not_session, top_chaired)
        self.c = {
            "held_status": held, "visible": visible, "masked": masked, "counted": counted, "shown": shown,
            "top_chair": top_chair, "top_chaired": top_chaired, "not_session": not_session,
            "attended_only": attended_only,
            "held": counted,
            "pc_sessions": sa.and_(shown, Meeting.kind == "pc_session"),
            "chaired_by_leaders": chaired,
            "co_chaired": sa.and_(chaired, leader_link("co_chair")),
            "cochaired_only": sa.and_(chaired, sa.not_(top_chair)),
            "together": sa.and_(chaired, self._top_leaders_on_meeting(top_chair) >= 2),
            "other": sa.and_(counted, not_session, sa.not_(top_chaired)),
            "attended_only_meetings": sa.and_(held, attended_only),
            "leaders_attended": sa.and_(held, leader_link("attend")),
            "classified": sa.and_(counted, masked),
            "in_person": sa.and_(shown, Meeting.mode == "in_person"),
            "online": sa.and_(shown, Meeting.mode == "online"),
            "hybrid": sa.and_(shown, Meeting.mode == "hybrid"),
            "field_trips": sa.and_(shown, Meeting.kind == "field_trip"),
            "working_sessions": sa.and_(shown, Meeting.kind == "working_session"),
            "working_sessions_foreign": sa.and_(shown, Meeting.kind == "working_session", Meeting.is_foreign),
            "citizen_receptions": sa.and_(shown, Meeting.kind == "citizen_reception"),
            "own_meetings": own,
            "online_conferences": conferences,
            "conferences_without_points": sa.and_(conferences, sa.func.coalesce(self.points.c.n_points, 0) == 0),
            "with_actual": sa.and_(conferences, self.conference_actual() > 0),
            "with_planned_only": sa.and_(conferences, sa.func.coalesce(self.points.c.n_planned_only, 0) > 0),
            "with_no_figure": sa.and_(conferences, sa.func.coalesce(self.points.c.n_no_figure, 0) > 0),
            "hybrid_with_venue": sa.and_(conferences, Meeting.mode == "hybrid", Meeting.present_count.is_not(None)),
            "in_person_meetings": sa.and_(own, Meeting.mode == "in_person"),
            "relayed_conferences": sa.and_(shown, Meeting.is_relayed),
            "cancelled": Meeting.status == "cancelled",
            "upcoming": sa.and_(Meeting.status == "scheduled", Meeting.start_at >= as_of),
            "drafts": Meeting.status == "draft",
        }

    @property
    def calendar(self) -> WorkingCalendar:
        """The working time of the period; of a period still running, only up to the day of the report (room use
        is a share of the working hours that have passed, not of the whole period)."""
        if self._calendar is None:
            today = to_local(self.as_of).date()
            period = replace(self.period, last=today) if self.period.running_on(today) else self.period
            self._calendar = WorkingCalendar.for_period(period)
        return self._calendar

    # ---- bridge points ----------------------------------------------------------------------------------

    def _points_subquery(self):
        """Per meeting of the period: its bridge points and their participants (one GROUP BY).

        The main point of a hybrid meeting is its venue: when the people present at the venue are recorded
        (present_count) they stand for that point's figure, so the hall is never counted twice.
        """
        first, end = self.period.bounds
        eff = sa.func.coalesce(BridgePoint.actual_participants, BridgePoint.planned_participants, 0)
        venue = sa.and_(BridgePoint.is_host, Meeting.mode == "hybrid", Meeting.present_count.is_not(None),
                        sa.not_(Meeting.is_relayed))
        counts = sa.not_(venue)
        only_planned = sa.and_(counts, BridgePoint.actual_participants.is_(None),
                               BridgePoint.planned_participants.is_not(None))
        no_figure = sa.and_(counts, BridgePoint.actual_participants.is_(None),
                            BridgePoint.planned_participants.is_(None))

        def total(condition, value=1):
            return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

        return (
            sa.select(
                BridgePoint.meeting_id.label("meeting_id"),
                sa.func.count(BridgePoint.id).label("n_points"),
                total(counts, eff).label("participants"),
                total(counts, sa.func.coalesce(BridgePoint.actual_participants, 0)).label("actual"),
                total(only_planned, BridgePoint.planned_participants).label("planned_only"),
                total(only_planned).label("n_planned_only"),
                total(no_figure).label("n_no_figure"),
            )
            .join(Meeting, Meeting.id == BridgePoint.meeting_id)
            .where(Meeting.start_at >= first, Meeting.start_at < end)
            .group_by(BridgePoint.meeting_id)
            .subquery("points")
        )

    def select_from(self, *columns):
        """SELECT columns FROM meetings LEFT JOIN points: the base of every aggregate and list query."""
        return sa.select(*columns).select_from(Meeting).outerjoin(self.points,
                                                                  self.points.c.meeting_id == Meeting.id)

    # ---- per-meeting numbers ----------------------------------------------------------------------------

    def _p(self, name):
        return sa.func.coalesce(getattr(self.points.c, name), 0)

    def venue(self):
        """People present at the venue of a hybrid meeting (its main point), when recorded."""
        return sa.case((Meeting.mode == "hybrid", sa.func.coalesce(Meeting.present_count, 0)), else_=0)

    def conference_participants(self):
        return self._p("participants") + self.venue()

    def conference_actual(self):
        return self._p("actual") + self.venue()

    def in_person_present(self):
        """present_count, else the invited people marked as attended."""
        attended = (sa.select(sa.func.count(Attendee.id))
                    .where(Attendee.meeting_id == Meeting.id, Attendee.attended == sa.true()).scalar_subquery())
        return sa.func.coalesce(Meeting.present_count, attended)

    def participants(self):
        """A meeting's participant-attendances: its bridge points (and hybrid venue), or the people present."""
        return sa.case((Meeting.mode == "in_person", self.in_person_present()), else_=self.conference_participants())

    def value(self, name: str):
        return {
            "n_points": lambda: self._p("n_points"),
            "participants": self.participants,
            "conference_participants": self.conference_participants,
            "conference_actual": self.conference_actual,
            "planned_only": lambda: self._p("planned_only"),
            "n_planned_only": lambda: self._p("n_planned_only"),
            "n_no_figure": lambda: self._p("n_no_figure"),
            "venue": self.venue,
            "in_person_present": self.in_person_present,
            "people_received": lambda: sa.func.coalesce(Meeting.people_count, 0),
            "relayed_participants": lambda: self._p("participants"),
            "room_seconds": lambda: self.calendar.seconds(Meeting.start_at, Meeting.end_at),
        }[name]()

    @staticmethod
    def _top_leaders_on_meeting(top_chair):
        """How many of the Chairman and Vice Chairmen chair or co-chair the meeting."""
        link = aliased(MeetingLeader)
        co_chairs = (sa.select(sa.func.count()).select_from(link)
                     .where(link.meeting_id == Meeting.id, link.role == "co_chair",
                            link.person_id.in_(top_leaders())).scalar_subquery())
        return sa.case((top_chair, 1), else_=0) + co_chairs

    # ---- postponed --------------------------------------------------------------------------------------

    def postponed_ids(self):
        """Meetings postponed in the period, once each: a postponement recorded in the period (the audit log's
        'postpone', or a 'move' to another day), or still postponed (no new date yet) with a start in it."""
        first, end = self.period.bounds
        old = sa.func.coalesce(AuditEntry.before["start"].as_string(), AuditEntry.before["start_at"].as_string())
        new = sa.func.coalesce(AuditEntry.after["start"].as_string(), AuditEntry.after["start_at"].as_string())
        moved_day = sa.and_(AuditEntry.action == "move", _date_part(old) != _date_part(new))
        logged = sa.select(AuditEntry.object_id.label("meeting_id")).where(
            AuditEntry.object_type == "meetings", AuditEntry.at >= first, AuditEntry.at < end,
            sa.or_(AuditEntry.action == "postpone", moved_day))
        still = sa.select(Meeting.id.label("meeting_id")).where(self.in_period, Meeting.status == "postponed")
        return sa.union(logged, still)
