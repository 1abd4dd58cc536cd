"""Booking input: what a form or an API client sends, checked and turned into model values.

The same field names are used by the form, the API and the error messages, so that an error lands next
to the field that caused it. Nothing here writes to the database.
"""

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import lazyload

from meetingsvc.auth.models import CLASSIFICATIONS
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.i18n import format_number
from meetingsvc.core.time import local_to_utc, local_today, office_zone, parse_day, parse_hhmm, to_local
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import DAY_PARTS, KINDS, MODES, PC_SESSION_KINDS

TEXT_LIMITS = {"title": 500, "agenda": 20000, "location": 300, "notes": 20000, "counterpart": 300}
# Statuses a booking may be saved with; cancel and postpone have their own operations.
EDITABLE_STATUSES = ("draft", "scheduled", "held")
ID_LISTS = ("co_chair_ids", "attending_leader_ids", "attendee_person_ids", "attendee_unit_ids")
TIME_KEYS = ("date", "end_date", "start", "end", "day_part", "start_at", "end_at")
# Every key `clean` reads: an API body naming anything else is refused (a misspelt field would be ignored).
INPUT_FIELDS = frozenset({
    *TEXT_LIMITS, *TIME_KEYS, *ID_LISTS, "kind", "session_kind", "mode", "classification", "status", "is_urgent",
    "is_foreign", "people_count", "chair_id", "room_id", "preparing_unit_id", "invitation_sent_at", "repeat",
    "attendee_group_ids",
})
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
REPEAT_FREQS = ("weekly", "monthly")
# Days any page or API answer may be asked about: wide, but far from the ends of the calendar, where the
# arithmetic on days and instants (a week's bounds, the day after, office time to UTC) overflows.
READ_FIRST_DAY, READ_LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
# The largest id there can be (an INTEGER column on PostgreSQL); a larger number is refused before any query.
MAX_ID = 2**31 - 1
# At most this many ids in one list (attendees, leaders); a longer one is refused before any query.
MAX_IDS = 2000
# Unknown ids named in a message; the rest are counted.
NAMED_IDS = 5
DEFAULT_DAY_PART_TIMES = {"morning": ("08:00", "11:30"), "afternoon": ("14:00", "17:00"),
                          "evening": ("19:00", "21:00"), "all_day": ("08:00", "17:00")}


def booking_days() -> tuple[date, date]:
    """The first and the last day a meeting may be booked on (settings BOOKING_FIRST_DAY, BOOKING_YEARS_AHEAD)."""
    first = current_app.config.get("BOOKING_FIRST_DAY", date(2000, 1, 1))
    years = current_app.config.get("BOOKING_YEARS_AHEAD", 10)
    today = local_today()
    try:
        last = today.replace(year=today.year + years)
    except ValueError:  # 29 February
        last = today.replace(year=today.year + years, day=28)
    return first, last


def booking_day_error(day: date) -> str | None:
    """Why `day` cannot hold a booking, or None."""
    first, last = booking_days()
    if first <= day <= last:
        return None
    return _("Meetings can be booked from %(first)s to %(last)s.", first=first.strftime("%d/%m/%Y"),
             last=last.strftime("%d/%m/%Y"))


def read_day_error(day: date) -> str | None:
    """Why a page or the API cannot show `day` (see READ_FIRST_DAY), or None."""
    if READ_FIRST_DAY <= day <= READ_LAST_DAY:
        return None
    return _("Choose a date from %(first)s to %(last)s.", first=READ_FIRST_DAY.strftime("%d/%m/%Y"),
             last=READ_LAST_DAY.strftime("%d/%m/%Y"))


# Control characters nobody types (tabs and line breaks aside): no column of PostgreSQL stores NUL, and calendar
# clients, spreadsheets and printers choke on the others (a title of "\x0b" would be an empty line in a feed).
_CONTROL = {chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)}


