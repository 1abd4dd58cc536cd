"""In a real browser: a secretary books an online conference, adds every district-level unit as a bridge point,
a technician checks two connections, and after the meeting the actual participants come from an XLSX upload."""

import io
import re

import pytest
from openpyxl import Workbook

from tests.helpers import browser_login, next_weekday, screenshot

pytestmark = pytest.mark.browser

DISTRICTS = ["Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy"]
ACTUALS = [41, 37, 29, 52, 33]


@pytest.fixture
def district_units(create_unit):
    root = create_unit(code="HN", name="Thành phố Hà Nội", kind="city")
    create_unit(code="SNV", name="Sở Nội vụ", kind="department", parent_id=root.id)
    return [create_unit(code=f"Q{i}", name=f"Quận {name}", kind="district", parent_id=root.id, sort_order=i)
            for i, name in enumerate(DISTRICTS, start=1)]


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_online_conference_from_booking_to_participant_totals(page, browser, live_server, create_user,
                                                              district_units):
    secretary = create_user(role="secretary", display_name="Thư ký Lan")
    technician = create_user(role="technician", display_name="Kỹ thuật viên Minh")
    day = next_weekday(2, weeks_ahead=2)

    # The secretary books the conference through the meeting form.
    browser_login(page, secretary)
    page.goto("/meetings/new")
    page.fill("#title", "Hội nghị trực tuyến triển khai nhiệm vụ quý IV")
    page.select_option("#kind", "online_conference")
    page.select_option("#mode", "online")
    page.fill("#date", day.isoformat())
    page.fill("#start", "08:00")
    page.fill("#end", "11:00")
    page.click("#save")
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(page.url.rsplit("/", 1)[1])

    # From the meeting page to its link and bridge points.
    page.click(f"a[href='/online/meetings/{meeting_id}']")
    page.fill("#online_provider", "Hệ thống hội nghị truyền hình của Chính phủ")
    page.fill("#join_url", "javascript:alert(1)")
    page.click("#save-link")
    assert page.locator("#join_url + small.error, .has-error small.error").count() >= 1
    page.fill("#join_url", "https://vhv.hanoi.gov.vn/phong/quy-iv")
    page.fill("#passcode", "468213")
    page.click("#save-link")
    assert "Đã lưu thông tin kết nối trực tuyến" in page.content()

    page.select_option("#bulk-selection", "district")
    page.fill("#planned_participants >> nth=0", "40")
    page.click("#add-many-submit")
    page.wait_for_selector("table.online-points")
    rows = page.locator("table.online-points tbody tr")
    assert rows.count() == len(DISTRICTS)
    assert page.locator("#total-points").first.inner_text() == "5"
    assert page.locator("#total-planned").first.inner_text() == "200"
    screenshot(page, "online-bridge-points-secretary")

    # The technician, in his own session, marks two bridge points as checked.
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15000)
    tech_page = context.new_page()
    try:
        browser_login(tech_page, technician)
        tech_page.goto(f"/online/meetings/{meeting_id}")
        assert tech_page.locator("#add-many").count() == 0  # technicians do not plan bridge points
        for index in (0, 1):
            row = tech_page.locator("table.online-points tbody tr").nth(index)
            row.locator("select[name=connection_status]").select_option("ok")
            row.locator("button[type=submit]").click()
            tech_page.wait_for_load_state()
        badges = tech_page.locator("table.online-points tbody tr .badge.conn")
        assert [badges.nth(i).inner_text() for i in range(5)] == ["Đã kiểm tra tốt"] * 2 + ["Chưa kiểm tra"] * 3
        assert "Kỹ thuật viên Minh" in tech_page.locator("table.online-points tbody tr").nth(0).inner_text()
        screenshot(tech_page, "online-connection-checks-technician")

        # After the meeting: the actual participants from an XLSX file, the whole file or nothing.
        tech_page.goto(f"/online/meetings/{meeting_id}/attendance")
        wrong = _xlsx([["Mã đơn vị", "Số đại biểu thực tế"], ["Q1", 41], ["Q99", 10], ["Q2", -5]])
        tech_page.set_input_files("#file", files=[{"name": "sai.xlsx", "buffer": wrong,
                                                    "mimeType": "application/octet-stream"}])
        tech_page.click("#upload-submit")
        errors = tech_page.locator(".upload-errors").inner_text()
        assert "Dòng 3" in errors and "Q99" in errors and "Dòng 4" in errors
        assert tech_page.locator("#total-actual").inner_text() == "—"
        screenshot(tech_page, "online-upload-refused")

        good = _xlsx([["Mã đơn vị", "Điểm cầu", "Số đại biểu thực tế"]]
                     + [[f"Q{i}", f"Quận {name}", n] for i, (name, n) in enumerate(zip(DISTRICTS, ACTUALS,
                                                                                      strict=True), start=1)])
        tech_page.set_input_files("#file", files=[{"name": "ket-qua.xlsx", "buffer": good,
                                                    "mimeType": "application/octet-stream"}])
        tech_page.click("#upload-submit")
        tech_page.wait_for_selector(".flash-success")
        assert tech_page.locator("#total-actual").inner_text() == "192"
        assert tech_page.locator("#total-planned").inner_text() == "200"
        screenshot(tech_page, "online-participants-uploaded")
    finally:
        context.close()

    # The totals on the meeting page, and the passcode for a signed-in user allowed to see the meeting.
    page.goto(f"/meetings/{meeting_id}")
    panel = page.locator("#online-panel")
    assert panel.locator("#total-actual").inner_text() == "192"
    assert "468213" in panel.inner_text()
    screenshot(page, "online-meeting-panel")
