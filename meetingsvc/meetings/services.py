"""Meeting rules: queries and booking (create, edit, cancel, postpone, move, duplicate, series). No HTTP here.

Every operation checks first (for a clear message), then writes and commits in one transaction; the
database's own guards (see models.py) catch the race the check cannot see, and the loser gets the same
ConflictError naming the meeting that won. Every change is written to the audit log with what it was
before and after.
"""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from meetingsvc.core.audit import record
from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.core.i18n import format_day
from meetingsvc.core.time import local_to_utc, parse_day, to_local
from meetingsvc.directory.models import Person, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings import conflicts
from meetingsvc.meetings.conflicts import Candidate, WarningsNotAccepted
from meetingsvc.meetings.models import (
    ACTIVE_STATUSES,
    STATUSES,
    Attendee,
    Meeting,
    MeetingLeader,
    MeetingSeries,
    led_by,
)
from meetingsvc.meetings.recurrence import occurrence_starts
from meetingsvc.meetings.validation import (
    EDITABLE_STATUSES,
    booking_day_error,
    clean,
    meeting_values,
    merge,
    text_error,
)
from meetingsvc.meetings.visibility import present

GUARD_NAMES = ("meetings_room_no_overlap", "meetings_chair_no_overlap")
# Changes that make a published entry (and an iCal event) a new version.
SIGNIFICANT = ("title", "start", "end", "day_part", "room", "location", "chair", "status", "mode", "classification")
SIMPLE_FIELDS = ("title", "kind", "session_kind", "counterpart", "is_foreign", "people_count", "start_at", "end_at",
                 "day_part", "status", "mode", "classification", "is_urgent", "chair_id", "room_id", "location",
                 "preparing_unit_id", "agenda", "notes", "invitation_sent_at")
REASON_LIMIT = 2000


# ---- queries ------------------------------------------------------------------------------------------------


def meetings_between(start_at, end_at, *, person_id=None, room_id=None, statuses=None):
    """Meetings overlapping [start_at, end_at), ordered by start."""
    query = (
        sa.select(Meeting)
        .where(Meeting.start_at < end_at, Meeting.end_at > start_at)
        .order_by(Meeting.start_at, Meeting.id)
        .options(selectinload(Meeting.leaders), selectinload(Meeting.attendees))
    )
    left_out = [status for status in STATUSES if status not in statuses] if statuses else []
    if left_out:
        query = query.where(Meeting.status.not_in(left_out))  # NOT IN: see FREEING_STATUSES
    if room_id is not None:
        query = query.where(Meeting.room_id == room_id)
    if person_id is not None:
        query = query.where(sa.or_(Meeting.chair_id == person_id, led_by([person_id])))
    return db.session.scalars(query).unique().all()


def dashboard_meetings(user, today_bounds, week_bounds):
    """Today's and this week's meetings of the user's leader (or of all leaders), and rooms in use today."""
    person_id = user.person_id if user.role == "leader" and user.person_id else None
    shown = ("draft", "scheduled", "held", "postponed") if user.role in ("admin", "secretary") else (
        "scheduled", "held", "postponed")
    week = [present(m, user) for m in meetings_between(*week_bounds, person_id=person_id, statuses=shown)]
    today = [m for m in week if m.start_at < today_bounds[1] and m.end_at > today_bounds[0]]
    rooms_today = sorted({m.room.name for m in today if getattr(m, "room", None)})
    return today, week, rooms_today


def series_occurrences(meeting, *, from_start: datetime | None = None) -> list[Meeting]:
    if not meeting.series_id:
        return []
    query = sa.select(Meeting).where(Meeting.series_id == meeting.series_id).order_by(Meeting.start_at)
    if from_start is not None:
        query = query.where(sa.func.coalesce(Meeting.original_start_at, Meeting.start_at) >= from_start)
    return db.session.scalars(query).all()


# ---- audit snapshots ----------------------------------------------------------------------------------------


def snapshot(meeting) -> dict:
    """What the history shows of a meeting: readable values, not ids."""
    start, end = to_local(meeting.start_at), to_local(meeting.end_at)
    return {
        "title": meeting.title,
        "kind": meeting.kind,
        "start": f"{start:%d/%m/%Y %H:%M}",
        "end": f"{end:%d/%m/%Y %H:%M}",
        "day_part": meeting.day_part,
        "status": meeting.status,
        "status_reason": meeting.status_reason,
        "room": meeting.room.name if meeting.room else "",
        "location": meeting.location,
        "chair": meeting.chair.label if meeting.chair else "",
        "co_chairs": ", ".join(sorted(p.label for p in meeting.co_chairs)),
        "attending_leaders": ", ".join(sorted(p.label for p in meeting.attending_leaders)),
        "attendees": "; ".join(sorted(a.label for a in meeting.attendees)),
        "preparing_unit": meeting.preparing_unit.name if meeting.preparing_unit else "",
        "classification": meeting.classification,
        "mode": meeting.mode,
        "is_urgent": meeting.is_urgent,
        "agenda": meeting.agenda,
    }


