"""Writing iCalendar text (RFC 5545): escaping, folding at 75 octets on character boundaries, CRLF.

The `icalendar` library generates the VTIMEZONE and normalises recurrence rules, and the tests use it
(with vobject and ical.js) as the reference parser. The events themselves are written here because
icalendar's serialiser folds lines one character at a time and manages about a thousand events a second,
ten times fewer than a city's feeds need; this writer's content lines are read back identically by
icalendar, vobject and ical.js (tests/feeds/test_conformance.py).
"""

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, vRecur

CRLF = b"\r\n"
MAX_OCTETS = 75

# Control characters are not allowed in iCalendar text (RFC 5545 §3.3.11), except HTAB.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_OCTETS = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])  # the same characters, in UTF-8
_PARAM_NEEDS_QUOTES = re.compile(r"[:;,]")


def _escape(value: str) -> str:
    """escape_text without removing control characters."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # Chained str.replace is several times faster than str.translate with a mapping.
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped; other controls removed."""
    value = _escape(value)
    # Escaping adds no control character and removing one makes nothing to escape, so the two can go in either
    # order. Escaped, the text has no line break left: printable text then has no control character, and
    # isprintable() is quicker than the search, which runs only on text with a tab, a control or another
    # unprintable character.
    if not value.isprintable() and _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value


def clean_text(value: str | None) -> str:
    """Stored text as a feed may write it: without control characters (newlines and HTAB kept) and without
    blanks around it; empty when nothing is left (and then not written at all)."""
    if not value:
        return ""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not value.isprintable() and _CONTROL.search(value):  # printable text has no control character
        value = _CONTROL.sub("", value)
    return value.strip()


def param_value(value: str) -> str:
    """A parameter value, quoted when it holds : ; or , (DQUOTE and controls cannot appear in one)."""
    value = _CONTROL.sub("", value.replace('"', "").replace("\n", " ").replace("\r", " "))
    return f'"{value}"' if _PARAM_NEEDS_QUOTES.search(value) else value


def fold(line: str) -> bytes:
    """One content line as UTF-8 with its CRLF; lines over 75 octets folded without splitting a character.

    Every physical line holds at most 75 octets; continuation lines start with a space, which counts.
    """
    return _fold_octets(line.encode("utf-8"))


def _fold_octets(data: bytes) -> bytes:
    size = len(data)
    if size <= MAX_OCTETS:
        return data + CRLF
    parts = []
    start, cut = 0, MAX_OCTETS
    while cut < size:
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: move back to the character's start
            cut -= 1
        parts.append(data[start:cut])
        start, cut = cut, cut + MAX_OCTETS - 1  # the next line's leading space counts
    parts.append(data[start:])
    return b"\r\n ".join(parts) + CRLF


def text_line(name: str, value: str) -> bytes:
    """Writer.text's line, folded, for writers that collect bytes themselves; b"" for a blank value."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # What is escaped and what is removed are ASCII characters, single octets in UTF-8 that are never part of
    # another character: escaping the bytes is twice as fast as escaping the text, and deleting the control
    # octets finds them in the same pass over the bytes (when there were some, they go from the text too).
    data = value.encode().replace(b"\\", b"\\\\").replace(b";", b"\\;").replace(b",", b"\\,").replace(b"\n", b"\\n")
    cleaned = data.translate(None, _CONTROL_OCTETS)
    if len(cleaned) != len(data):
        value, data = _CONTROL.sub("", value), cleaned
    # Escaped, a value is blank only if it held nothing but whitespace other than line breaks.
    if not value or (value.isspace() and "\n" not in value):
        return b""
    return _fold_octets(b"%s:%s" % (name.encode(), data))


def _basic(moment: datetime) -> str:
    # '20261122T113424': %-formatting the fields takes less than half as long as slicing isoformat() or
    # strftime(), and less than an f-string with format specifiers (which UP031 would have).
    return "%04d%02d%02dT%02d%02d%02d" % (  # noqa: UP031
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def utc_stamp(moment: datetime) -> str:
    """'20261122T043424Z'."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031  (as in _basic)
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def local_stamp(moment: datetime, zone: ZoneInfo) -> str:
    """'20261122T113424' (to be written with TZID)."""
    return _basic(moment.astimezone(zone))


class Writer:
    """Collects content lines; `property()` writes one, `text()` one with a TEXT value."""

    __slots__ = ("_chunks", "raw")

    def __init__(self):
        self._chunks: list[bytes] = []
        # raw(data): already-serialised content lines (CRLF-terminated), e.g. a VTIMEZONE; the list's own
        # append, as a feed makes some ten of these calls per event.
        self.raw = self._chunks.append

    def line(self, line: str) -> None:
        self._chunks.append(fold(line))

    def property(self, name: str, value: str, params: dict[str, str] | None = None) -> None:
        """A content line; none at all for a blank value (strict clients refuse an empty property)."""
        if not value or value.isspace():
            return
        if params:
            name += "".join(f";{key}={param_value(val)}" for key, val in params.items())
        self._chunks.append(fold(f"{name}:{value}"))

    def text(self, name: str, value: str, params: dict[str, str] | None = None) -> None:
        self.property(name, escape_text(value), params)

    def local_time(self, name: str, moment: datetime, zone: ZoneInfo) -> None:
        self._chunks.append(fold(f"{name};TZID={zone.key}:{local_stamp(moment, zone)}"))

    def utc_time(self, name: str, moment: datetime) -> None:
        self._chunks.append(fold(f"{name}:{utc_stamp(moment)}"))

    def to_bytes(self) -> bytes:
        return b"".join(self._chunks)


@lru_cache(maxsize=8)
def vtimezone(zone_name: str) -> bytes:
    """The VTIMEZONE of `zone_name`, generated by icalendar from the tz database (same bytes in every process).

    icalendar adds a COMMENT on the years it covers; clients would show it nowhere, so it is dropped.
    """
    component = Timezone.from_tzid(zone_name, first_date=date(2000, 1, 1), last_date=date(2100, 1, 1))
    component.pop("COMMENT", None)
    return component.to_ical()


def normalise_rrule(rrule: str, starts: list[datetime]) -> str:
    """The series' rule as written in a feed whose DTSTART has a TZID.

    RFC 5545 wants UNTIL in UTC when DTSTART has a TZID, and parsers read a date or a floating UNTIL
    differently; the rule is rewritten with UNTIL = the UTC start of the last occurrence the office
    materialised (`starts`), so that every client expands exactly the same occurrences.
    """
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    recur = vRecur.from_ical(text)
    if "UNTIL" in recur and starts:
        recur["UNTIL"] = [starts[-1].astimezone(UTC)]
    return recur.to_ical().decode("ascii")

