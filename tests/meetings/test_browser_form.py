"""The booking form in Chromium: pick attendees through the autocomplete (typed without accents), book."""

import re

import pytest
import sqlalchemy as sa

from meetingsvc.meetings.models import Meeting
from tests.helpers import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_attendees_are_picked_by_name_without_accents_and_booked(db, page, create_user, create_person,
                                                                 create_unit, booking, day):
    person = create_person(full_name="Nguyễn Thị Hường")
    unit = create_unit(name="Sở Tài nguyên và Môi trường")
    user = create_user(role="secretary")
    browser_login(page, user)
    page.goto("/meetings/new")
    page.fill("#title", "Họp về quy hoạch")
    page.fill("#date", day.isoformat())
    page.fill("#start", "8h30")
    page.fill("#end", "10:00")
    page.select_option("#chair_id", str(booking.leader.id))
    page.select_option("#room_id", str(booking.room.id))
    page.fill("#attendee_person_ids-search", "huong")
    page.click(".lookup[data-name=attendee_person_ids] .suggestions li:has-text('Nguyễn Thị Hường')")
    page.fill("#attendee_unit_ids-search", "tai nguyen")
    page.keyboard.press("Enter")  # before the suggestions arrive: must not submit the form
    page.wait_for_selector(".lookup[data-name=attendee_unit_ids] .suggestions li")
    page.keyboard.press("Enter")
    page.fill("#preparing_unit_id-search", "moi truong")
    page.click(".lookup[data-name=preparing_unit_id] .suggestions li >> nth=0")
    screenshot(page, "booking-form")
    page.click("#save")
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    db.session.rollback()  # end the test's read transaction to see what the server wrote
    meeting = db.session.scalars(sa.select(Meeting)).one()
    assert meeting.preparing_unit_id == unit.id
    assert {a.person_id for a in meeting.attendees if a.person_id} == {person.id}
    assert {a.unit_id for a in meeting.attendees if a.unit_id} == {unit.id}
    assert "Nguyễn Thị Hường" in page.content()


def test_a_saved_group_is_invited_from_the_unit_lookup(db, page, create_user, create_unit, booking, day):
    from meetingsvc.directory.models import UnitGroup

    finance, trade = create_unit(name="Sở Tài chính"), create_unit(name="Sở Công Thương")
    db.session.add(UnitGroup(name="Các sở khối kinh tế", units=[finance, trade]))
    db.session.commit()
    browser_login(page, create_user(role="secretary"))
    page.goto("/meetings/new")
    page.fill("#title", "Họp bàn giải ngân vốn đầu tư công")
    page.fill("#date", f"{day:%d/%m/%Y}")
    page.fill("#start", "14:00")
    page.fill("#end", "16:00")
    page.select_option("#chair_id", str(booking.leader.id))
    page.fill("#attendee_unit_ids-search", "khoi kinh te")
    page.click(".lookup[data-name=attendee_unit_ids] .suggestions li:has-text('Nhóm: Các sở khối kinh tế')")
    chips = page.locator("#attendee_unit_ids-chips li")
    assert chips.count() == 2
    page.click("#save")
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    db.session.rollback()
    meeting = db.session.scalars(sa.select(Meeting)).one()
    assert {a.unit_id for a in meeting.attendees} == {finance.id, trade.id}
