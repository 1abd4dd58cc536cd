"""Room use: the hours of a meeting that fall inside working hours, on working days, inside the period.

The working hours come from the working-hours setting (MEETINGSVC_WORKING_HOURS, read by the booking settings
into app.config["WORKING_PERIODS"]): one or more sessions of a day ("07:30-17:00", or "07:30-11:30,13:30-17:00"
with a lunch break, the default); working days from core.workdays (weekends, public holidays and the
office's swap days). For a meeting the database computes, in local time:

    hours = Σ over the working days d it touches of Σ over the sessions s of |[start, end] ∩ [period] ∩ s on d|

A meeting of one day counts its part inside the sessions (a meeting at 19:00 counts 0 h, one at 11:00–14:00
counts 1 h with the lunch break 11:30–13:30); a meeting over several days counts its part of the first and last
day and every full working day between at the hours of a day; days off count 0. The SQL is plain arithmetic on
epoch seconds (the office's zone has no daylight saving time), so it runs inside the aggregate query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from meetingsvc.core import workdays
from meetingsvc.core.time import office_zone
from meetingsvc.extensions import db
from meetingsvc.meetings.availability import parse_working_periods, working_periods

EPOCH = date(1970, 1, 1)
DAY = 86400


def working_sessions(spec: str | None = None) -> list[tuple[time, time]]:
    """The sessions of a working day: the booking settings' working periods (or those of `spec`)."""
    return parse_working_periods(spec) if spec is not None else working_periods()


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def sessions_label(sessions: list[tuple[time, time]]) -> str:
    return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in sessions)


def _greatest(*args):
    return sa.func.greatest(*args) if db.engine.dialect.name == "postgresql" else sa.func.max(*args)


def _least(*args):
    return sa.func.least(*args) if db.engine.dialect.name == "postgresql" else sa.func.min(*args)


def epoch_seconds(column):
    """Whole seconds since 1970-01-01 UTC of a stored (naive UTC) timestamp."""
    if db.engine.dialect.name == "postgresql":
        return sa.cast(sa.extract("epoch", column), sa.BigInteger)
    return sa.cast(sa.func.strftime("%s", column), sa.Integer)


@dataclass(frozen=True)
class WorkingCalendar:
    """The working time of a period: sessions of a day (seconds), the days off (day numbers), the zone offset."""

    first: date
    last: date
    sessions: tuple[tuple[int, int], ...]
    days_off: tuple[int, ...]  # local days (days since 1970-01-01) of the period that are not working days
    offset: int  # local time - UTC, in seconds
    labels: str

    @classmethod
    def for_period(cls, period) -> WorkingCalendar:
        sessions = working_sessions()
        exceptions = workdays.overrides(period.first, period.last)
        days_off = tuple((period.first + timedelta(days=i) - EPOCH).days for i in range(period.days)
                         if not workdays.is_working_day(period.first + timedelta(days=i), exceptions))
        offset = office_zone().utcoffset(datetime.combine(period.first, time(12))) or timedelta(0)
        return cls(period.first, period.last, tuple((_seconds(s), _seconds(e)) for s, e in sessions), days_off,
                   int(offset.total_seconds()), sessions_label(sessions))

    @property
    def working_days(self) -> int:
        return (self.last - self.first).days + 1 - len(self.days_off)

    @property
    def hours_per_day(self) -> float:
        return sum(e - s for s, e in self.sessions) / 3600

    @property
    def available_hours(self) -> float:
        return self.working_days * self.hours_per_day

    def _days_off(self):
        """The days off as a one-parameter SQL value: an integer array (PostgreSQL) or a JSON list (SQLite)."""
        if db.engine.dialect.name == "postgresql":
            return sa.literal(list(self.days_off), ARRAY(sa.Integer))
        return sa.literal(json.dumps(self.days_off))

    def _working(self, day_key):
        """1 on a working day of the period, else 0."""
        if not self.days_off:
            return sa.literal(1)
        if db.engine.dialect.name == "postgresql":
            off = day_key == sa.any_(self._days_off())
        else:
            off = day_key.in_(sa.select(sa.func.json_each(self._days_off()).table_valued("value").c.value))
        return sa.case((off, 0), else_=1)

    def _inside_sessions(self, a, b):
        """Seconds of [a, b) (seconds of a day) inside the sessions."""
        parts = [sa.type_coerce(_greatest(sa.literal(0), _least(b, sa.literal(e)) - _greatest(a, sa.literal(s))),
                                sa.Integer) for s, e in self.sessions]
        return sum(parts[1:], parts[0])

    def _days_off_between(self, low, high):
        """Days off d with low < d < high (only evaluated for meetings over several days)."""
        if not self.days_off:
            return sa.literal(0)
        if db.engine.dialect.name == "postgresql":
            days = sa.func.unnest(self._days_off()).table_valued("value").render_derived(name="days_off")
        else:
            days = sa.func.json_each(self._days_off()).table_valued("value")
        return (sa.select(sa.func.count()).select_from(days).where(days.c.value > low, days.c.value < high)
                .scalar_subquery())

    def seconds(self, start_column, end_column):
        """SQL: seconds of [start, end) inside working hours, on working days, inside the period."""
        period_start = (self.first - EPOCH).days * DAY
        period_end = ((self.last - EPOCH).days + 1) * DAY
        start = sa.type_coerce(_greatest(epoch_seconds(start_column) + self.offset, sa.literal(period_start)),
                               sa.Integer)
        end = sa.type_coerce(_least(epoch_seconds(end_column) + self.offset, sa.literal(period_end)), sa.Integer)
        first_day, last_day = start // DAY, (end - 1) // DAY
        start_in_day, end_in_day = start - first_day * DAY, end - last_day * DAY
        one_day = self._working(first_day) * self._inside_sessions(start_in_day, end_in_day)
        per_day = sum(e - s for s, e in self.sessions)
        several_days = (self._working(first_day) * self._inside_sessions(start_in_day, sa.literal(DAY))
                        + self._working(last_day) * self._inside_sessions(sa.literal(0), end_in_day)
                        + per_day * (last_day - first_day - 1 - self._days_off_between(first_day, last_day)))
        return sa.case((end <= start, 0), (first_day == last_day, one_day), else_=several_days)
