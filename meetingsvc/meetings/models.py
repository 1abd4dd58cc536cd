"""Meetings, their leaders and attendees, recurring series and the published weekly schedule.

Double booking is impossible in the database itself: on PostgreSQL an exclusion constraint per room and
per chair over the meeting's time range, on SQLite triggers that abort an overlapping write (SQLite has a
single writer, so the check and the write are atomic). Both are created by the migrations; see
`ACTIVE_STATUSES` for the statuses that hold a slot.
"""

import re
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetingsvc.auth.models import CLASSIFICATIONS, SECRET_LEVELS
from meetingsvc.core.db import UTCDateTime, check_in, utcnow
from meetingsvc.core.text import fold
from meetingsvc.extensions import db

_WORDS = re.compile(r"\w+")

# Meeting kinds (domain.md §1.1 and glossary). Caps are hours; None means no cap.
KINDS = {
    "pc_session": _l("People's Committee session"),
    "briefing": _l("Routine briefing"),
    "work_resolution": _l("Working meeting"),
    "advisory": _l("Advisory meeting"),
    "coordination": _l("Coordination meeting"),
    "technical": _l("Technical meeting"),
    "thematic": _l("Thematic meeting"),
    "training_rollout": _l("Training / rollout conference"),
    "review": _l("Review conference"),
    "conference": _l("Conference"),
    "online_conference": _l("Online conference"),
    "workshop": _l("Workshop"),
    "working_session": _l("Working session with a delegation"),
    "reception": _l("Reception of guests"),
    "citizen_reception": _l("Citizen reception"),
    "field_trip": _l("Field inspection"),
    "other": _l("Other"),
}

PC_SESSION_KINDS = {"regular": _l("Regular"), "thematic": _l("Thematic"), "extraordinary": _l("Extraordinary")}

STATUSES = {
    "draft": _l("Draft"),
    "scheduled": _l("Scheduled"),
    "postponed": _l("Postponed"),
    "cancelled": _l("Cancelled"),
    "held": _l("Held"),
}
# Statuses that hold a room and a chair; cancelled and postponed meetings free their slot.
ACTIVE_STATUSES = ("draft", "scheduled", "held")
# The others. Queries write "status NOT IN (these)": with "status IN (active)" SQLite, before ANALYZE has run,
# picks the status index and reads every meeting instead of the time range.
FREEING_STATUSES = tuple(s for s in STATUSES if s not in ACTIVE_STATUSES)

MODES = {"in_person": _l("In person"), "online": _l("Online"), "hybrid": _l("Hybrid")}

DAY_PARTS = {"morning": _l("Morning"), "afternoon": _l("Afternoon"), "evening": _l("Evening"), "all_day": _l("All day")}

LEADER_ROLES_IN_MEETING = {"co_chair": _l("Co-chair"), "attend": _l("Attends")}

