"""Issue 3 in a real browser: a secretary books a meeting, finds it in the week and room views, is refused a
clashing booking that names the first meeting, and prints the week (the print stylesheet applies)."""

import re

import pytest
import sqlalchemy as sa

from meetingsvc.meetings.models import Meeting
from tests.helpers import browser_login, next_weekday, screenshot

pytestmark = pytest.mark.browser

TITLE = "Họp bàn phương án chống ngập mùa mưa 2027"


def _book(page, *, title, day, start, end, chair_id, room_id, unit_search=None):
    page.goto("/meetings/new")
    page.fill("#title", title)
    page.fill("#date", day.isoformat())
    page.fill("#start", start)
    page.fill("#end", end)
    if chair_id:
        page.select_option("#chair_id", str(chair_id))
    page.select_option("#room_id", str(room_id))
    if unit_search:
        page.fill("#attendee_unit_ids-search", unit_search)
        page.locator("#attendee_unit_ids-search ~ .suggestions li").first.click()
        assert page.locator("#attendee_unit_ids-chips li").count() == 1
    page.click("#save")
    page.wait_for_load_state()
    if page.locator("#warnings").count() and not page.locator("#refusal").count():
        # Warnings (e.g. the invitation lead time) are the secretary's to accept; a refusal is not.
        page.check("#accept_warnings")
        page.click("#save")
        page.wait_for_load_state()


def test_secretary_books_finds_the_meeting_is_refused_a_clash_and_prints_the_week(
        page, db, create_user, create_leader, create_room, create_unit):
    day = next_weekday(1, weeks_ahead=3)  # a Tuesday far enough ahead for the invitation lead time
    chair = create_leader(full_name="Nguyễn Mạnh Quyền", title="Phó Chủ tịch UBND Thành phố")
    other_chair = create_leader(full_name="Vũ Thu Hà", title="Phó Chủ tịch UBND Thành phố")
    create_room(name="Phòng họp tầng 2")
    room = create_room(name="Phòng họp số 3", building="Trụ sở UBND")
    create_unit(name="Sở Xây dựng Hà Nội")
    secretary = create_user(role="secretary")
    browser_login(page, secretary)

    # 1. Book through the form.
    _book(page, title=TITLE, day=day, start="08:30", end="10:00", chair_id=chair.id, room_id=room.id,
          unit_search="xay dung")
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    db.session.commit()  # end the test's read snapshot to see what the server wrote
    booked = db.session.scalar(sa.select(Meeting).where(Meeting.title == TITLE))
    assert booked is not None and booked.room_id == room.id and booked.chair_id == chair.id

    # 2. It is in the week's schedule, on its day, in the morning, with its chair, room and attendees.
    page.goto(f"/meetings/week?date={day.isoformat()}")
    row = page.locator(f'tbody[data-day="{day.isoformat()}"] tr.entry[data-meeting-id="{booked.id}"]')
    assert row.count() == 1
    text = row.inner_text()
    for expected in (TITLE, "08:30–10:00", "Nguyễn Mạnh Quyền", "Phòng họp số 3", "Sở Xây dựng Hà Nội"):
        assert expected in text, expected
    screenshot(page, "schedule-week")

    # 3. It is in the room view, as a block in its room's column.
    page.goto(f"/meetings/rooms?date={day.isoformat()}")
    block = page.locator(f'.room-block[data-meeting-id="{booked.id}"]')
    assert TITLE in block.inner_text()
    head = page.locator(".room-head", has_text="Phòng họp số 3").bounding_box()
    box = block.bounding_box()
    assert head["x"] <= box["x"] + 4 and box["x"] + box["width"] <= head["x"] + head["width"] + 4
    assert box["y"] > head["y"] + head["height"]
    screenshot(page, "schedule-rooms")

    # 4. A clashing booking (same room, overlapping time) is refused, naming the first meeting.
    _book(page, title="Họp trùng phòng", day=day, start="09:00", end="11:00", chair_id=other_chair.id,
          room_id=room.id)
    refusal = page.locator("#refusal")
    assert refusal.is_visible()
    assert TITLE in refusal.inner_text()
    assert refusal.locator(f'a[href$="/meetings/{booked.id}"]').count() == 1
    assert page.input_value("#title") == "Họp trùng phòng"  # what was typed is kept
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(
        Meeting.title == "Họp trùng phòng")) == 0
    screenshot(page, "schedule-clash-refused")

    # 5. Print the week: the print stylesheet hides the navigation and controls and shows the office header,
    #    and the page is A4 landscape.
    page.goto(f"/meetings/week?date={day.isoformat()}")
    assert page.locator("header.topbar").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible()
    assert not page.locator(".schedule-controls").is_visible()
    assert page.locator(".print-header").is_visible()
    assert page.locator(".print-header").inner_text().strip() != ""
    assert page.locator(f'tr.entry[data-meeting-id="{booked.id}"]').is_visible()
    screenshot(page, "schedule-week-print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    width, height = map(float, re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups())
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points, from @page in the stylesheet


def test_publishing_asks_first_and_a_second_publication_without_change_is_refused(page, db, create_user,
                                                                                  create_meeting):
    from meetingsvc.meetings import schedule

    monday = next_weekday(0, weeks_ahead=5)
    create_meeting(title="Giao ban tuần", day=monday)
    browser_login(page, create_user(role="secretary"))
    page.goto(f"/meetings/week?date={monday.isoformat()}")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("#publish")
    page.wait_for_timeout(300)
    assert asked and "Phát hành bản chính thức" in asked[0]
    db.session.commit()
    assert schedule.latest_revision(monday) is None  # dismissed: nothing published
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish")
    page.wait_for_url(re.compile(r"version=published"))
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish")
    page.wait_for_url(re.compile(r"version=draft"))
    assert "Không có thay đổi nào" in page.locator(".flash-warning").inner_text()
    db.session.commit()
    assert [r.revision for r in schedule.revisions_of(monday)] == [0]
