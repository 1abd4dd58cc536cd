"""UTC <-> office time. Everything stored is UTC; conversion happens only at the edges."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def office_zone() -> ZoneInfo:
    name = current_app.config.get("DISPLAY_TIMEZONE", DEFAULT_ZONE) if has_app_context() else DEFAULT_ZONE
    return ZoneInfo(name)


def to_local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(office_zone())


def local_to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=office_zone()).astimezone(UTC)


def local_now() -> datetime:
    return datetime.now(office_zone())


def local_today() -> date:
    return local_now().date()


def local_day_bounds(first: date, last: date | None = None) -> tuple[datetime, datetime]:
    """UTC instants [start of `first`, start of the day after `last`) in office time."""
    last = last or first
    return local_to_utc(first, time.min), local_to_utc(last + timedelta(days=1), time.min)


def week_start(day: date) -> date:
    """Monday of the week holding `day` (weeks start on Monday in Vietnam)."""
    return day - timedelta(days=day.weekday())


_DAY_PATTERNS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_day(value) -> date:
    """A calendar day as the office writes it (01/12/2026, 1/12/2026, 01.12.2026) or ISO 8601 (2026-12-01).

    Forms show dd/mm/yyyy; links, the API and the CLI use ISO. Raises ValueError.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in _DAY_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {value!r}")


def parse_hhmm(text: str) -> time:
    """'8h30', '08:30', '14 giờ', '7 giờ 30' -> time. Raises ValueError."""
    cleaned = text.strip().lower().replace("giờ", "h").replace("’", "").replace("'", "").replace(" ", "")
    cleaned = cleaned.replace("h", ":")
    if cleaned.endswith(":"):
        cleaned += "00"
    hour, _, minute = cleaned.partition(":")
    if not hour.isdigit() or (minute and not minute.isdigit()):
        raise ValueError(f"not a time: {text!r}")
    return time(int(hour), int(minute or 0))


def parse_working_hours(spec: str) -> tuple[time, time]:
    start, _, end = spec.partition("-")
    return parse_hhmm(start), parse_hhmm(end)