def snapshot_of_values(values: dict, status_reason: str = "") -> dict:
    """The same as `snapshot`, from checked values (validation.clean keeps the names it loaded): no query."""
    names = values["labels"]

    def person(pid):
        return names[("Person", pid)]

    start, end = to_local(values["start_at"]), to_local(values["end_at"])
    return {
        "title": values["title"],
        "kind": values["kind"],
        "start": f"{start:%d/%m/%Y %H:%M}",
        "end": f"{end:%d/%m/%Y %H:%M}",
        "day_part": values["day_part"],
        "status": values["status"],
        "status_reason": status_reason,
        "room": names[("Room", values["room_id"])] if values["room_id"] else "",
        "location": values["location"],
        "chair": person(values["chair_id"]) if values["chair_id"] else "",
        "co_chairs": ", ".join(sorted(person(i) for i in values["co_chair_ids"])),
        "attending_leaders": ", ".join(sorted(person(i) for i in values["attending_leader_ids"])),
        "attendees": "; ".join(sorted([person(i) for i in values["attendee_person_ids"]]
                                      + [names[("Unit", i)] for i in values["attendee_unit_ids"]])),
        "preparing_unit": names[("Unit", values["preparing_unit_id"])] if values["preparing_unit_id"] else "",
        "classification": values["classification"],
        "mode": values["mode"],
        "is_urgent": values["is_urgent"],
        "agenda": values["agenda"],
    }


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _significant(before: dict, after: dict) -> bool:
    return any(before.get(k) != after.get(k) for k in SIGNIFICANT)


# ---- writing ------------------------------------------------------------------------------------------------


def _reason(reason, *, required: bool = True) -> str:
    """The reason of a cancellation or postponement: required (it is shown in the schedule and the history)."""
    if reason is not None and not isinstance(reason, str):
        raise ValidationError({"reason": _("Must be text.")})
    reason = (reason or "").strip()
    problem = text_error(reason)
    if problem:
        raise ValidationError({"reason": problem})
    if required and not reason:
        raise ValidationError({"reason": _("Give the reason; it is shown in the schedule and the history.")})
    if len(reason) > REASON_LIMIT:
        raise ValidationError({"reason": _("At most %(n)s characters (now %(len)s).", n=REASON_LIMIT, len=len(reason))})
    return reason


def _apply(meeting: Meeting, values: dict) -> None:
    for key in SIMPLE_FIELDS:
        if key in values:
            setattr(meeting, key, values[key])
    if "co_chair_ids" in values:
        roles = {pid: "co_chair" for pid in values["co_chair_ids"]}
        roles.update({pid: "attend" for pid in values["attending_leader_ids"]})
        kept = {link.person_id: link for link in meeting.leaders if link.person_id in roles}
        for pid, link in kept.items():
            link.role = roles[pid]
        meeting.leaders = list(kept.values()) + [
            MeetingLeader(person_id=pid, role=role) for pid, role in roles.items() if pid not in kept
        ]
    if "attendee_person_ids" in values:
        people, units = values["attendee_person_ids"], values["attendee_unit_ids"]
        kept = [a for a in meeting.attendees if a.person_id in people or a.unit_id in units]
        have_people = {a.person_id for a in kept if a.person_id}
        have_units = {a.unit_id for a in kept if a.unit_id}
        meeting.attendees = kept + [Attendee(person_id=p) for p in people if p not in have_people] + [
            Attendee(unit_id=u) for u in units if u not in have_units
        ]


def _refuse(issues: list) -> None:
    if issues:
        raise conflicts.BookingConflict(issues)


def _lock_leaders(candidates: list[Candidate]) -> None:
    """On PostgreSQL, lock the chairs' and co-chairs' rows of `people` until the transaction ends.

    Nothing in the schema stops a leader from co-chairing two overlapping meetings (the exclusion constraint
    covers chair against chair only), so two bookings naming the same leader must not check at the same time:
    the second waits here until the first has committed, then its check sees the first meeting. Rows are
    locked in id order so that two bookings never wait for each other. FOR NO KEY UPDATE, not FOR UPDATE:
    it still excludes another booking's lock, but not the key-share locks that inserting a row referring to
    the person (an attendee, a chair) takes, which could otherwise deadlock two bookings inviting each other's
    leaders. SQLite needs nothing: its writes are serialized from BEGIN (core/database.py).
    """
    ids = sorted({pid for c in candidates if c.holds_slot for pid in c.chairing_ids()})
    if ids and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Person.id).where(Person.id.in_(ids)).order_by(Person.id)
                           .with_for_update(key_share=True))


