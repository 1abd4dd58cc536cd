import pytest
from playwright.sync_api import expect

from tests.helpers import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_report_page_chart_copy_and_export_indicator(page, create_user, dataset):
    user = create_user(role="secretary")
    browser_login(page, user)
    page.goto("/reports/?period=year&year=2022")
    assert page.locator("svg.reports-chart").is_visible()
    assert page.locator("[data-figure='held:current']").inner_text() == "14"
    screenshot(page, "reports-year")
    page.click("[data-copy='reports-text-vi']")
    # The clipboard answers asynchronously: wait for the note rather than look at once.
    expect(page.locator(".reports-copied").first).to_be_visible()
    with page.expect_download() as download:
        page.click("a[data-download][href*='export.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.wait_for_selector("#reports-busy", state="hidden")
