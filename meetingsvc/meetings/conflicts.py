"""What clashes with a booking: refusals (room, chair) and warnings the secretary may accept.

The checks here give the clear message; the database (exclusion constraints on PostgreSQL, triggers on
SQLite) is what actually guarantees that a room or a chair is never booked twice, even when two requests
race. Every issue names the other meetings as the user may see them (`present`): a classified meeting the
user is not cleared for is only "Meeting (classified content)".
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload, selectinload

from meetingsvc.config import DEFAULT_DURATION_CAPS_HOURS
from meetingsvc.core import workdays
from meetingsvc.core.db import utcnow
from meetingsvc.core.errors import ConflictError
from meetingsvc.core.i18n import format_day, format_hm, format_number
from meetingsvc.core.time import to_local
from meetingsvc.directory.models import Person, Room
from meetingsvc.extensions import db
from meetingsvc.meetings.models import ACTIVE_STATUSES, FREEING_STATUSES, Meeting, invites, led_by
from meetingsvc.meetings.visibility import present

# Meetings are at most MAX_MEETING_HOURS long, so one that overlaps a slot starts at most that long before
# it: the bound keeps every lookup an index range scan, whatever the size of the table.


@dataclass
class Candidate:
    """The facts of a booking the checks need (a Meeting need not exist yet)."""

    start_at: datetime
    end_at: datetime
    kind: str = "work_resolution"
    status: str = "scheduled"
    room_id: int | None = None
    chair_id: int | None = None
    co_chair_ids: list[int] = field(default_factory=list)
    leader_ids: list[int] = field(default_factory=list)
    attendee_person_ids: list[int] = field(default_factory=list)
    attendee_unit_ids: list[int] = field(default_factory=list)
    preparing_unit_id: int | None = None
    # {unit id: (name, valid_from, valid_to)} of the units above (validation.clean loads them)
    units: dict = field(default_factory=dict)
    is_urgent: bool = False
    invitation_sent_at: datetime | None = None
    exclude_ids: set[int] = field(default_factory=set)

    @classmethod
    def from_values(cls, values: dict, exclude_ids=()):
        return cls(
            start_at=values["start_at"], end_at=values["end_at"], kind=values.get("kind", "work_resolution"),
            status=values.get("status", "scheduled"), room_id=values.get("room_id"),
            chair_id=values.get("chair_id"), co_chair_ids=list(values.get("co_chair_ids", [])),
            leader_ids=list(values.get("co_chair_ids", [])) + list(values.get("attending_leader_ids", [])),
            attendee_person_ids=list(values.get("attendee_person_ids", [])),
            attendee_unit_ids=list(values.get("attendee_unit_ids", [])),
            preparing_unit_id=values.get("preparing_unit_id"), units=dict(values.get("units", {})),
            is_urgent=bool(values.get("is_urgent")), invitation_sent_at=values.get("invitation_sent_at"),
            exclude_ids=set(exclude_ids),
        )

    @property
    def holds_slot(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def people_ids(self) -> set[int]:
        """Everyone the booking names: the chair, leaders (co-chairs and attending) and invited people."""
        return set(self.leader_ids) | set(self.attendee_person_ids) | ({self.chair_id} if self.chair_id else set())

    def chairing_ids(self) -> set[int]:
        """The chair and the co-chairs: leaders who may not chair or co-chair anything else at that time."""
        return set(self.co_chair_ids) | ({self.chair_id} if self.chair_id else set())


# What a refusal is about, as the API names it (`kinds` of a conflict).
CLASH_KINDS = {"room_booked": "room", "chair_busy": "chair", "co_chair_busy": "co_chair"}


def meeting_ref(meeting) -> dict:
    """The other meeting of a refusal or warning as the API shows it (a presented meeting: masked or not)."""
    return {"id": meeting.id, "title": meeting.title, "url": f"/meetings/{meeting.id}",
            "start_at": meeting.start_at.isoformat(), "end_at": meeting.end_at.isoformat()}


@dataclass
class Issue:
    """One refusal or warning: a code, a sentence for people, and the other meetings it is about."""

    code: str
    message: str
    meetings: list = field(default_factory=list)
    field: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "field": self.field,
                "meetings": [meeting_ref(m) for m in self.meetings]}


class BookingConflict(ConflictError):
    """A refused booking: `conflicts` lists each other meeting once, `kinds` says per meeting id what clashes
    (room, chair, co_chair), `issues` keeps the refusals themselves."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        meetings, self.kinds = [], {}
        for issue in issues:
            for meeting in issue.meetings:
                if meeting.id not in self.kinds:
                    meetings.append(meeting)
                    self.kinds[meeting.id] = []
                kind = CLASH_KINDS.get(issue.code, issue.code)
                if kind not in self.kinds[meeting.id]:
                    self.kinds[meeting.id].append(kind)
        super().__init__(" ".join(i.message for i in issues), meetings)

    def conflict_dicts(self) -> list[dict]:
        return [{**meeting_ref(m), "kinds": self.kinds[m.id]} for m in self.conflicts]


