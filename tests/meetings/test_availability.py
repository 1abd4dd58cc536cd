"""The free-slot finder: earliest free times for all leaders and a room, in working hours, on working days."""

import re
from datetime import timedelta
from html import unescape

import pytest

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import to_local
from meetingsvc.core.workdays import CalendarDay
from meetingsvc.meetings.availability import find_slots
from tests.meetings.conftest import clear_day

HOUR = timedelta(hours=1)


def _hm(slot):
    return to_local(slot.start_at).strftime("%H:%M"), to_local(slot.end_at).strftime("%H:%M")


def test_the_earliest_slot_free_for_every_leader(db, create_leader, create_meeting, day):
    a, b = create_leader(), create_leader()
    create_meeting(chair_id=a.id, day=day, start="07:30", end="09:00")
    create_meeting(co_chairs=[b], day=day, start="08:30", end="10:15")
    create_meeting(attending=[b], day=day, start="11:00", end="12:00")
    slots = find_slots([a.id, b.id], HOUR, day, day)
    # 12:00-13:00 is free for both, but it is the lunch break (default working hours 07:30-11:30,13:30-17:00)
    assert [_hm(s) for s in slots] == [("13:30", "14:30")]
    assert to_local(slots[0].free_until).strftime("%H:%M") == "17:00"
    slots = find_slots([a.id, b.id], timedelta(minutes=45), day, day)
    assert _hm(slots[0]) == ("10:15", "11:00")


def test_cancelled_meetings_do_not_make_anyone_busy(db, create_leader, create_meeting, day):
    a = create_leader()
    create_meeting(chair_id=a.id, day=day, start="07:30", end="17:00", status="cancelled")
    assert _hm(find_slots([a.id], HOUR, day, day)[0]) == ("07:30", "08:30")


def test_weekends_and_days_off_are_skipped(db, create_leader):
    a = create_leader()
    monday = clear_day(weekday=0, weeks_ahead=5)
    db.session.add(CalendarDay(day=monday, is_working_day=False, name="Nghỉ bù"))
    db.session.commit()
    saturday = monday - timedelta(days=2)
    slots = find_slots([a.id], HOUR, saturday, monday + timedelta(days=1))
    assert {to_local(s.start_at).date() for s in slots} == {monday + timedelta(days=1)}


def test_a_room_must_be_free_too(db, create_leader, create_room, create_meeting, day):
    a, room = create_leader(), create_room()
    create_meeting(room_id=room.id, day=day, start="07:30", end="15:00")
    slots = find_slots([a.id], HOUR, day, day, room_id=room.id)
    assert [_hm(s) for s in slots] == [("15:00", "16:00")] and slots[0].room.id == room.id


def test_minimum_capacity_picks_the_smallest_free_room_that_fits(db, create_room, create_meeting, day):
    create_room(name="Nhỏ", capacity=10)
    busy_hall = create_room(name="Vừa", capacity=60)
    create_room(name="Lớn", capacity=300)
    create_meeting(room_id=busy_hall.id, day=day, start="07:30", end="12:00")
    slots = find_slots([], HOUR, day, day, min_capacity=50)
    assert (slots[0].room.name, _hm(slots[0])) == ("Lớn", ("07:30", "08:30"))
    assert any(s.room.name == "Vừa" and _hm(s) == ("13:30", "14:30") for s in slots)


def test_working_hours_are_a_setting(db, app, create_leader, day):
    a = create_leader()
    default = app.config["WORKING_PERIODS"]
    app.config["WORKING_PERIODS"] = "08:00-12:00"
    try:
        slots = find_slots([a.id], 3 * HOUR, day, day)
        assert [_hm(s) for s in slots] == [("08:00", "11:00")]
        with pytest.raises(ValidationError):
            find_slots([a.id], 5 * HOUR, day, day)
    finally:
        app.config["WORKING_PERIODS"] = default