def _is_guard_violation(exc: IntegrityError) -> bool:
    text = str(exc.orig)
    return any(name in text for name in GUARD_NAMES)


def _flush_guarded(candidates: list[Candidate], user, *, commit: bool = False) -> None:
    """Flush (and commit); a double booking the database refuses becomes a ConflictError naming the winner."""
    try:
        db.session.flush()
        if commit:
            db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if not _is_guard_violation(exc):
            raise
        _refuse([issue for c in candidates for issue in conflicts.refusals(c, user)])
        raise ConflictError(_("Someone booked the same room or chair at the same time; reload and try again.")) from exc


def _check(candidates: list[tuple[Candidate, str]], user, accept_warnings: bool, *, time_changed=True) -> None:
    """Refuse on clashes; stop on warnings unless accepted. Each candidate comes with a label for series."""
    _lock_leaders([c for c, _label in candidates])
    many = len(candidates) > 1
    refusals, warnings, seen = [], [], set()
    for candidate, label in candidates:
        refused, warned = conflicts.check(candidate, user, time_changed=time_changed)
        for issue in refused:
            if many:
                issue.message = f"{label}: {issue.message}"
            refusals.append(issue)
        for issue in warned:
            key = (issue.code, issue.message)
            if key in seen:
                continue
            seen.add(key)
            if many:
                issue.message = f"{label}: {issue.message}"
            warnings.append(issue)
    _refuse(refusals)
    if warnings and not accept_warnings:
        raise WarningsNotAccepted(warnings)


def _occurrence_values(values: dict) -> list[dict]:
    if not values.get("rrule"):
        return [values]
    try:
        starts = occurrence_starts(values["rrule"], values["start_at"])
    except ValidationError as exc:
        raise ValidationError({"repeat": next(iter(exc.fields.values()))}) from exc
    if not starts:
        raise ValidationError({"repeat": _("The rule gives no date.")})
    problem = booking_day_error(to_local(starts[-1]).date())
    if problem:
        raise ValidationError({"repeat": problem})
    duration = values["end_at"] - values["start_at"]
    return [{**values, "start_at": s, "end_at": s + duration} for s in starts]


def create_meeting(data: dict, user, accept_warnings: bool = False) -> Meeting:
    """Book a meeting (or every occurrence of a repeating one). Returns the (first) meeting.

    Raises ValidationError (nothing written), ConflictError (room or chair taken), WarningsNotAccepted.
    """
    values = clean(data)
    occurrences = _occurrence_values(values)
    candidates = [(Candidate.from_values(v), format_day(v["start_at"])) for v in occurrences]
    _check(candidates, user, accept_warnings)

    series = None
    if values["rrule"]:
        series = MeetingSeries(rrule=values["rrule"], first_start_at=values["start_at"])
        db.session.add(series)
    created = []
    for v in occurrences:
        meeting = Meeting(created_by_id=getattr(user, "id", None), updated_by_id=getattr(user, "id", None),
                          leaders=[], attendees=[])
        _apply(meeting, v)
        if series is not None:
            meeting.series = series
            meeting.original_start_at = v["start_at"]
        db.session.add(meeting)
        created.append(meeting)
    _flush_guarded([c for c, _label in candidates], user)
    for meeting, v in zip(created, occurrences, strict=True):
        record("create", meeting, user=user, after=snapshot_of_values(v),
               summary=_("Part of a repeating series (%(rule)s).", rule=values["rrule"]) if series else "")
    _flush_guarded([c for c, _label in candidates], user, commit=True)
    return created[0]