def meeting_label(meeting) -> str:
    """'«Title» (08:00–10:00 01/12/2026)' of a presented meeting."""
    return f"«{meeting.title}» ({format_hm(meeting.start_at)}–{format_hm(meeting.end_at)} {format_day(meeting.start_at)})"


def _labels(meetings) -> str:
    return "; ".join(meeting_label(m) for m in meetings)


def _overlapping(start_at, end_at, exclude_ids):
    max_hours = current_app.config.get("MAX_MEETING_HOURS", 120)
    query = sa.select(Meeting).where(
        Meeting.status.not_in(FREEING_STATUSES),
        Meeting.start_at < end_at,
        Meeting.start_at > start_at - timedelta(hours=max_hours),
        Meeting.end_at > start_at,
    ).order_by(Meeting.start_at, Meeting.id).options(lazyload("*"))  # related rows only if a message needs them
    if exclude_ids:
        query = query.where(Meeting.id.not_in(exclude_ids))
    return query


def nearby(c: Candidate) -> list[Meeting]:
    """Active meetings overlapping the booking that share its room or any of its people, with their leaders and
    attendees: one query serves every check below (a booking costs the same few statements at any size)."""
    people = c.people_ids()
    terms = [Meeting.room_id == c.room_id] if c.room_id else []
    if people:
        terms += [Meeting.chair_id.in_(people), led_by(people), invites(person_ids=people)]
    if not terms or not c.holds_slot:
        return []
    return db.session.scalars(_overlapping(c.start_at, c.end_at, c.exclude_ids).where(sa.or_(*terms)).options(
        selectinload(Meeting.leaders), selectinload(Meeting.attendees))).all()


def room_clashes(c: Candidate, others: list[Meeting]) -> list[Meeting]:
    return [m for m in others if m.room_id == c.room_id] if c.room_id else []


def chair_clashes(c: Candidate, others: list[Meeting]) -> list[Meeting]:
    return [m for m in others if m.chair_id == c.chair_id] if c.chair_id else []


def co_chair_clashes(c: Candidate, others: list[Meeting]) -> list[tuple[int, Meeting]]:
    """(person id, other meeting) where a chair or co-chair of the booking chairs or co-chairs another
    overlapping active meeting, except chair against chair (chair_clashes, guarded by the database).

    Nothing in the schema forbids these, so the booking services take a row lock on the leaders first
    (services._lock_leaders): two bookings of one leader never run this check at the same time.
    """
    ids = c.chairing_ids()
    if not ids or not c.holds_slot:
        return []
    found = []
    for other in others:
        theirs = {link.person_id for link in other.leaders if link.role == "co_chair"}
        if other.chair_id:
            theirs.add(other.chair_id)
        for person_id in sorted(ids & theirs):
            if person_id == c.chair_id == other.chair_id:
                continue  # chair against chair: chair_clashes
            found.append((person_id, other))
    return found