def text_error(value: str) -> str | None:
    """What is wrong with typed text that should never be stored: a NUL or another control character."""
    if "\x00" in value:
        return _("The text contains a NUL character (\\x00); remove it.")
    bad = next((c for c in value if c in _CONTROL), None)
    if bad is not None:
        return _("The text contains a control character (U+%(code)s) that cannot be shown; remove it.",
                 code=f"{ord(bad):04X}")
    return None


def some_ids(ids) -> str:
    """'7, 8, 9, 10, 11 and 99,994 more': ids for a message, however many there are."""
    ids = list(ids)
    shown = ", ".join(map(str, ids[:NAMED_IDS]))
    if len(ids) <= NAMED_IDS:
        return shown
    return _("%(ids)s and %(n)s more", ids=shown, n=format_number(len(ids) - NAMED_IDS))


def day_part_times(part: str) -> tuple[time, time]:
    start, end = current_app.config.get("DAY_PART_TIMES", DEFAULT_DAY_PART_TIMES)[part]
    return parse_hhmm(start), parse_hhmm(end)


def day_part_of(start_at: datetime, end_at: datetime) -> str:
    """The session a meeting belongs to, as the weekly schedule groups it."""
    start, end = to_local(start_at), to_local(end_at)
    if start.date() != end.date() or (start.hour < 12 and (end.hour, end.minute) > (13, 30)):
        return "all_day"
    if start.hour < 12:
        return "morning"
    if start.hour < 18:
        return "afternoon"
    return "evening"


def parse_time(value) -> time:
    if isinstance(value, time):
        return value
    parsed = parse_hhmm(str(value))
    if not (0 <= parsed.hour < 24 and 0 <= parsed.minute < 60):
        raise ValueError(value)
    return parsed


def parse_instant(value) -> datetime:
    """An ISO 8601 date-time; without an offset it is office time."""
    if isinstance(value, datetime):
        parsed = value
    else:
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=office_zone())
    return parsed.astimezone(UTC)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _flag(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "on", "yes", "y")
    return bool(value)


def _id(value, field: str, errors: dict) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        errors[field] = _("Not a valid choice.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        errors[field] = _("Not a valid choice.")
        return None
    if number <= 0 or number > MAX_ID:
        errors[field] = _("Not a valid choice.")
        return None
    return number


def _id_list(value, field: str, errors: dict) -> list[int]:
    if _blank(value):
        return []
    if isinstance(value, str):
        value = [v for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list | tuple | set):
        errors[field] = _("Send a list of ids.")
        return []
    if len(value) > MAX_IDS:
        errors[field] = _("At most %(n)s at a time (now %(count)s).", n=MAX_IDS, count=len(value))
        return []
    ids = []
    for item in value:
        number = _id(item, field, errors)
        if number is not None and number not in ids:
            ids.append(number)
    return ids


def _invite_groups(value, day, lists: dict, errors: dict) -> None:
    """Saved groups of units invited at once: their members valid on the meeting's day join attendee_unit_ids."""
    from meetingsvc.directory import services as directory
    from meetingsvc.directory.models import UnitGroup

    group_ids = _id_list(value, "attendee_group_ids", errors)
    if not group_ids or day is None:
        return
    groups = {g.id: g for g in db.session.scalars(sa.select(UnitGroup).where(UnitGroup.id.in_(group_ids),
                                                                            UnitGroup.is_active.is_(True)))}
    unknown = [i for i in group_ids if i not in groups]
    if unknown:
        errors["attendee_group_ids"] = _("Unknown or deactivated groups: %(ids)s.", ids=some_ids(unknown))
        return
    for group_id in group_ids:
        units = directory.units_for_selection(group_id=group_id, on_date=day)
        if not units:
            why = directory.explain_selection(directory.select_units(group_id=group_id, on_date=day))
            errors["attendee_group_ids"] = _("The group %(name)s invites nobody on this day: %(why)s",
                                             name=groups[group_id].name, why=why)
            return
        lists["attendee_unit_ids"] += [u.id for u in units if u.id not in lists["attendee_unit_ids"]]


def meeting_values(meeting) -> dict:
    """A stored meeting in the shape `clean` accepts (for edits and partial API updates)."""
    start, end = to_local(meeting.start_at), to_local(meeting.end_at)
    return {
        "title": meeting.title, "kind": meeting.kind, "session_kind": meeting.session_kind,
        "counterpart": meeting.counterpart or "", "is_foreign": meeting.is_foreign, "people_count": meeting.people_count,
        "date": start.date().isoformat(), "end_date": end.date().isoformat(),
        "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M"), "day_part": meeting.day_part,
        "status": meeting.status, "mode": meeting.mode, "classification": meeting.classification,
        "is_urgent": meeting.is_urgent, "chair_id": meeting.chair_id, "room_id": meeting.room_id,
        "location": meeting.location, "preparing_unit_id": meeting.preparing_unit_id, "agenda": meeting.agenda,
        "notes": meeting.notes,
        "co_chair_ids": [p.id for p in meeting.co_chairs],
        "attending_leader_ids": [p.id for p in meeting.attending_leaders],
        "attendee_person_ids": [a.person_id for a in meeting.attendees if a.person_id],
        "attendee_unit_ids": [a.unit_id for a in meeting.attendees if a.unit_id],
        "invitation_sent_at": meeting.invitation_sent_at,
    }


