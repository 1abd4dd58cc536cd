"""The iCalendar writer: UTF-8, 75-octet folding that never splits a character, CRLF, escaping."""

import random
from datetime import timedelta

import pytest
from icalendar import Calendar

from meetingsvc.feeds.ics import Writer, escape_text, fold, normalise_rrule
from tests.feeds.helpers import build

VIETNAMESE = "Họp bàn giải pháp thúc đẩy giải ngân vốn đầu tư công – Sở Kế hoạch và Đầu tư; Ủy ban nhân dân phường Đống Đa, Ấp Ổ Ẵ ỹ Ỵ ữ 😀 "


def _physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert all(b"\r" not in line and b"\n" not in line for line in lines), "bare CR or LF"
    return lines


def _check_folding(data: bytes) -> None:
    for number, line in enumerate(_physical_lines(data)):
        assert len(line) <= 75, f"line {number} has {len(line)} octets"
        line.decode("utf-8")  # raises if a character was split across lines


@pytest.mark.parametrize("seed", range(30))
def test_folding_never_splits_a_character_and_round_trips(seed):
    rng = random.Random(seed)
    text = "".join(rng.choice(VIETNAMESE) for _ in range(rng.randint(1, 600)))
    data = fold("SUMMARY:" + escape_text(text))
    _check_folding(data)
    unfolded = data[:-2].replace(b"\r\n ", b"").decode("utf-8")
    assert unfolded == "SUMMARY:" + escape_text(text)
    parsed = Calendar.from_ical(b"BEGIN:VEVENT\r\n" + data + b"END:VEVENT\r\n")
    assert str(parsed["SUMMARY"]) == text


def test_folding_uses_all_75_octets_and_a_leading_space():
    data = fold("X:" + "a" * 200)
    lines = _physical_lines(data)
    assert len(lines[0]) == 75 and all(len(line) == 75 for line in lines[1:-1])
    assert all(line.startswith(b" ") for line in lines[1:])


def test_a_three_byte_character_at_the_boundary_moves_to_the_next_line():
    data = fold("X:" + "a" * 72 + "ệ" + "b")  # 'ệ' is 3 octets: 74..76 would cross the limit
    first, second = _physical_lines(data)
    assert first == b"X:" + b"a" * 72 and second == " ệb".encode()


def test_short_lines_are_not_folded():
    assert fold("X:" + "a" * 73) == b"X:" + b"a" * 73 + b"\r\n"


def test_text_escaping():
    assert escape_text("a\\b;c,d\ne\r\nf\rg\x00h\ti") == "a\\\\b\\;c\\,d\\ne\\nf\\ng" + "h\ti"


def test_parameters_are_quoted_when_needed():
    w = Writer()
    w.property("ORGANIZER", "mailto:a@b.vn", {"CN": 'Phó Chủ tịch: Nguyễn "Văn" A, UBND'})
    assert w.to_bytes().decode() == 'ORGANIZER;CN="Phó Chủ tịch: Nguyễn Văn A, UBND":mailto:a@b.vn\r\n'


def test_rrule_until_becomes_utc_of_the_last_occurrence():
    from datetime import UTC, datetime

    last = datetime(2026, 12, 28, 1, 0, tzinfo=UTC)
    assert normalise_rrule("RRULE:FREQ=WEEKLY;UNTIL=20261231", [last - timedelta(days=7), last]) == \
        "FREQ=WEEKLY;UNTIL=20261228T010000Z"
    assert normalise_rrule("FREQ=DAILY;COUNT=3;BYDAY=MO,TU", []) == "FREQ=DAILY;COUNT=3;BYDAY=MO,TU"


def test_every_feed_is_utf8_crlf_and_folded_byte_wise(feed_world):
    w = feed_world
    w.plain.title = "Hội nghị " + "triển khai Nghị quyết số 15-NQ/TU về phát triển Thủ đô; " * 6
    w.plain.agenda = "Điều chỉnh, bổ sung; " * 40
    from meetingsvc.extensions import db

    db.session.commit()
    for kind, user, subject in (("leader", w.admin, w.a.id), ("all", w.viewer, None), ("public", None, None)):
        data = build(kind, user, subject)
        _check_folding(data)
        assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
        assert not data.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    text = build("leader", w.admin, w.a.id)
    assert str(Calendar.from_ical(text).walk("VEVENT")[0]["SUMMARY"]) == w.plain.title


def test_no_property_is_ever_empty_even_when_stored_text_is_only_control_characters(feed_world, create_meeting):
    """Outlook refuses a calendar with an empty property: text that holds nothing once control characters and
    blanks are gone is left out (a title, a place, an agenda, a reason), never written as NAME: with no value."""
    import re

    w = feed_world
    create_meeting(chair_id=w.a.id, room_id=None, location="\x01\x02 ", agenda="\x0b\n \x0c", title="\x0b",
                   status="postponed", status_reason="\x02 ", classification="public", day=w.monday,
                   start="17:00", end="18:00")
    create_meeting(chair_id=w.a.id, title=" \x0b", location="\x7f", classification="public", day=w.monday,
                   start="18:00", end="19:00")
    for kind, user, subject in (("leader", w.admin, w.a.id), ("public", None, None)):
        text = build(kind, user, subject).decode().replace("\r\n ", "")
        empty = [line for line in text.split("\r\n") if line and re.fullmatch(r"[A-Z-]+(;[^:]*)?:\s*", line)]
        assert not empty, empty
        event = next(e for e in text.split("BEGIN:VEVENT") if "20261" in e and "T170000" in e and "CANCELLED" not in e)
        assert "\\n\\n" not in event and not re.search(r":\\n(\\n|$|\r)", event)
        assert "Nội dung:" not in event and "Lý do:" not in event
