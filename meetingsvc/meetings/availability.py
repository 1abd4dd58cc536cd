"""The free-slot finder: the earliest times within working hours when every leader (and a room) is free.

One query fetches every busy interval in the range (leaders as chair, co-chair, attending or invited; the
candidate rooms); the rest is interval arithmetic in Python, day by day, skipping days off. Working hours are
periods of the day (setting WORKING_PERIODS, "07:30-11:30,13:30-17:00" by default): a slot lies within one
period, never across the lunch break.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from meetingsvc.core import workdays
from meetingsvc.core.db import utcnow
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import local_day_bounds, local_to_utc, parse_hhmm
from meetingsvc.directory.models import Person, Room
from meetingsvc.extensions import db
from meetingsvc.meetings.models import ACTIVE_STATUSES, Attendee, Meeting, MeetingLeader
from meetingsvc.meetings.validation import MAX_ID, MAX_IDS, read_day_error, some_ids

MAX_RANGE_DAYS = 92
DEFAULT_WORKING_PERIODS = "07:30-11:30,13:30-17:00"


def parse_working_periods(spec: str) -> list[tuple[time, time]]:
    """'07:30-11:30,13:30-17:00' -> [(07:30, 11:30), (13:30, 17:00)]: ordered periods that do not overlap.

    Raises ValueError naming what is wrong (the setting is read at start-up, see config.py).
    """
    periods = []
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        start_text, sep, end_text = part.partition("-")
        if not sep:
            raise ValueError(f"working hours {part.strip()!r}: write them as 07:30-11:30")
        start, end = parse_hhmm(start_text), parse_hhmm(end_text)
        if end <= start:
            raise ValueError(f"working hours {part.strip()!r}: the end must be after the start")
        if periods and start < periods[-1][1]:
            raise ValueError(f"working hours {part.strip()!r}: periods must be in order and not overlap")
        periods.append((start, end))
    if not periods:
        raise ValueError("working hours: give at least one period, e.g. 07:30-11:30,13:30-17:00")
    return periods


def working_periods() -> list[tuple[time, time]]:
    return parse_working_periods(current_app.config.get("WORKING_PERIODS", DEFAULT_WORKING_PERIODS))


@dataclass
class Slot:
    start_at: datetime
    end_at: datetime
    free_until: datetime
    room: Room | None = None

    def as_dict(self) -> dict:
        return {"start_at": self.start_at.isoformat(), "end_at": self.end_at.isoformat(),
                "free_until": self.free_until.isoformat(),
                "room": {"id": self.room.id, "name": self.room.name, "capacity": self.room.capacity}
                if self.room else None}


def _merge(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def _free(window_start, window_end, busy):
    """Free parts of [window_start, window_end) given merged busy intervals."""
    gaps, cursor = [], window_start
    for start, end in busy:
        if end <= cursor:
            continue
        if start >= window_end:
            break
        if start > cursor:
            gaps.append((cursor, min(start, window_end)))
        cursor = max(cursor, end)
    if cursor < window_end:
        gaps.append((cursor, window_end))
    return gaps


def _round_up(moment: datetime) -> datetime:
    """The next whole five minutes (a slot never starts at 09:13:27)."""
    base = moment.replace(second=0, microsecond=0)
    if base < moment:
        base += timedelta(minutes=1)
    return base + timedelta(minutes=(-base.minute) % 5)


def busy_intervals(person_ids, room_ids, start_at, end_at):
    """(kind, id, start, end) for every active meeting of these people or rooms in the range: one query."""
    overlap = [Meeting.status.in_(ACTIVE_STATUSES), Meeting.start_at < end_at, Meeting.end_at > start_at]
    parts = []
    if person_ids:
        parts.append(sa.select(sa.literal("p"), Meeting.chair_id, Meeting.start_at, Meeting.end_at)
                     .where(Meeting.chair_id.in_(person_ids), *overlap))
        parts.append(sa.select(sa.literal("p"), MeetingLeader.person_id, Meeting.start_at, Meeting.end_at)
                     .join(Meeting, Meeting.id == MeetingLeader.meeting_id)
                     .where(MeetingLeader.person_id.in_(person_ids), *overlap))
        parts.append(sa.select(sa.literal("p"), Attendee.person_id, Meeting.start_at, Meeting.end_at)
                     .join(Meeting, Meeting.id == Attendee.meeting_id)
                     .where(Attendee.person_id.in_(person_ids), *overlap))
    if room_ids:
        parts.append(sa.select(sa.literal("r"), Meeting.room_id, Meeting.start_at, Meeting.end_at)
                     .where(Meeting.room_id.in_(room_ids), *overlap))
    if not parts:
        return []
    return db.session.execute(sa.union_all(*parts)).all()


def _slots_in(window, duration, people_busy, rooms, room_busy) -> list[Slot]:
    """Free slots within one working period: one per free gap of the leaders (and per start, the smallest room)."""
    slots = []
    for gap_start, gap_end in _free(*window, people_busy):
        if not rooms:
            if gap_end - gap_start >= duration:
                slots.append(Slot(gap_start, gap_start + duration, gap_end))
            continue
        found = []
        for room in rooms:
            for start, end in _free(gap_start, gap_end, room_busy[room.id]):
                if end - start >= duration:
                    found.append(Slot(start, start + duration, end, room))
                    break
        # the earliest start first; for the same start the smallest room that fits
        found.sort(key=lambda s: (s.start_at, s.room.capacity))
        seen = set()
        for slot in found:
            if slot.start_at not in seen:
                seen.add(slot.start_at)
                slots.append(slot)
    return slots


def find_slots(leader_ids, duration: timedelta, first_day: date, last_day: date, *, room_id=None,
               min_capacity=None, limit: int = 10, now: datetime | None = None) -> list[Slot]:
    """The earliest `limit` free slots of `duration` for all leaders (and a room, if asked) in working hours."""
    errors = {}
    if duration <= timedelta(0):
        errors["duration"] = _("Give a duration longer than zero.")
    for name, day in (("first_day", first_day), ("last_day", last_day)):
        if read_day_error(day):
            errors[name] = read_day_error(day)
    if errors.keys() & {"first_day", "last_day"}:
        pass  # a day out of range: nothing more to say about the range
    elif last_day < first_day:
        errors["last_day"] = _("The end of the range must not be before its start.")
    elif (last_day - first_day).days > MAX_RANGE_DAYS:
        errors["last_day"] = _("Search at most %(days)s days at a time.", days=MAX_RANGE_DAYS)
    leader_ids = list(dict.fromkeys(leader_ids))
    if len(leader_ids) > MAX_IDS:
        errors["leader_ids"] = _("At most %(n)s at a time (now %(count)s).", n=MAX_IDS, count=len(leader_ids))
        leader_ids = []
    if any(not 0 < i <= MAX_ID for i in leader_ids):
        errors["leader_ids"] = _("Unknown: %(ids)s.", ids=some_ids(i for i in leader_ids if not 0 < i <= MAX_ID))
        leader_ids = []
    known = set(db.session.scalars(sa.select(Person.id).where(Person.id.in_(leader_ids)))) if leader_ids else set()
    if set(leader_ids) - known:
        errors["leader_ids"] = _("Unknown: %(ids)s.", ids=some_ids(sorted(set(leader_ids) - known)))
    rooms = []
    if room_id:
        room = db.session.get(Room, room_id) if 0 < room_id <= MAX_ID else None
        if room is None:
            errors["room_id"] = _("Unknown: %(ids)s.", ids=room_id)
        elif not room.is_active or not room.is_bookable:
            errors["room_id"] = _("This room cannot be booked.")
        else:
            rooms = [room]
    elif min_capacity:
        rooms = db.session.scalars(
            sa.select(Room).where(Room.capacity >= min(min_capacity, MAX_ID), Room.is_active.is_(True),
                                  Room.is_bookable.is_(True))
            .order_by(Room.capacity, Room.name)
        ).all()
        if not rooms:
            errors["min_capacity"] = _("No room has that many seats.")
    periods = working_periods()
    longest = max(datetime.combine(first_day, end) - datetime.combine(first_day, start) for start, end in periods)
    if "duration" not in errors and duration > longest:
        errors["duration"] = _("Longer than the longest working period of the day (%(hours)s).",
                               hours=current_app.config.get("WORKING_PERIODS", DEFAULT_WORKING_PERIODS))
    if not leader_ids and not rooms and not errors:
        errors["leader_ids"] = _("Choose at least one leader or a room.")
    if errors:
        raise ValidationError(errors)

    now = _round_up(now or utcnow())
    range_start, range_end = local_day_bounds(first_day, last_day)
    people_busy, room_busy = [], {r.id: [] for r in rooms}
    for kind, key, start, end in busy_intervals(leader_ids, list(room_busy), range_start, range_end):
        if kind == "p":
            people_busy.append((start, end))
        else:
            room_busy[key].append((start, end))
    people_busy = _merge(people_busy)
    room_busy = {k: _merge(v) for k, v in room_busy.items()}

    exceptions = workdays.overrides(first_day, last_day)
    slots: list[Slot] = []
    day = first_day
    while day <= last_day and len(slots) < limit:
        if workdays.is_working_day(day, exceptions):
            for open_at, close_at in periods:
                window = (max(local_to_utc(day, open_at), now), local_to_utc(day, close_at))
                if window[0] < window[1]:
                    slots += _slots_in(window, duration, people_busy, rooms, room_busy)
        day += timedelta(days=1)
    slots.sort(key=lambda s: s.start_at)
    return slots[:limit]