def merge(base: dict, changes: dict) -> dict:
    """`changes` over `base`; new times given in one form replace the stored ones given in another."""
    merged = dict(base)
    if any(k in changes for k in ("start_at", "end_at")):
        for key in ("date", "end_date", "start", "end", "day_part"):
            merged.pop(key, None)
    elif "day_part" in changes and not any(k in changes for k in ("start", "end")):
        merged.pop("start", None)
        merged.pop("end", None)
    elif "date" in changes and "end_date" not in changes:
        merged.pop("end_date", None)
    merged.update(changes)
    return merged


def _times(data: dict, errors: dict) -> tuple[datetime | None, datetime | None, str | None]:
    if not _blank(data.get("start_at")) or not _blank(data.get("end_at")):
        start_at = end_at = None
        for key in ("start_at", "end_at"):
            if _blank(data.get(key)):
                errors[key] = _("Give both the start and the end.")
                continue
            try:
                value = parse_instant(data[key])
            except (TypeError, ValueError, OverflowError):
                errors[key] = _("Not a date and time (use 2026-12-01T08:30:00+07:00).")
                continue
            try:
                problem = booking_day_error(to_local(value).date())
            except OverflowError:
                problem = booking_day_error(value.date())
            if problem:
                errors[key] = problem
                continue
            if key == "start_at":
                start_at = value
            else:
                end_at = value
        return start_at, end_at, None

    day = end_day = None
    for key in ("date", "end_date"):
        if _blank(data.get(key)):
            if key == "date":
                errors[key] = _("Give the date.")
            continue
        try:
            parsed = parse_day(data[key])
        except (TypeError, ValueError, OverflowError):
            errors[key] = _("Not a date (use dd/mm/yyyy).")
            continue
        problem = booking_day_error(parsed)
        if problem:
            errors[key] = problem
        elif key == "date":
            day = parsed
        else:
            end_day = parsed

    part = None if _blank(data.get("day_part")) else str(data["day_part"])
    if part is not None and part not in DAY_PARTS:
        errors["day_part"] = _("Not a valid choice.")
        part = None
    start = end = None
    has_start, has_end = not _blank(data.get("start")), not _blank(data.get("end"))
    if not has_start and not has_end:
        if part is None:
            if "day_part" not in errors:
                errors["start"] = _("Give the start and end times, or choose a session of the day.")
        else:
            start, end = day_part_times(part)
    else:
        part = None  # explicit times decide the session
        for key, present in (("start", has_start), ("end", has_end)):
            if not present:
                errors[key] = _("Give the time (24-hour, e.g. 08:30 or 8h30).")
                continue
            try:
                value = parse_time(data[key])
            except (TypeError, ValueError):
                errors[key] = _("Not a time (24-hour, e.g. 08:30 or 8h30).")
                continue
            if key == "start":
                start = value
            else:
                end = value
    if day is None or start is None or end is None:
        return None, None, part
    return local_to_utc(day, start), local_to_utc(end_day or day, end), part


