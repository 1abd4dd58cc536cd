"""Recurring meetings: a series keeps its RRULE; every occurrence is a Meeting row of its own.

Occurrence rows carry `original_start_at` (the iCal RECURRENCE-ID). A cancelled occurrence becomes an
EXDATE in feeds; an occurrence edited apart from the series is `is_detached` and is published as its own
VEVENT with RECURRENCE-ID. Expansion is done in office time, so "every Monday 08:00" stays 08:00 locally.
"""

from datetime import datetime, timedelta

from dateutil.rrule import rrulestr
from flask_babel import gettext as _

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import office_zone

# A series is materialised row by row, so it must end: at most this many occurrences, within this span.
MAX_OCCURRENCES = 260
MAX_SPAN = timedelta(days=3 * 366)


def occurrence_starts(rrule: str, first_start: datetime) -> list[datetime]:
    """UTC starts of every occurrence of `rrule` from `first_start` (aware), expanded in office time."""
    zone = office_zone()
    local_first = first_start.astimezone(zone).replace(tzinfo=None)
    try:
        rule = rrulestr(rrule, dtstart=local_first)
    except (ValueError, TypeError, OverflowError, AttributeError) as exc:
        raise ValidationError({"rrule": _("Not a valid repeat rule.")}) from exc
    if "COUNT=" not in rrule.upper() and "UNTIL=" not in rrule.upper():
        raise ValidationError({"rrule": _("A repeating meeting needs an end: a number of times or a last day.")})
    starts = []
    try:
        for local in rule:
            if len(starts) >= MAX_OCCURRENCES or local - local_first > MAX_SPAN:
                raise ValidationError({"rrule": _("A repeating meeting may have at most %(n)s meetings within "
                                                  "three years.", n=MAX_OCCURRENCES)})
            starts.append(local.replace(tzinfo=zone).astimezone(first_start.tzinfo))
    except (ValueError, OverflowError) as exc:  # dates beyond the calendar
        raise ValidationError({"rrule": _("Not a valid repeat rule.")}) from exc
    return starts
