"""Bad input gets a clear error per field and writes nothing."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.errors import ValidationError
from meetingsvc.meetings import services
from meetingsvc.meetings.models import Meeting


def _refused(db, data, user):
    with pytest.raises(ValidationError) as refused:
        services.create_meeting(data, user, accept_warnings=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0
    return refused.value.fields


@pytest.mark.parametrize("overrides,field", [
    ({"end": "08:00"}, "end"),
    ({"end": "07:00"}, "end"),
    ({"start": "25:00"}, "start"),
    ({"start": "abc"}, "start"),
    ({"date": "31/02/2027"}, "date"),
    ({"date": "tomorrow"}, "date"),
    ({"date": ""}, "date"),
    ({"start": "", "end": ""}, "start"),
    ({"end": ""}, "end"),
    ({"title": ""}, "title"),
    ({"title": "x" * 501}, "title"),
    ({"agenda": "x" * 20001}, "agenda"),
    ({"location": "x" * 301}, "location"),
    ({"kind": "party"}, "kind"),
    ({"mode": "telepathy"}, "mode"),
    ({"classification": "very_secret"}, "classification"),
    ({"status": "cancelled"}, "status"),
    ({"day_part": "night", "start": "", "end": ""}, "day_part"),
    ({"room_id": 999999}, "room_id"),
    ({"room_id": "abc"}, "room_id"),
    ({"chair_id": 999999}, "chair_id"),
    ({"preparing_unit_id": 999999}, "preparing_unit_id"),
    ({"attendee_person_ids": [999999]}, "attendee_person_ids"),
    ({"attendee_unit_ids": [999999]}, "attendee_unit_ids"),
    ({"co_chair_ids": "x,y"}, "co_chair_ids"),
    ({"start_at": "2027-01-05T08:00:00+07:00"}, "end_at"),
    ({"start_at": "not a time", "end_at": "2027-01-05T10:00:00+07:00"}, "start_at"),
    ({"repeat": {"freq": "weekly"}}, "repeat_until"),
    ({"repeat": {"freq": "yearly", "count": 3}}, "repeat_freq"),
    ({"repeat": {"rrule": "FREQ=DAILY"}}, "repeat"),
    ({"repeat": {"rrule": "FREQ=DAILY;COUNT=1000"}}, "repeat"),
])
def test_bad_input_names_the_field_and_writes_nothing(db, booking, secretary, overrides, field):
    fields = _refused(db, booking(**overrides), secretary)
    assert field in fields, fields
    assert fields[field]


def test_a_duration_over_the_maximum_is_refused(db, booking, secretary, app, day):
    end_day = day + timedelta(days=app.config["MAX_MEETING_HOURS"] // 24 + 1)
    fields = _refused(db, booking(end_date=end_day.isoformat()), secretary)
    assert "end" in fields


def test_an_inactive_room_is_refused(db, booking, secretary, create_room):
    room = create_room(is_active=False)
    assert "room_id" in _refused(db, booking(room_id=room.id), secretary)


def test_a_room_that_cannot_be_booked_is_refused(db, booking, secretary, create_room):
    room = create_room(is_bookable=False)
    assert "room_id" in _refused(db, booking(room_id=room.id), secretary)


def test_every_bad_field_is_reported_at_once(db, booking, secretary):
    fields = _refused(db, booking(title="", kind="x", end="07:00", room_id=424242), secretary)
    assert {"title", "kind", "end", "room_id"} <= set(fields)


def test_a_bad_edit_changes_nothing(db, booking, secretary):
    meeting = services.create_meeting(booking(), secretary)
    with pytest.raises(ValidationError):
        services.update_meeting(meeting, {"title": "", "end": "07:00"}, secretary)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title == booking()["title"]


def test_iso_instants_with_an_offset_or_without_are_accepted(db, booking, secretary):
    from datetime import UTC, datetime

    meeting = services.create_meeting(booking(date=None, start=None, end=None,
                                              start_at="2027-01-05T08:30:00+07:00",
                                              end_at="2027-01-05T03:30:00Z"), secretary, accept_warnings=True)
    assert meeting.start_at == datetime(2027, 1, 5, 1, 30, tzinfo=UTC)
    assert meeting.end_at == datetime(2027, 1, 5, 3, 30, tzinfo=UTC)
    assert meeting.day_part == "morning"
    naive = services.create_meeting(booking(date=None, start=None, end=None, room_id=None, chair_id=None,
                                            start_at="2027-01-05T14:00", end_at="2027-01-05T15:00"),
                                    secretary, accept_warnings=True)
    assert naive.start_at == datetime(2027, 1, 5, 7, 0, tzinfo=UTC)


def test_the_same_time_as_start_and_end_is_refused(db, booking, secretary):
    fields = _refused(db, booking(date=None, start=None, end=None, start_at="2027-01-05T08:30:00+07:00",
                                  end_at="2027-01-05T01:30:00Z"), secretary)
    assert "end_at" in fields


@pytest.mark.parametrize("field", ["title", "agenda", "location", "notes", "counterpart"])
def test_a_nul_character_in_any_text_is_refused_naming_the_field(db, booking, secretary, field):
    fields = _refused(db, booking(**{field: "Họp\x00 về dự án"}), secretary)
    assert field in fields and "NUL" in fields[field]


@pytest.mark.parametrize("field, text", [("title", "Ctl\x0btitle"), ("location", "\x01\x02"), ("agenda", "\x0b"),
                                         ("notes", "a\x7fb"), ("counterpart", "Đoàn\x1b")])
def test_a_control_character_in_any_text_is_refused_naming_the_field(db, booking, secretary, field, text):
    fields = _refused(db, booking(**{field: text}), secretary)
    assert field in fields and "U+" in fields[field]


def test_tabs_and_line_breaks_are_text(db, booking, secretary):
    from meetingsvc.meetings import services

    meeting = services.create_meeting(booking(agenda="1. Báo cáo\r\n\t2. Thảo luận\n"), secretary,
                                      accept_warnings=True)
    assert meeting.agenda.startswith("1. Báo cáo")


@pytest.mark.parametrize("overrides,field", [
    ({"date": "9999-12-31"}, "date"),
    ({"date": "0001-01-01"}, "date"),
    ({"date": "31/12/9999"}, "date"),
    ({"end_date": "9999-12-31"}, "end_date"),
    ({"date": "1999-12-31"}, "date"),
    ({"date": None, "start": None, "end": None, "start_at": "9999-12-31T23:00:00-05:00",
      "end_at": "9999-12-31T23:30:00-05:00"}, "start_at"),
    ({"date": None, "start": None, "end": None, "start_at": "0001-01-01T00:00:00+07:00",
      "end_at": "0001-01-01T01:00:00+07:00"}, "start_at"),
    ({"date": None, "start": None, "end": None, "start_at": "2027-01-05T08:00:00+07:00",
      "end_at": "9999-12-31T10:00:00+07:00"}, "end_at"),
    ({"repeat": {"freq": "weekly", "until": "9999-12-31"}}, "repeat_until"),
    ({"repeat": {"rrule": "FREQ=YEARLY;INTERVAL=5000;COUNT=3"}}, "repeat"),
    ({"invitation_sent_at": "0001-01-01T00:00:00+07:00"}, "invitation_sent_at"),
])
def test_extreme_dates_are_refused_clearly(db, booking, secretary, overrides, field):
    fields = _refused(db, booking(**overrides), secretary)
    assert field in fields, fields


def test_bookings_are_bounded_by_a_setting(db, app, booking, secretary):
    from datetime import date

    from meetingsvc.core.time import local_today

    today = local_today()
    too_far = date(today.year + 10, today.month, min(today.day, 28)) + timedelta(days=1)
    fields = _refused(db, booking(date=too_far.isoformat()), secretary)
    assert "01/01/2000" in fields["date"]
    app.config["BOOKING_YEARS_AHEAD"] = 20
    try:
        assert services.create_meeting(booking(date=too_far.isoformat()), secretary, accept_warnings=True).id
    finally:
        app.config["BOOKING_YEARS_AHEAD"] = 10


def test_a_repeating_series_may_not_run_past_the_bound(db, app, booking, secretary, day):
    app.config["BOOKING_YEARS_AHEAD"] = 0
    try:
        fields = _refused(db, booking(date=(day - timedelta(days=28)).isoformat(),
                                      repeat={"freq": "weekly", "count": 30}), secretary)
    finally:
        app.config["BOOKING_YEARS_AHEAD"] = 10
    assert "repeat" in fields, fields


@pytest.mark.parametrize("value", [1.7, True, -3, 2**31, "1e3"])
def test_ids_must_be_whole_positive_numbers(db, booking, secretary, value):
    assert "chair_id" in _refused(db, booking(chair_id=value), secretary)


def test_a_list_of_unknown_ids_is_named_in_a_bounded_message(db, booking, secretary):
    fields = _refused(db, booking(attendee_person_ids=list(range(1_000_000, 1_001_500))), secretary)
    message = fields["attendee_person_ids"]
    assert "1000000" in message and "1.495" in message, message  # Vietnamese digit grouping
    assert len(message) < 200
    fields = _refused(db, booking(attendee_person_ids=list(range(1_000_000, 1_099_999))), secretary)
    assert len(fields["attendee_person_ids"]) < 200


def test_repeat_rule_errors_are_sentences_not_exception_text(db, booking, secretary):
    for rule in ("FREQ=WEEKLY;BYDAY", "FREQ=DAILY", "FREQ=DAILY;COUNT=1000", "BYDAY=MO;COUNT=2;FREQ"):
        message = _refused(db, booking(repeat={"rrule": rule}), secretary)["repeat"]
        assert "unpack" not in message and "occurrences" not in message and "rrule" not in message.lower(), message