def refusals(c: Candidate, user, others: list[Meeting] | None = None) -> list[Issue]:
    """The room booked, or a chair or co-chair chairing or co-chairing elsewhere at an overlapping time.
    `others`: nearby(c) when the caller has it."""
    others = nearby(c) if others is None else others
    issues = []
    rooms = room_clashes(c, others)
    if rooms:
        room = db.session.get(Room, c.room_id)
        shown = [present(m, user) for m in rooms]
        issues.append(Issue("room_booked", _("%(room)s is already booked at that time by %(meetings)s.",
                                             room=room.name, meetings=_labels(shown)), shown, "room_id"))
    chaired = chair_clashes(c, others)
    if chaired:
        chair = db.session.get(Person, c.chair_id)
        shown = [present(m, user) for m in chaired]
        issues.append(Issue("chair_busy", _("%(person)s already chairs %(meetings)s at that time.",
                                            person=chair.label, meetings=_labels(shown)), shown, "chair_id"))
    by_person: dict[int, list] = {}
    for person_id, other in co_chair_clashes(c, others):
        by_person.setdefault(person_id, []).append(other)
    if by_person:
        names = {p.id: p.label for p in db.session.scalars(sa.select(Person).where(Person.id.in_(by_person)))}
        for person_id, others in sorted(by_person.items(), key=lambda item: names[item[0]]):
            shown = [present(m, user) for m in others]
            issues.append(Issue("co_chair_busy", _(
                "%(person)s already chairs or co-chairs %(meetings)s at that time; a leader cannot chair two "
                "meetings at once.", person=names[person_id], meetings=_labels(shown)), shown,
                "chair_id" if person_id == c.chair_id else "co_chair_ids"))
    return issues


def _busy_people(c: Candidate, user, others: list[Meeting]) -> list[Issue]:
    """People of the booking expected elsewhere at the same time.

    Chairing against chairing is a refusal (refusals), not repeated here. Of a meeting the user may not see,
    only its leaders may be named (the busy slot shows them anyway): who else attends a classified meeting is
    part of its secret.
    """
    people = c.people_ids()
    if not people or not c.holds_slot:
        return []
    chairing = c.chairing_ids()
    by_person: dict[int, list] = {}
    for other in others:
        involved = people & other.involved_person_ids()
        if not involved:
            continue  # there for its room
        leaders = {link.person_id for link in other.leaders}
        their_chairs = {link.person_id for link in other.leaders if link.role == "co_chair"}
        if other.chair_id:
            leaders.add(other.chair_id)
            their_chairs.add(other.chair_id)
        shown = present(other, user)
        masked = getattr(shown, "is_masked", False)
        for person_id in sorted(involved):
            if person_id in chairing and person_id in their_chairs:
                continue  # already a refusal
            if masked and person_id not in leaders:
                continue
            by_person.setdefault(person_id, []).append(shown)
    if not by_person:
        return []
    names = {p.id: p.label for p in db.session.scalars(sa.select(Person).where(Person.id.in_(by_person)))}
    issues = []
    for person_id, shown in sorted(by_person.items(), key=lambda item: names[item[0]]):
        issues.append(Issue("person_busy", _("%(person)s is expected at %(meetings)s at the same time.",
                                             person=names[person_id], meetings=_labels(shown)), shown))
    return issues


def _capacity(c: Candidate) -> list[Issue]:
    if not c.room_id:
        return []
    room = db.session.get(Room, c.room_id)  # already in the session from validation: no query
    # A whole unit invited counts as one person (it usually sends one representative).
    invited = len(c.people_ids())
    invited += len(set(c.attendee_unit_ids))
    if invited <= room.capacity:
        return []
    return [Issue("capacity", _("%(room)s seats %(capacity)s; %(invited)s people and units are invited.",
                                room=room.name, capacity=room.capacity, invited=invited), [], "room_id")]


def _non_working_days(c: Candidate) -> list[Issue]:
    first, last = to_local(c.start_at).date(), to_local(c.end_at - timedelta(seconds=1)).date()
    exceptions = workdays.overrides(first, last)
    issues = []
    day = first
    while day <= last:
        reason = workdays.non_working_reason(day, exceptions)
        if reason == "weekend":
            issues.append(Issue("non_working_day", _("%(day)s is a weekend day.", day=format_day(day)), [], "date"))
        elif reason:
            issues.append(Issue("non_working_day", _("%(day)s is a day off: %(name)s.", day=format_day(day), name=reason),
                                [], "date"))
        day += timedelta(days=1)
    return issues


