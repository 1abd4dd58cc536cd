"""Reporting periods in office (local) time: year, nine months, half-year, quarter, month or any range of days.

A period is a range of local calendar days [first, last]; its UTC bounds come from core.time so that a meeting
at 23:30 on 31 December (local) belongs to that year and one at 00:30 on 1 January to the next. Two bases:
``calendar`` (the calendar month, quarter, …) and ``cutoff`` (the data cut-off windows of Decree 09/2019/NĐ-CP
Art. 12: month = 15th of the previous month → 14th; quarter = 15th of the month before the quarter → 14th of its
last month; 6 months, 9 months and year = 15/12 of the previous year → 14/6, 14/9, 14/12).

A range of dates that is exactly a named period (01/01/2022–31/12/2022, 01/04–30/06, 15/12/2021–14/12/2022 …) is
that period, so that `flask report --from 2022-01-01 --to 2022-12-31` says "Năm 2022 … so với năm 2021".

Errors are ValidationErrors whose messages are translated (lazily) and whose `codes` stay machine-readable for
the API (`end_before_start`, `missing_date`, …).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import local_day_bounds, parse_day

KINDS = ("year", "nine_months", "half_year", "quarter", "month", "range")
NAMED_KINDS = KINDS[:-1]
BASES = ("calendar", "cutoff")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
# A report may span at most this many days (ten years and their leap days), so that a typo cannot ask for a millennium.
MAX_DAYS = 366 * 10 + 3

MESSAGES = {
    "unknown_period": _l("Choose a year, nine months, half-year, quarter, month or a range of dates."),
    "unknown_basis": _l("Choose calendar periods or the reporting cut-off windows."),
    "not_a_plausible_year": _l("Not a plausible year (1901 to 2199)."),
    "quarter_out_of_range": _l("The quarter must be 1 to 4."),
    "month_out_of_range": _l("The month must be 1 to 12."),
    "end_before_start": _l("The end date is before the start date."),
    "too_long": _l("A report covers at most ten years."),
    "not_a_number": _l("Not a number."),
    "not_a_date": _l("Not a date (dd/mm/yyyy)."),
    "missing_date": _l("Give both dates."),
    "unknown_option": _l("Not one of the choices offered."),
}


class PeriodError(ValidationError):
    """A refused period: `fields` name -> translated message, `codes` name -> machine-readable code."""

    def __init__(self, codes: dict[str, str]):
        self.codes = codes
        super().__init__({name: MESSAGES[code] for name, code in codes.items()})


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # first local day, inclusive
    last: date  # last local day, inclusive
    year: int | None = None
    number: int | None = None  # the quarter or the month
    basis: str = "calendar"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """UTC instants [start of first day, start of the day after the last day) for an index range on start_at."""
        return local_day_bounds(self.first, self.last)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous_year(self) -> Period:
        """The same period a year earlier ("cùng kỳ"); 29 February falls back to the 28th."""
        if self.kind != "range":
            return make_period(self.kind, self.year - 1, self.number, basis=self.basis)
        return replace(self, first=_year_earlier(self.first), last=_year_earlier(self.last),
                       year=self.year - 1 if self.year else None)

    def span(self) -> str:
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"

    def label(self, language: str = "vi", *, dates: bool = True, until: date | None = None) -> str:
        """'quý II/2026', 'năm 2022 (số liệu 15/12/2021 – 14/12/2022)' with cut-off windows (dates=False: without);
        `until`: the period is still running, its figures go up to that day ('năm 2026 (tính đến ngày 02/12/2026)')."""
        vi = language == "vi"
        y = self.year
        notes = []
        if self.basis == "cutoff" and dates and self.kind != "range":
            notes.append(f"{'số liệu' if vi else 'data'} {self.span()}")
        if until is not None:
            notes.append(f"tính đến ngày {until:%d/%m/%Y}" if vi else f"up to {until:%d/%m/%Y}")
        suffix = f" ({'; '.join(notes)})" if notes else ""
        if self.kind == "range":
            if self.first == self.last:
                return (f"ngày {self.first:%d/%m/%Y}" if vi else f"{self.first:%d/%m/%Y}") + suffix
            return (f"từ {self.first:%d/%m/%Y} đến {self.last:%d/%m/%Y}" if vi else
                    f"{self.first:%d/%m/%Y} to {self.last:%d/%m/%Y}") + suffix
        if self.kind == "year":
            text = f"năm {y}" if vi else f"year {y}"
        elif self.kind == "nine_months":
            text = f"9 tháng đầu năm {y}" if vi else f"first nine months of {y}"
        elif self.kind == "half_year":
            text = f"6 tháng đầu năm {y}" if vi else f"first half of {y}"
        elif self.kind == "quarter":
            text = f"quý {ROMAN[self.number]}/{y}" if vi else f"Q{self.number} {y}"
        else:
            text = f"tháng {self.number}/{y}" if vi else f"{MONTHS_EN[self.number - 1]} {y}"
        return text + suffix

    def title(self, language: str = "vi", *, dates: bool = True, until: date | None = None) -> str:
        """The label as a heading or the start of a sentence: 'Quý II/2026', 'From 01/01/2022 to …'."""
        text = self.label(language, dates=dates, until=until)
        if self.kind == "range" and language != "vi" and self.first != self.last:
            text = "from " + text
        return text[:1].upper() + text[1:]

    def running_on(self, day: date) -> bool:
        """The period has begun and not ended on `day`: its figures are only those up to that day."""
        return self.first <= day <= self.last

    def same_part_a_year_earlier(self, day: date) -> Period:
        """The same period a year earlier ("cùng kỳ"), cut at the same day a year earlier while this period is
        still running on `day`, so that a part of a year is compared with the same part, not with a whole year."""
        previous = self.previous_year()
        if not self.running_on(day):
            return previous
        cut = _year_earlier(day)
        if cut >= previous.last:
            return previous
        return replace(previous, kind="range", last=max(cut, previous.first), number=None)

    def comparison(self, language: str = "vi", previous: Period | None = None) -> str:
        """'so với năm 2021' for a year, 'so với cùng kỳ năm 2021' otherwise (and for a year still running, compared
        with the same part of the year before: `previous`)."""
        prev = previous or self.previous_year()
        if self.kind == "year" and prev.kind == "year":
            return f"so với năm {prev.year}" if language == "vi" else f"compared with {prev.year}"
        if prev.year:
            return (f"so với cùng kỳ năm {prev.year}" if language == "vi" else
                    f"compared with the same period of {prev.year}")
        return "so với cùng kỳ" if language == "vi" else "compared with the same period a year earlier"

    def query_args(self) -> dict:
        """The URL parameters that name this period again (links, exports, the back-link, the next page)."""
        if self.kind == "range":
            return {"period": "range", "from": self.first.isoformat(), "to": self.last.isoformat()}
        args = {"period": self.kind, "year": self.year}
        if self.kind == "quarter":
            args["quarter"] = self.number
        elif self.kind == "month":
            args["month"] = self.number
        if self.basis != "calendar":
            args["basis"] = self.basis
        return args

    def as_dict(self) -> dict:
        return {"kind": self.kind, "basis": self.basis, "from": self.first.isoformat(), "to": self.last.isoformat(),
                "year": self.year, "number": self.number, "label_vi": self.label("vi"), "label_en": self.label("en")}


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _month_end(year: int, month: int) -> date:
    return (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)


def make_period(kind: str, year: int, number: int | None = None, *, basis: str = "calendar") -> Period:
    """A named period of `year`: number is the quarter (1-4) or the month (1-12)."""
    if kind not in NAMED_KINDS:
        raise PeriodError({"period": "unknown_period"})
    if basis not in BASES:
        raise PeriodError({"basis": "unknown_basis"})
    if not 1900 < year < 2200:
        raise PeriodError({"year": "not_a_plausible_year"})
    last_month = {"year": 12, "nine_months": 9, "half_year": 6}.get(kind)
    if kind == "quarter":
        if number not in ROMAN:
            raise PeriodError({"quarter": "quarter_out_of_range"})
        first_month, last_month = 3 * number - 2, 3 * number
    elif kind == "month":
        if not number or not 1 <= number <= 12:
            raise PeriodError({"month": "month_out_of_range"})
        first_month = last_month = number
    else:
        first_month, number = 1, None
    if basis == "calendar":
        first, last = date(year, first_month, 1), _month_end(year, last_month)
    else:
        # The window opens on the 15th of the month before (15/12 of the previous year for year-to-date periods).
        start_month = 12 if kind in ("year", "nine_months", "half_year") else first_month - 1
        first = date(year - 1, 12, 15) if start_month in (0, 12) and first_month == 1 else date(year, start_month, 15)
        last = date(year, last_month, 14)
    return Period(kind, first, last, year, number, basis)


def named_period_for(first: date, last: date) -> Period | None:
    """The named period (calendar or cut-off) that is exactly [first, last], if there is one."""
    if not 1900 < last.year < 2200:
        return None
    candidates = [("year", None), ("nine_months", None), ("half_year", None)]
    candidates += [("quarter", q) for q in ROMAN] + [("month", m) for m in range(1, 13)]
    for basis in BASES:
        for kind, number in candidates:
            period = make_period(kind, last.year, number, basis=basis)
            if (period.first, period.last) == (first, last):
                return period
    return None


def make_range(first: date, last: date) -> Period:
    if last < first:
        raise PeriodError({"to": "end_before_start"})
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodError({"to": "too_long"})
    return named_period_for(first, last) or Period("range", first, last,
                                                   first.year if first.year == last.year else None)


def _int(args, name: str, errors: dict) -> int | None:
    raw = str(args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        errors[name] = "not_a_number"
        return None
    return int(raw)


def _date(args, name: str, errors: dict) -> date | None:
    raw = str(args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_day(raw)
    except ValueError:
        errors[name] = "not_a_date"
        return None


def period_from_args(args, default_year: int) -> Period:
    """The period a request (page, API) or the CLI asks for.

    `from`/`to` (YYYY-MM-DD or dd/mm/yyyy) give a range; otherwise `period` (year, nine_months, half_year,
    quarter, month) with `year`, `quarter` or `month`, and `basis` (calendar or cutoff). Raises PeriodError
    naming the field.
    """
    errors: dict[str, str] = {}
    kind = str(args.get("period") or "").strip()
    first, last = _date(args, "from", errors), _date(args, "to", errors)
    year = _int(args, "year", errors)
    number = _int(args, "quarter" if kind == "quarter" else "month", errors)
    basis = str(args.get("basis") or "calendar").strip()
    if errors:
        raise PeriodError(errors)
    if kind in ("", "range") and (first or last):
        if not (first and last):
            raise PeriodError({"to" if first else "from": "missing_date"})
        return make_range(first, last)
    if kind == "range":
        raise PeriodError({"from": "missing_date"})
    return make_period(kind or "year", year or default_year, number, basis=basis)