ATTENDEE_ROLES = {
    "participant": _l("Participant"),
    "presenter": _l("Presenter"),
    "observer": _l("Observer"),
    "accompanying": _l("Accompanying"),
}
RESPONSES = {
    "pending": _l("No answer yet"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "delegated": _l("Sends a deputy"),
}


class MeetingSeries(db.Model):
    """A recurring meeting: its rule; every occurrence is its own Meeting row (so conflicts and counts see it)."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    rrule: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    first_start_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    sequence: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")

    occurrences: Mapped[list["Meeting"]] = relationship(back_populates="series", order_by="Meeting.original_start_at")

    def __repr__(self):
        return f"<MeetingSeries {self.id} {self.rrule}>"


class MeetingLeader(db.Model):
    """A leader on a meeting other than its chair: co-chair, or attending a meeting hosted by another body."""

    __tablename__ = "meeting_leaders"
    __table_args__ = (check_in("role", LEADER_ROLES_IN_MEETING),)

    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False)

    person = relationship("Person", lazy="joined")

    def __repr__(self):
        return f"<MeetingLeader meeting={self.meeting_id} person={self.person_id} {self.role}>"


class Attendee(db.Model):
    """A person or a whole unit invited to a meeting."""

    __tablename__ = "attendees"
    __table_args__ = (
        sa.CheckConstraint("(person_id IS NULL) <> (unit_id IS NULL)", name="person_or_unit"),
        sa.UniqueConstraint("meeting_id", "person_id"),
        sa.UniqueConstraint("meeting_id", "unit_id"),
        check_in("role", ATTENDEE_ROLES),
        check_in("response", RESPONSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), nullable=True, index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True, index=True)
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="participant", server_default="participant")
    response: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="pending", server_default="pending")
    delegate_name: Mapped[str | None] = mapped_column(sa.String(160), nullable=True)
    attended: Mapped[bool | None] = mapped_column(nullable=True)
    note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="", server_default="")

    person = relationship("Person", lazy="joined")
    unit = relationship("Unit", lazy="joined")

    def __repr__(self):
        return f"<Attendee meeting={self.meeting_id} person={self.person_id} unit={self.unit_id}>"

    @property
    def label(self) -> str:
        return self.person.label if self.person else self.unit.name


class Meeting(db.Model):
    __tablename__ = "meetings"
    __table_args__ = (
        sa.CheckConstraint("end_at > start_at", name="ends_after_start"),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        sa.CheckConstraint("people_count IS NULL OR people_count >= 0", name="people_count_not_negative"),
        sa.CheckConstraint("present_count IS NULL OR present_count >= 0", name="present_count_not_negative"),
        check_in("kind", KINDS),
        check_in("session_kind", PC_SESSION_KINDS),
        check_in("status", STATUSES),
        check_in("mode", MODES),
        check_in("classification", CLASSIFICATIONS),
        check_in("day_part", DAY_PARTS),
        sa.Index("ix_meetings_start_at_end_at", "start_at", "end_at"),
        sa.Index("ix_meetings_room_id_start_at", "room_id", "start_at"),
        sa.Index("ix_meetings_chair_id_start_at", "chair_id", "start_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    kind: Mapped[str] = mapped_column(sa.String(24), nullable=False, default="work_resolution")
    session_kind: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    counterpart: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    is_foreign: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    people_count: Mapped[int | None] = mapped_column(nullable=True)  # citizens received

    start_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    day_part: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="morning")
    status: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="scheduled", index=True)
    status_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="", server_default="")
    mode: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="in_person", server_default="in_person")
    classification: Mapped[str] = mapped_column(
        sa.String(16), nullable=False, default="internal", server_default="internal"
    )
    is_urgent: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())

    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), nullable=True)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rooms.id"), nullable=True)
    location: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="", server_default="")
    preparing_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True, index=True)
    agenda: Mapped[str] = mapped_column(sa.Text, nullable=False, default="", server_default="")
    notes: Mapped[str] = mapped_column(sa.Text, nullable=False, default="", server_default="")
    present_count: Mapped[int | None] = mapped_column(nullable=True)  # people present at the in-person venue
    invitation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    # Online meetings (see meetingsvc.online): the link, and whether it is relayed from another body's system.
    online_provider: Mapped[str] = mapped_column(sa.String(80), nullable=False, default="", server_default="")
    join_url: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="", server_default="")
    online_meeting_code: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="", server_default="")
    passcode: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="", server_default="")
    dial_in: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="", server_default="")
    is_relayed: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    origin_network: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="", server_default="")

    # Recurrence: an occurrence of a series remembers its original start (the iCal RECURRENCE-ID).
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting_series.id"), nullable=True, index=True)
    original_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    is_detached: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())

    sequence: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    search_text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="", server_default="")

    chair = relationship("Person", foreign_keys=[chair_id], lazy="joined")
    room = relationship("Room", lazy="joined")
    preparing_unit = relationship("Unit", lazy="joined")
    leaders: Mapped[list[MeetingLeader]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    attendees: Mapped[list[Attendee]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                     order_by="Attendee.id")
    series: Mapped[MeetingSeries | None] = relationship(back_populates="occurrences")
    created_by = relationship("User", foreign_keys=[created_by_id])
    updated_by = relationship("User", foreign_keys=[updated_by_id])

    def __repr__(self):
        return f"<Meeting {self.id} {self.start_at:%Y-%m-%d %H:%M} {self.title[:30]!r} {self.status}>"

    @property
    def co_chairs(self):
        return [link.person for link in self.leaders if link.role == "co_chair"]

    @property
    def attending_leaders(self):
        return [link.person for link in self.leaders if link.role == "attend"]

    @property
    def is_classified(self) -> bool:
        return self.classification in SECRET_LEVELS

    @property
    def is_active(self) -> bool:
        return self.status in ("draft", "scheduled", "held")

    @property
    def is_online(self) -> bool:
        return self.mode in ("online", "hybrid")

    @property
    def location_label(self) -> str:
        return self.room.location_label if self.room else self.location

    def involved_person_ids(self) -> set[int]:
        """Chair, co-chairs, attending leaders and invited people: who may see a classified meeting."""
        ids = {link.person_id for link in self.leaders}
        ids.update(a.person_id for a in self.attendees if a.person_id)
        if self.chair_id:
            ids.add(self.chair_id)
        return ids


def led_by(person_ids, role: str | None = None):
    """EXISTS: one of these people is on the meeting as co-chair or attending leader (only `role` if given).

    Correlated on purpose: a query bounded in time then probes its few meetings by primary key, where
    "id IN (their meetings)" reads every meeting these leaders ever had (it grew with the history).
    """
    condition = sa.exists().where(MeetingLeader.meeting_id == Meeting.id, MeetingLeader.person_id.in_(person_ids))
    return condition.where(MeetingLeader.role == role) if role else condition


def invites(*, person_ids=None, unit_ids=None):
    """EXISTS: the meeting invites one of these people (or units); correlated for the reason led_by gives."""
    condition = sa.exists().where(Attendee.meeting_id == Meeting.id)
    if person_ids is not None:
        condition = condition.where(Attendee.person_id.in_(person_ids))
    if unit_ids is not None:
        condition = condition.where(Attendee.unit_id.in_(unit_ids))
    return condition


class ScheduleRevision(db.Model):
    """One publication of a week's schedule: revision 0 is the official version, N is "Điều chỉnh lần N"."""

    __tablename__ = "schedule_revisions"
    __table_args__ = (
        sa.UniqueConstraint("week_start", "revision"),
        sa.CheckConstraint("revision >= 0", name="revision_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    revision: Mapped[int] = mapped_column(nullable=False)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True, index=True)
    # {meeting_id: fingerprint} of what was published, to mark what changed in the next revision.
    entries: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)

    published_by = relationship("User")

    def __repr__(self):
        return f"<ScheduleRevision week={self.week_start} rev={self.revision}>"


@sa.event.listens_for(Meeting, "before_insert")
@sa.event.listens_for(Meeting, "before_update")
def _meeting_search_text(mapper, connection, meeting):
    # Folded words separated by single spaces (punctuation too), so that search can match at word starts.
    text = fold(" ".join(filter(None, [meeting.title, meeting.agenda, meeting.counterpart])))
    meeting.search_text = " ".join(_WORDS.findall(text))
