"""Date inputs read and write dd/mm/yyyy whatever the browser's own language, with a calendar beside them."""

import pytest

from tests.helpers import browser_login

pytestmark = pytest.mark.browser


def test_the_week_is_picked_on_the_calendar_and_shown_as_dd_mm_yyyy(page, create_user):
    browser_login(page, create_user(role="viewer"))
    page.goto("/meetings/week?date=2026-11-25")
    assert page.input_value("#date") == "23/11/2026"
    page.click(".date-pick")
    page.click(".flatpickr-calendar.open .flatpickr-day:not(.prevMonthDay):not(.nextMonthDay) >> text='3'")
    assert page.input_value("#date") == "03/11/2026"
    page.click("form.schedule-filters button[type=submit]")
    assert "02/11/2026" in page.locator("h1").inner_text()


def test_a_typed_day_that_does_not_exist_is_kept_and_named(page, create_user):
    browser_login(page, create_user(role="secretary"))
    page.goto("/meetings/new")
    page.fill("#title", "Họp thử ngày sai")
    page.fill("#date", "31/02/2027")
    page.fill("#start", "08:00")
    page.fill("#end", "09:00")
    page.locator("form.booking button[type=submit]").last.click()
    assert page.input_value("#date") == "31/02/2027"
    assert "dd/mm/yyyy" in page.locator(".field.has-error").first.inner_text()
