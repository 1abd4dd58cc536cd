import pytest

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
    assert page.locator(".reports-copied").first.is_visible()
    with page.expect_download() as download:
        page.click("a[data-download][href*='export.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.wait_for_selector("#reports-busy", state="hidden")