def update_meeting(meeting: Meeting, data: dict, user, accept_warnings: bool = False) -> Meeting:
    """Change a meeting; `data` may hold only the fields that change (API PATCH) or all of them (the form)."""
    base = meeting_values(meeting)
    merged = merge(base, data)
    keep_status = merged.get("status") not in EDITABLE_STATUSES and "status" not in data
    if keep_status:
        merged.pop("status")
    merged.pop("repeat", None)
    values = clean(merged, current=base)
    if keep_status:
        values["status"] = meeting.status
    time_changed = values["start_at"] != meeting.start_at or values["end_at"] != meeting.end_at
    candidate = Candidate.from_values(values, exclude_ids={meeting.id})
    _check([(candidate, "")], user, accept_warnings, time_changed=time_changed)

    before = snapshot(meeting)
    _apply(meeting, values)
    meeting.updated_by_id = getattr(user, "id", None)
    _flush_guarded([candidate], user)
    after = snapshot_of_values(values, meeting.status_reason)
    old, new = _changes(before, after)
    if not new:
        db.session.rollback()
        return meeting
    if _significant(before, after):
        meeting.sequence += 1
    if meeting.series_id:
        meeting.is_detached = True
    record("update", meeting, user=user, before=old, after=new)
    _flush_guarded([candidate], user, commit=True)
    return meeting


def _set_status(meeting: Meeting, status: str, reason: str, user, action: str) -> None:
    before = snapshot(meeting)
    meeting.status = status
    meeting.status_reason = reason
    meeting.updated_by_id = getattr(user, "id", None)
    meeting.sequence += 1
    old, new = _changes(before, snapshot(meeting))
    record(action, meeting, user=user, summary=reason, before=old, after=new)


def cancel_meeting(meeting: Meeting, reason: str, user) -> Meeting:
    """Cancel (the record stays; its room and chair are free again)."""
    reason = _reason(reason)
    if meeting.status == "cancelled":
        raise ValidationError({"status": _("The meeting is already cancelled.")})
    _set_status(meeting, "cancelled", reason, user, "cancel")
    db.session.commit()
    return meeting


def cancel_series_from(meeting: Meeting, reason: str, user) -> list[Meeting]:
    """Cancel this occurrence and every later one of its series that is not yet cancelled."""
    reason = _reason(reason)
    if not meeting.series_id:
        raise ValidationError({"scope": _("This meeting is not part of a series.")})
    start = meeting.original_start_at or meeting.start_at
    cancelled = []
    for occurrence in series_occurrences(meeting, from_start=start):
        if occurrence.status in ("cancelled", "held"):
            continue
        _set_status(occurrence, "cancelled", reason, user, "cancel")
        cancelled.append(occurrence)
    if meeting.series:
        meeting.series.sequence += 1
    db.session.commit()
    return cancelled


def move_meeting(meeting: Meeting, new_start: datetime, new_end: datetime, user, *, reason: str = "",
                 accept_warnings: bool = False, action: str = "move") -> Meeting:
    """Give a meeting a new time; the old one stays in its history. A postponement needs a reason."""
    reason = _reason(reason, required=action == "postpone")
    data = {"start_at": new_start, "end_at": new_end}
    if meeting.status not in ACTIVE_STATUSES:
        data["status"] = "scheduled"
    stored = meeting_values(meeting)
    values = clean(merge(stored, data), current=stored)
    candidate = Candidate.from_values(values, exclude_ids={meeting.id})
    _check([(candidate, "")], user, accept_warnings)
    before = snapshot(meeting)
    meeting.start_at, meeting.end_at, meeting.day_part = values["start_at"], values["end_at"], values["day_part"]
    meeting.status = values["status"]
    meeting.status_reason = reason
    meeting.updated_by_id = getattr(user, "id", None)
    meeting.sequence += 1
    if meeting.series_id:
        meeting.is_detached = True
    _flush_guarded([candidate], user)
    old, new = _changes(before, snapshot(meeting))
    record(action, meeting, user=user, summary=reason, before=old, after=new)
    _flush_guarded([candidate], user, commit=True)
    return meeting


def postpone_meeting(meeting: Meeting, reason: str, user, new_start: datetime | None = None,
                     new_end: datetime | None = None, accept_warnings: bool = False) -> Meeting:
    """Postpone: without a new time the meeting is 'postponed' (its slot is free); with one it moves there."""
    reason = _reason(reason)
    if new_start is None and new_end is None:
        if meeting.status in ("postponed", "cancelled"):
            raise ValidationError({"status": _("The meeting is already postponed or cancelled.")})
        _set_status(meeting, "postponed", reason, user, "postpone")
        db.session.commit()
        return meeting
    if new_start is None or new_end is None:
        raise ValidationError({"start" if new_start is None else "end": _("Give both the start and the end.")})
    return move_meeting(meeting, new_start, new_end, user, reason=reason, accept_warnings=accept_warnings,
                        action="postpone")