def _check_duration(start_at, end_at, end_key, errors):
    if start_at is None or end_at is None:
        return
    if end_at <= start_at:
        errors[end_key] = _("The end must be after the start.")
        return
    limit = current_app.config.get("MAX_MEETING_HOURS", 120)
    if end_at - start_at > timedelta(hours=limit):
        errors[end_key] = _("A meeting may last at most %(hours)s hours.", hours=limit)


def _choice(data, key, table, default, errors):
    value = data.get(key)
    if _blank(value):
        return default
    if not isinstance(value, str) or value not in table:
        errors[key] = _("Not a valid choice.")
        return default
    return value


def _text(data, key, errors, required=False) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return ""
    value = value.strip() if key in ("title", "location", "counterpart") else value.replace("\r\n", "\n")
    problem = text_error(value)
    if problem:
        errors[key] = problem
    elif required and not value:
        errors[key] = _("This field is required.")
    elif len(value) > TEXT_LIMITS[key]:
        errors[key] = _("At most %(n)s characters (now %(len)s).", n=TEXT_LIMITS[key], len=len(value))
    return value


def _load(model, ids) -> dict:
    """{id: row} of `ids` in one query (the chair, co-chairs, leaders and attendees are all people)."""
    ids = sorted({i for i in ids if i is not None})
    if not ids:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids))
                                                      .options(lazyload("*")))}


def _existing(model, ids: list[int], field: str, errors: dict, *, kept=frozenset(), check=None,
              loaded: dict | None = None) -> list:
    """The rows of `ids`, or an error on `field`: unknown ids, or newly chosen rows that are deactivated or fail
    `check` (rows of `kept`, already on the meeting, stay as they are: an edit never drops nor refuses them).
    `loaded`: {id: row} from _load, when the caller has them."""
    if not ids:
        return []
    rows = _load(model, ids) if loaded is None else loaded
    missing = [i for i in ids if i not in rows]
    if missing:
        errors[field] = _("Unknown: %(ids)s.", ids=some_ids(missing))
        return []
    new = [rows[i] for i in ids if i not in kept]
    inactive = [row for row in new if not getattr(row, "is_active", True)]
    if inactive:
        errors[field] = _("No longer active: %(names)s.", names=", ".join(str(r) for r in inactive))
        return []
    message = check(new) if check and new else None
    if message:
        errors[field] = message
        return []
    return [rows[i] for i in ids]


def already_on(values: dict | None) -> dict[str, set[int]]:
    """The people, units and room a stored meeting already has (`meeting_values`), by model name."""
    if not values:
        return {"Person": set(), "Unit": set(), "Room": set()}
    people = {values.get("chair_id")} | set(values.get("co_chair_ids", ())) | set(
        values.get("attending_leader_ids", ())) | set(values.get("attendee_person_ids", ()))
    units = {values.get("preparing_unit_id")} | set(values.get("attendee_unit_ids", ()))
    return {"Person": people - {None}, "Unit": units - {None}, "Room": {values.get("room_id")} - {None}}


def _unbookable(rooms) -> str | None:
    return _("This room cannot be booked.") if any(not room.is_bookable for room in rooms) else None


def _units_check(day):
    """Newly chosen units must exist on the meeting's day (Unit.valid_from / valid_to)."""

    def check(units):
        if day is None:
            return None
        invalid = [unit for unit in units if not unit.is_valid_on(day)]
        if not invalid:
            return None
        return _("These units do not exist on %(day)s (any more, or not yet): %(names)s. Choose the units valid on "
                 "that day.", day=day.strftime("%d/%m/%Y"), names=", ".join(u.name for u in invalid))

    return check


def label_of(row) -> str:
    return row.label if isinstance(row, Person) else row.name