def test_busy_intervals_come_from_one_query(db, create_leader, create_meeting, day, create_room):
    from sqlalchemy import event

    leaders = [create_leader() for _ in range(3)]
    for i, leader in enumerate(leaders):
        create_meeting(chair_id=leader.id, day=day + timedelta(days=i), attending=leaders[:i])
    room = create_room()
    statements = []

    def count(conn, cursor, statement, *args):
        if "meetings" in statement:
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        find_slots([p.id for p in leaders], HOUR, day, day + timedelta(days=10), room_id=room.id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1


@pytest.mark.parametrize("kwargs,field", [({"duration": timedelta(0)}, "duration"),
                                          ({"last": -1}, "last_day"), ({"last": 200}, "last_day"),
                                          ({"leaders": [999999]}, "leader_ids"), ({"leaders": []}, "leader_ids")])
def test_bad_requests_are_refused(db, create_leader, day, kwargs, field):
    leader = create_leader()
    with pytest.raises(ValidationError) as refused:
        find_slots(kwargs.get("leaders", [leader.id]), kwargs.get("duration", HOUR), day,
                   day + timedelta(days=kwargs.get("last", 3)))
    assert field in refused.value.fields


def test_the_page_lists_slots_with_a_booking_link(db, client, login_as, create_leader, day):
    leader = create_leader(full_name="Ngô Thị Mai")
    login_as("secretary")
    html = client.get(f"/meetings/availability?leader_ids={leader.id}&duration=1:30&first_day={day}"
                      f"&last_day={day}").get_data(as_text=True)
    assert 'id="slots"' in html and "07:30–09:00" in html
    assert f"/meetings/new?date={day}" in html and f"chair_id={leader.id}" in html
    bad = client.get(f"/meetings/availability?leader_ids={leader.id}&duration=abc").get_data(as_text=True)
    assert "has-error" in bad


def test_no_slot_crosses_the_lunch_break(db, create_leader, create_meeting, day):
    a = create_leader()
    create_meeting(chair_id=a.id, day=day, start="07:30", end="10:30")
    slots = find_slots([a.id], 2 * HOUR, day, day)
    # 10:30-12:30 would cross the break (11:30-13:30): the first two hours free are after it
    assert [_hm(s) for s in slots] == [("13:30", "15:30")]
    assert [_hm(s) for s in find_slots([a.id], HOUR, day, day)] == [("10:30", "11:30"), ("13:30", "14:30")]
    assert [_hm(s) for s in find_slots([a.id], 4 * HOUR, day, day + timedelta(days=1))][:1] == [("07:30", "11:30")]
    with pytest.raises(ValidationError) as refused:
        find_slots([a.id], 4 * HOUR + timedelta(minutes=30), day, day)  # longer than the longest period (4 h)
    assert "duration" in refused.value.fields


@pytest.mark.parametrize("spec,periods", [("07:30-11:30,13:30-17:00", [("07:30", "11:30"), ("13:30", "17:00")]),
                                          ("8h-17h", [("08:00", "17:00")])])
def test_working_hours_setting_is_parsed(spec, periods):
    from meetingsvc.meetings.availability import parse_working_periods

    assert [(f"{a:%H:%M}", f"{b:%H:%M}") for a, b in parse_working_periods(spec)] == periods


@pytest.mark.parametrize("spec", ["", "07:30", "11:30-07:30", "13:30-17:00,07:30-11:30", "8h-12h,11h-17h"])
def test_a_malformed_working_hours_setting_stops_the_app(spec, monkeypatch, tmp_path):
    from meetingsvc import config

    monkeypatch.setenv("MEETINGSVC_WORKING_HOURS", spec)
    with pytest.raises(ValueError, match="MEETINGSVC_WORKING_HOURS"):
        config.from_environment(str(tmp_path))


def test_rooms_that_cannot_be_booked_are_never_offered(db, create_room, day):
    create_room(name="Kho", capacity=100, is_bookable=False)
    create_room(name="Đã đóng", capacity=100, is_active=False)
    with pytest.raises(ValidationError) as refused:
        find_slots([], HOUR, day, day, min_capacity=50)
    assert "min_capacity" in refused.value.fields
    create_room(name="Phòng họp", capacity=60)
    assert {s.room.name for s in find_slots([], HOUR, day, day, min_capacity=50)} == {"Phòng họp"}
    closed = create_room(name="Hội trường cũ", capacity=100, is_bookable=False)
    with pytest.raises(ValidationError) as refused:
        find_slots([], HOUR, day, day, room_id=closed.id)
    assert "room_id" in refused.value.fields


@pytest.mark.parametrize("duration", ["0:00", "0", "-1:00", "abc"])
def test_the_page_refuses_a_duration_of_zero_or_less(db, client, login_as, create_leader, day, duration):
    leader = create_leader()
    login_as("secretary")
    html = client.get(f"/meetings/availability?leader_ids={leader.id}&duration={duration}&first_day={day}"
                      f"&last_day={day}").get_data(as_text=True)
    assert 'id="slots"' not in html and "has-error" in html


def test_the_book_link_keeps_every_chosen_leader(db, client, login_as, create_leader, day):
    first, second, third = create_leader(), create_leader(), create_leader()
    login_as("secretary")
    html = client.get(f"/meetings/availability?leader_ids={first.id}&leader_ids={second.id}&leader_ids={third.id}"
                      f"&duration=1:00&first_day={day}&last_day={day}").get_data(as_text=True)
    link = unescape(re.search(r'href="(/meetings/new\?[^"]+)"', html)[1])
    assert f"chair_id={first.id}" in link
    assert f"co_chair_ids={second.id}" in link and f"co_chair_ids={third.id}" in link
    form = client.get(link).get_data(as_text=True)
    assert f'<option selected value="{first.id}">' in form
    checked = set(re.findall(r'<input checked id="co_chair_ids-\d+" name="co_chair_ids" type="checkbox" value="(\d+)"',
                             form))
    assert checked == {str(second.id), str(third.id)}


@pytest.mark.parametrize("query", ["first_day=31/12/9999", "first_day=01/01/0001", "last_day=9999-12-31"])
def test_the_page_refuses_extreme_dates_clearly(db, client, login_as, create_leader, query):
    leader = create_leader()
    login_as("secretary")
    response = client.get(f"/meetings/availability?leader_ids={leader.id}&duration=1:00&{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "has-error" in html and 'id="slots"' not in html, query