def postpone_from_input(meeting: Meeting, reason, day_text, start_text, end_text, user,
                        accept_warnings: bool = False) -> Meeting:
    """The postpone form: a reason, and optionally a new date with start and end (as typed). Every field to fix
    is named at once."""
    errors = {}
    try:
        reason = _reason(reason)
    except ValidationError as exc:
        errors.update(exc.fields)
    new_start = new_end = None
    if any((text or "").strip() for text in (day_text, start_text, end_text)):
        from meetingsvc.meetings.validation import parse_time

        day = times = None
        try:
            day = parse_day(day_text)
        except (TypeError, ValueError):
            errors["date"] = _("Not a date (use dd/mm/yyyy).")
        else:
            if booking_day_error(day):
                errors["date"] = booking_day_error(day)
        try:
            times = parse_time(start_text), parse_time(end_text)
        except (TypeError, ValueError):
            for name, text in (("start", start_text), ("end", end_text)):
                try:
                    parse_time(text)
                except (TypeError, ValueError):
                    errors[name] = _("Not a time (24-hour, e.g. 08:30 or 8h30).")
        if "date" not in errors and times:
            new_start, new_end = local_to_utc(day, times[0]), local_to_utc(day, times[1])
    if errors:
        raise ValidationError(errors)
    return postpone_meeting(meeting, reason, user, new_start, new_end, accept_warnings=accept_warnings)


def duplicate_meeting(meeting: Meeting, new_day: date, user, accept_warnings: bool = False) -> Meeting:
    """A copy of the meeting on another day at the same local times (same people, room and agenda)."""
    if not isinstance(new_day, date):
        raise ValidationError({"date": _("Not a date (use dd/mm/yyyy).")})
    problem = booking_day_error(new_day)
    if problem:
        raise ValidationError({"date": problem})
    start, end = to_local(meeting.start_at), to_local(meeting.end_at)
    data = meeting_values(meeting)
    data.update(status="scheduled", date=new_day.isoformat(),
                end_date=(new_day + (end.date() - start.date())).isoformat(), invitation_sent_at=None)
    copy = create_meeting(data, user, accept_warnings=accept_warnings)
    from meetingsvc.online.services import copy_online_setup  # online builds on meetings, not the reverse

    copy_online_setup(meeting, copy, user)
    record("duplicate", meeting, user=user, summary=_("Copied to %(day)s as meeting %(id)s.",
                                                      day=format_day(new_day), id=copy.id))
    db.session.commit()
    return copy


def restore_meeting(meeting: Meeting, reason, user, accept_warnings: bool = False) -> Meeting:
    """Bring a cancelled (or postponed) meeting back at its time, with every booking check: its room or its chair
    may have been booked since it freed them. The reason is optional; the cancellation stays in the history."""
    if meeting.status not in ("cancelled", "postponed"):
        raise ValidationError({"status": _("Only a cancelled or postponed meeting can be restored.")})
    return move_meeting(meeting, meeting.start_at, meeting.end_at, user, reason=reason,
                        accept_warnings=accept_warnings, action="restore")


def units_on(day: date, query: str, *, limit: int) -> list[Unit]:
    """Active units valid on `day` whose words start with the query's (the booking form's unit lookup)."""
    from meetingsvc.meetings.search import words_clause

    valid = sa.and_(Unit.is_active.is_(True), sa.or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
                    sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= day))
    return list(db.session.scalars(
        sa.select(Unit).where(valid, words_clause(Unit.search_text, query)).options(selectinload(Unit.parent))
        .order_by(Unit.sort_order, Unit.name, Unit.code).limit(limit)))


def groups_on(day: date, query: str, *, limit: int) -> list[tuple]:
    """Saved groups of units whose name's words start with the query's, each with its members valid on `day`
    (a group "the 30 district-level units" invites nobody after 1/7/2025); groups with no such member left out."""
    from meetingsvc.core.text import fold, search_terms
    from meetingsvc.directory import services as directory

    terms = search_terms(query)
    found = []
    for group in directory.active_groups():
        words = fold(group.name).split()
        if terms and all(any(w == t if len(t) == 1 else w.startswith(t) for w in words) for t in terms):
            units = directory.units_for_selection(group_id=group.id, on_date=day)
            if units:
                found.append((group, units))
        if len(found) >= limit:
            break
    return found


def bump_sequence(meeting: Meeting) -> None:
    """Say that subscribers must see a new version of the meeting (iCal SEQUENCE): for changes made outside
    update_meeting that a calendar shows, e.g. the online link (mode, join URL). Committed with the change."""
    meeting.sequence += 1


def local_instant(day: date, hhmm) -> datetime:
    """A form's date and time (office time) as a UTC instant."""
    from meetingsvc.meetings.validation import parse_time

    return local_to_utc(day, parse_time(hhmm))