def repeat_rule(repeat, start_at: datetime | None, errors: dict) -> str | None:
    """A repeat choice -> RRULE. Accepts {"freq", "interval", "weekdays", "until", "count"} or {"rrule": "..."}."""
    if _blank(repeat) or repeat == {}:
        return None
    if isinstance(repeat, str):
        repeat = {"rrule": repeat}
    if not isinstance(repeat, dict):
        errors["repeat"] = _("Not a valid repeat rule.")
        return None
    if not _blank(repeat.get("rrule")):
        rule = str(repeat["rrule"]).strip()
        if len(rule) > 500 or text_error(rule):
            errors["repeat"] = _("Not a valid repeat rule.")
            return None
        return rule
    freq = repeat.get("freq")
    if _blank(freq) or freq == "none":
        return None
    if freq not in REPEAT_FREQS:
        errors["repeat_freq"] = _("Not a valid choice.")
        return None
    try:
        interval = int(repeat.get("interval") or 1)
        if not 1 <= interval <= 52:
            raise ValueError
    except (TypeError, ValueError):
        errors["repeat_interval"] = _("A whole number from 1 to 52.")
        return None
    parts = [f"FREQ={freq.upper()}", f"INTERVAL={interval}"]
    if freq == "weekly":
        days = repeat.get("weekdays") or []
        codes = []
        for d in days if isinstance(days, list | tuple) else [days]:
            code = WEEKDAY_CODES[int(d)] if str(d).isdigit() and int(d) < 7 else str(d).upper()
            if code not in WEEKDAY_CODES:
                errors["repeat_weekdays"] = _("Not a valid choice.")
                return None
            if code not in codes:
                codes.append(code)
        if codes:
            parts.append("BYDAY=" + ",".join(codes))
    count, until = repeat.get("count"), repeat.get("until")
    if not _blank(count):
        try:
            count = int(count)
            if count < 1:
                raise ValueError
        except (TypeError, ValueError):
            errors["repeat_count"] = _("A whole number of at least 1.")
            return None
        parts.append(f"COUNT={count}")
    elif not _blank(until):
        try:
            until_day = parse_day(until)
        except (TypeError, ValueError):
            errors["repeat_until"] = _("Not a date (use dd/mm/yyyy).")
            return None
        if booking_day_error(until_day):
            errors["repeat_until"] = booking_day_error(until_day)
            return None
        if start_at is not None and until_day < to_local(start_at).date():
            errors["repeat_until"] = _("The series must end after its first meeting.")
            return None
        parts.append(f"UNTIL={until_day:%Y%m%d}T235959")
    else:
        errors["repeat_until"] = _("Say until when the meeting repeats, or how many times.")
        return None
    return ";".join(parts)