def _valid_on(day, valid_from, valid_to) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def _units_on_day(c: Candidate) -> list[Issue]:
    """Units of the meeting (attendees, preparing unit, bridge points) that do not exist on its (new) day.

    Newly chosen units are refused by validation; these are the ones the meeting already had, kept when it moves
    to a day after they ended (or before they began).
    """
    day = to_local(c.start_at).date()
    names = [name for name, valid_from, valid_to in c.units.values() if not _valid_on(day, valid_from, valid_to)]
    issues = []
    if names:
        issues.append(Issue("unit_not_valid", _(
            "These units do not exist on %(day)s (any more, or not yet): %(names)s.", day=format_day(day),
            names=", ".join(sorted(names))), [], "attendee_unit_ids"))
    if c.exclude_ids:
        from meetingsvc.directory.models import Unit
        from meetingsvc.online.models import BridgePoint

        rows = db.session.execute(sa.select(Unit.name, Unit.valid_from, Unit.valid_to)
                                  .join(BridgePoint, BridgePoint.unit_id == Unit.id)
                                  .where(BridgePoint.meeting_id.in_(c.exclude_ids))).all()
        gone = sorted(name for name, valid_from, valid_to in rows if not _valid_on(day, valid_from, valid_to))
        if gone:
            issues.append(Issue("unit_not_valid", _(
                "These bridge points' units do not exist on %(day)s (any more, or not yet): %(names)s.",
                day=format_day(day), names=", ".join(gone)), [], "date"))
    return issues


def _lead_time(c: Candidate, now: datetime) -> list[Issue]:
    if c.is_urgent or c.start_at <= now:
        return []
    needed = current_app.config.get("INVITATION_LEAD_WORKING_DAYS", 3)
    sent = c.invitation_sent_at or now
    latest_start_day = workdays.add_working_days(to_local(sent).date(), needed)
    if to_local(c.start_at).date() >= latest_start_day:
        return []
    return [Issue("lead_time", _(
        "Invitations must reach attendees %(days)s working days before the meeting (Decision 45/2018/QĐ-TTg); "
        "this one is too soon. Mark the meeting urgent if it is an ad hoc meeting.", days=needed), [], "date")]


def effective_hours(start_at: datetime, end_at: datetime) -> float:
    """Meeting hours; a meeting over several days counts at most 8 hours a day (a working day)."""
    start, end = to_local(start_at), to_local(end_at)
    if start.date() == end.date():
        return (end_at - start_at).total_seconds() / 3600
    total, cursor = 0.0, start
    while cursor < end:
        next_midnight = (cursor + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        chunk = (min(end, next_midnight) - cursor).total_seconds() / 3600
        total += min(chunk, 8)
        cursor = next_midnight
    return total


def _duration(c: Candidate) -> list[Issue]:
    caps = current_app.config.get("MEETING_DURATION_CAPS_HOURS", DEFAULT_DURATION_CAPS_HOURS)
    cap = caps.get(c.kind)
    hours = effective_hours(c.start_at, c.end_at)
    if cap is None or hours <= cap:
        return []
    cap_text, hours_text = format_number(cap), format_number(round(hours, 2))
    return [Issue("duration", _("This kind of meeting should last at most %(cap)s hours (Decision 45/2018/QĐ-TTg); "
                                "this one lasts %(hours)s.", cap=cap_text, hours=hours_text), [], "end")]


def warnings(c: Candidate, user, others: list[Meeting], *, time_changed: bool = True,
             now: datetime | None = None) -> list[Issue]:
    """Issues the secretary may accept (`others`: nearby(c)). Time rules (past, lead time, day off) only when
    the time is new."""
    now = now or utcnow()
    issues = _busy_people(c, user, others) + _capacity(c)
    if time_changed:
        if c.start_at < now:
            issues.append(Issue("past", _("The meeting starts in the past."), [], "date"))
        issues += _non_working_days(c) + _lead_time(c, now) + _duration(c) + _units_on_day(c)
    return issues


def check(c: Candidate, user, *, time_changed: bool = True) -> tuple[list[Issue], list[Issue]]:
    others = nearby(c)
    return refusals(c, user, others), warnings(c, user, others, time_changed=time_changed)


class WarningsNotAccepted(Exception):
    """The booking has warnings the user has not yet said they read; nothing was written."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))
