"""Working days: weekends, Vietnamese public holidays (python-holidays) and the office's own swap days."""

from datetime import date, timedelta
from functools import lru_cache

import holidays
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, mapped_column

from meetingsvc.extensions import db


class CalendarDay(db.Model):
    """An exception the office records each year: a swapped Saturday worked, or an extra day off."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    is_working_day: Mapped[bool] = mapped_column(nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="", server_default="")

    def __repr__(self):
        return f"<CalendarDay {self.day} working={self.is_working_day}>"


@lru_cache(maxsize=64)
def _public_holidays(year: int, language: str) -> dict:
    return dict(holidays.country_holidays("VN", years=year, language=language))


def _holiday_language() -> str:
    """Holiday names in the page's language: Vietnamese by default, English (en_US) for English pages."""
    try:
        from flask_babel import get_locale

        return "en_US" if str(get_locale() or "vi").startswith("en") else "vi"
    except (RuntimeError, AttributeError):
        return "vi"


def holiday_name(day: date) -> str | None:
    return _public_holidays(day.year, _holiday_language()).get(day)


def overrides(first: date, last: date) -> dict[date, CalendarDay]:
    rows = db.session.scalars(sa.select(CalendarDay).where(CalendarDay.day.between(first, last)))
    return {row.day: row for row in rows}


def is_working_day(day: date, exceptions: dict[date, CalendarDay] | None = None) -> bool:
    exceptions = overrides(day, day) if exceptions is None else exceptions
    if day in exceptions:
        return exceptions[day].is_working_day
    return day.weekday() < 5 and holiday_name(day) is None


def non_working_reason(day: date, exceptions: dict[date, CalendarDay] | None = None) -> str | None:
    """Why `day` is not a working day (holiday name, 'weekend', the office's note), or None."""
    exceptions = overrides(day, day) if exceptions is None else exceptions
    if day in exceptions:
        return None if exceptions[day].is_working_day else (exceptions[day].name or holiday_name(day) or _("Day off"))
    if holiday_name(day):
        return holiday_name(day)
    if day.weekday() >= 5:
        return "weekend"
    return None


def day_notes(first: date, last: date) -> dict[date, tuple[str, bool]]:
    """{day: (what to write on it, is it a working day)} from `first` to `last`, for the days a schedule marks:
    public holidays and the office's days off (False), weekend days the office works, e.g. a swapped Saturday
    (True). One query."""
    exceptions = overrides(first, last)
    notes = {}
    day = first
    while day <= last:
        if day in exceptions and exceptions[day].is_working_day:
            if day.weekday() >= 5:
                notes[day] = (exceptions[day].name or _("Working day"), True)
        else:
            reason = non_working_reason(day, exceptions)
            if reason and reason != "weekend":
                notes[day] = (reason, False)
        day += timedelta(days=1)
    return notes


def working_days_between(first: date, last: date) -> int:
    """Working days d with first <= d < last."""
    if last <= first:
        return 0
    exceptions = overrides(first, last)
    return sum(1 for i in range((last - first).days) if is_working_day(first + timedelta(days=i), exceptions))


def add_working_days(start: date, count: int) -> date:
    exceptions = overrides(start, start + timedelta(days=count * 3 + 30))
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, exceptions):
            count -= 1
    return day