def clean(data: dict, *, current: dict | None = None) -> dict:
    """Checked model values from `data`, or ValidationError naming every field to fix.

    `current` is the stored meeting (`meeting_values`) when `data` edits it: the people, units and room it already
    has are kept as they are even if deactivated since or not valid on a new date (the booking warns about those
    units); only newly chosen ones must be active, bookable and valid on the meeting's day.
    """
    if not isinstance(data, dict):
        raise ValidationError(_("Send a JSON object."))
    errors: dict[str, str] = {}
    out = {
        "title": _text(data, "title", errors, required=True),
        "agenda": _text(data, "agenda", errors),
        "location": _text(data, "location", errors),
        "notes": _text(data, "notes", errors),
        "counterpart": _text(data, "counterpart", errors) or None,
        "kind": _choice(data, "kind", KINDS, "work_resolution", errors),
        "session_kind": _choice(data, "session_kind", PC_SESSION_KINDS, None, errors),
        "mode": _choice(data, "mode", MODES, "in_person", errors),
        "classification": _choice(data, "classification", CLASSIFICATIONS, "internal", errors),
        "status": _choice(data, "status", {s: s for s in EDITABLE_STATUSES}, "scheduled", errors),
        "is_urgent": _flag(data.get("is_urgent")),
        "is_foreign": _flag(data.get("is_foreign")),
    }
    people_count = data.get("people_count")
    out["people_count"] = None
    if not _blank(people_count):
        try:
            out["people_count"] = int(people_count)
            if out["people_count"] < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors["people_count"] = _("A whole number of at least 0.")

    start_at, end_at, part = _times(data, errors)
    end_key = "end" if _blank(data.get("start_at")) and _blank(data.get("end_at")) else "end_at"
    _check_duration(start_at, end_at, end_key, errors)
    out["start_at"], out["end_at"] = start_at, end_at
    if start_at and end_at and end_key not in errors:
        out["day_part"] = part or day_part_of(start_at, end_at)

    chair_id = _id(data.get("chair_id"), "chair_id", errors)
    room_id = _id(data.get("room_id"), "room_id", errors)
    unit_id = _id(data.get("preparing_unit_id"), "preparing_unit_id", errors)
    lists = {key: _id_list(data.get(key), key, errors) for key in ID_LISTS}
    labels: dict[tuple[str, int], str] = {}
    kept = already_on(current)
    day = to_local(start_at).date() if start_at else None
    _invite_groups(data.get("attendee_group_ids"), day, lists, errors)
    loaded = {Person: _load(Person, [chair_id, *lists["co_chair_ids"], *lists["attending_leader_ids"],
                                     *lists["attendee_person_ids"]]),
              Unit: _load(Unit, [unit_id, *lists["attendee_unit_ids"]])}
    chair = _existing(Person, [chair_id] if chair_id else [], "chair_id", errors, kept=kept["Person"],
                      loaded=loaded[Person])
    out["chair_id"] = chair[0].id if chair else None
    rooms = _existing(Room, [room_id] if room_id else [], "room_id", errors, kept=kept["Room"], check=_unbookable)
    out["room_id"] = rooms[0].id if rooms else None
    out["room"] = rooms[0] if rooms else None
    units = _existing(Unit, [unit_id] if unit_id else [], "preparing_unit_id", errors, kept=kept["Unit"],
                      check=_units_check(day), loaded=loaded[Unit])
    out["preparing_unit_id"] = units[0].id if units else None
    for row in chair + rooms + units:
        labels[(type(row).__name__, row.id)] = label_of(row)
    all_units = list(units)
    for key in ID_LISTS:
        model = Unit if key == "attendee_unit_ids" else Person
        rows = _existing(model, lists[key], key, errors, kept=kept[model.__name__],
                         check=_units_check(day) if model is Unit else None, loaded=loaded[model])
        out[key] = [row.id for row in rows]
        labels.update({(type(row).__name__, row.id): label_of(row) for row in rows})
        if model is Unit:
            all_units += rows
    # What the warnings need to say which units do not exist on another day (no query: they are loaded here).
    out["units"] = {unit.id: (unit.name, unit.valid_from, unit.valid_to) for unit in all_units}
    out["labels"] = labels
    if out["chair_id"] and out["chair_id"] in lists["co_chair_ids"]:
        errors["co_chair_ids"] = _("The chair cannot also be a co-chair.")
    if set(lists["co_chair_ids"]) & set(lists["attending_leader_ids"]):
        errors["attending_leader_ids"] = _("A leader is either co-chair or attending, not both.")
    out["invitation_sent_at"] = None
    if not _blank(data.get("invitation_sent_at")):
        try:
            out["invitation_sent_at"] = parse_instant(data["invitation_sent_at"])
            if read_day_error(out["invitation_sent_at"].date()):
                raise ValueError(data["invitation_sent_at"])
        except (TypeError, ValueError, OverflowError):
            out["invitation_sent_at"] = None
            errors["invitation_sent_at"] = _("Not a date and time (use 2026-12-01T08:30:00+07:00).")
    out["rrule"] = repeat_rule(data.get("repeat"), start_at, errors)
    if errors:
        raise ValidationError(errors)
    return out
