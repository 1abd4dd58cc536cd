"""The public week page in a browser: its date picker reads as one control."""

import pytest

from meetingsvc.meetings import schedule
from tests.helpers import next_weekday

pytestmark = pytest.mark.browser


def test_the_week_picker_keeps_the_date_and_show_on_one_line(page, db, create_user, create_meeting):
    monday = next_weekday(0, weeks_ahead=7)
    create_meeting(title="Tiếp công dân định kỳ", day=monday, classification="public")
    schedule.publish_week(monday, create_user(role="secretary"))
    db.session.commit()
    page.goto(f"/schedule/public?date={monday.isoformat()}")
    date_box = page.locator(".week-nav input[name=date]").bounding_box()
    show_box = page.locator(".week-nav button[type=submit]").bounding_box()
    assert abs((show_box["y"] + show_box["height"] / 2) - (date_box["y"] + date_box["height"] / 2)) < 4
    assert show_box["x"] > date_box["x"] + date_box["width"]
    page.fill(".week-nav input[name=date]", monday.strftime("%d/%m/%Y"))
    page.click(".week-nav button[type=submit]")
    assert "Tiếp công dân định kỳ" in page.locator("table.schedule-table").inner_text()
