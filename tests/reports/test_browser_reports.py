import re

import pytest
from playwright.sync_api import expect

from tests.helpers import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_report_page_chart_copy_and_export_indicator(page, create_user, dataset):
    user = create_user(role="secretary", clearance="tuyet_mat")
    browser_login(page, user)
    page.goto("/reports/?period=year&year=2022")
    assert page.locator("svg.reports-chart").is_visible()
    assert page.locator("[data-figure='held:current']").first.inner_text() == "14"
    screenshot(page, "reports-year")
    page.click("[data-copy='reports-text-vi']")
    # The clipboard answers asynchronously: wait for the note rather than look at once.
    expect(page.locator(".reports-copied").first).to_be_visible()
    with page.expect_download() as download:
        page.click("a[data-download][href*='export.xlsx']")
    assert download.value.suggested_filename.startswith("bao-cao-hop_nam-2022_")
    assert download.value.suggested_filename.endswith(".xlsx")
    expect(page.locator("#reports-busy")).to_be_hidden()


def test_a_failed_export_stops_the_indicator_and_says_so(page, create_user, dataset):
    browser_login(page, create_user(role="viewer"))
    page.goto("/reports/?period=year&year=2022")
    page.route("**/reports/export.xlsx*", lambda route: route.fulfill(status=500, body="boom"))
    page.click("a[data-download][href*='export.xlsx']")
    expect(page.locator("#reports-export-error")).to_be_visible()
    expect(page.locator("#reports-export-error")).to_contain_text("lỗi 500")
    expect(page.locator("#reports-busy")).to_be_hidden()


def test_period_fields_show_for_the_kinds_that_use_them(page, create_user, dataset):
    browser_login(page, create_user(role="viewer"))
    page.goto("/reports/?period=year&year=2022")
    expect(page.locator("#quarter")).to_be_hidden()
    expect(page.locator("#month")).to_be_hidden()
    expect(page.locator("#from")).to_be_hidden()
    page.select_option("#period", "quarter")
    expect(page.locator("#quarter")).to_be_visible()
    expect(page.locator("#month")).to_be_hidden()
    page.select_option("#quarter", "2")
    page.click("#reports-form button[type=submit]")
    page.wait_for_url("**period=quarter**")
    assert "from=" not in page.url  # the hidden dates are not sent
    expect(page.locator("h1")).to_have_text("Báo cáo cuộc họp: Quý II/2022")
    page.select_option("#period", "range")
    expect(page.locator("#from")).to_be_visible()
    expect(page.locator("#year")).to_be_hidden()


def test_print_shows_the_whole_text(page, create_user, dataset):
    browser_login(page, create_user(role="secretary", clearance="tuyet_mat"))
    page.goto("/reports/?period=year&year=2022")
    page.emulate_media(media="print")
    expect(page.locator("#reports-text-vi")).to_be_hidden()
    printed = page.locator(".reports-print-text[lang=vi]")
    expect(printed).to_be_visible()
    assert printed.inner_text().endswith("(không cộng vào số trên).")
    screenshot(page, "reports-print")


def test_a_long_meeting_list_export_shows_how_many_meetings_have_arrived(page, create_user, dataset):
    browser_login(page, create_user(role="secretary", clearance="tuyet_mat"))
    page.goto("/reports/?period=year&year=2022")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    # a slow line: the streamed CSV (14 meetings, about 3 KB) arrives over several seconds
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": 500,
                                                  "uploadThroughput": -1})
    with page.expect_download(timeout=30000) as download:
        page.click("a[data-download][href*='meetings.csv']")
        expect(page.locator("#reports-busy")).to_be_visible()
        page.wait_for_function("""() => {
            const bar = document.getElementById('reports-progress');
            const text = document.getElementById('reports-progress-text').textContent;
            return bar.hasAttribute('value') && bar.max === 14 && bar.value > 0 && bar.value < 14
                && text === 'đã nhận ' + bar.value + '/14 cuộc họp';
        }""", timeout=20000)
        screenshot(page, "reports-export-progress")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    assert download.value.suggested_filename.startswith("danh-sach-hop_nam-2022_")
    expect(page.locator("#reports-busy")).to_be_hidden()


def test_an_xlsx_export_shows_the_time_it_takes(page, create_user, dataset):
    browser_login(page, create_user(role="viewer"))
    page.goto("/reports/?period=year&year=2022")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": 2000,
                                                  "uploadThroughput": -1})
    with page.expect_download(timeout=30000):
        page.click("a[data-download][href*='export.xlsx']")
        expect(page.locator("#reports-progress-text")).to_have_text(re.compile(r"^[1-9]\d* giây$"), timeout=10000)
        assert page.locator("#reports-progress").get_attribute("value") is None  # a running bar, no made-up figure
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    expect(page.locator("#reports-busy")).to_be_hidden()
