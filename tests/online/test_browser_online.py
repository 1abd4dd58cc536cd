"""In a real browser: a secretary books an online conference on a day before the 2025 reorganisation, adds every
district-level unit of that day as a bridge point, a technician checks two connections, and after the meeting the
actual participants come from an XLSX upload; the totals appear on the meeting page."""

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook

from tests.helpers import browser_login, screenshot

pytestmark = pytest.mark.browser

DISTRICTS = ["Ba Đình", "Hoàn Kiếm", "Tây Hồ", "Long Biên", "Cầu Giấy"]
ACTUALS = [41, 37, 29, 52, 33]
MEETING_DAY = date(2025, 3, 12)  # a Wednesday; the district level existed until 30/06/2025


@pytest.fixture
def district_units(create_unit):
    """Hanoi as the directory keeps it: district-level units valid until 30/06/2025 (GSO codes), the wards
    that replaced them valid from 01/07/2025, a department valid throughout."""
    root = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    create_unit(code="SNV", name="Sở Nội vụ", kind="department", parent_id=root.id)
    districts = [create_unit(code=f"{i:03d}", name=f"Quận {name}", kind="district", parent_id=root.id, sort_order=i,
                             valid_to=date(2025, 6, 30))
                 for i, name in enumerate(DISTRICTS, start=1)]
    for i, name in enumerate(["Ba Đình", "Ngọc Hà", "Giảng Võ"], start=1):
        create_unit(code=f"0{i:04d}", name=f"Phường {name}", kind="ward", parent_id=root.id, sort_order=i,
                    valid_from=date(2025, 7, 1))
    return districts


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
    codes = [u.code for u in district_units]

    # The secretary books the conference through the meeting form (a past day: she accepts the warning).
    browser_login(page, secretary)
    page.goto("/meetings/new")
    page.fill("#title", "Hội nghị trực tuyến triển khai nhiệm vụ quý I")
    page.select_option("#kind", "online_conference")
    page.select_option("#mode", "online")
    page.fill("#date", MEETING_DAY.strftime("%d/%m/%Y"))
    page.fill("#start", "08:00")
    page.fill("#end", "11:00")
    page.click("#save")
    page.wait_for_selector("#warnings")
    page.check("#accept_warnings")
    page.click("#save")
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    meeting_id = int(page.url.rsplit("/", 1)[1])

    # From the meeting page to its link and bridge points.
    page.click(f"a[href='/online/meetings/{meeting_id}']")
    page.fill("#online_provider", "Hệ thống hội nghị truyền hình của Chính phủ")
    page.fill("#join_url", "javascript:alert(1)")
    page.click("#save-link")
    assert page.locator("#join_url + small.error, .has-error small.error").count() >= 1
    page.fill("#join_url", "https://vhv.hanoi.gov.vn/phong/quy-i")
    page.fill("#passcode", "468213")
    page.click("#save-link")
    assert "Đã lưu thông tin kết nối trực tuyến" in page.content()

    # The selections offered are those of 12/03/2025: the district-level units, not the wards of 01/07/2025.
    offered = page.locator("#bulk-selection option").all_inner_texts()
    assert "Tất cả đơn vị cấp huyện (5)" in offered
    assert not any("phường" in o.lower() for o in offered), offered
    page.select_option("#bulk-selection", "district")
    page.fill("#bulk-planned_participants", "40")
    page.click("#add-many-submit")
    page.wait_for_selector("table.online-points")
    rows = page.locator("table.online-points tbody tr")
    assert rows.count() == len(DISTRICTS)
    assert page.locator("#total-points").first.inner_text() == "5"
    assert page.locator("#total-planned").first.inner_text() == "200"
    assert page.locator("#remove-all").inner_text() == "Xóa tất cả 5"
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
        # A problem without a note is refused, and the row keeps the status he chose.
        row = tech_page.locator("table.online-points tbody tr").nth(2)
        row.locator("select[name=connection_status]").select_option("problem")
        row.locator("button[type=submit]").click()
        tech_page.wait_for_selector(".flash-error")
        row = tech_page.locator("table.online-points tbody tr").nth(2)
        assert row.locator("select[name=connection_status]").input_value() == "problem"
        assert row.locator("small.error").count() == 1
        for index in (0, 1):
            row = tech_page.locator("table.online-points tbody tr").nth(index)
            row.locator("select[name=connection_status]").select_option("ok")
            row.locator("button[type=submit]").click()
            tech_page.wait_for_selector(".flash-success")
        badges = tech_page.locator("table.online-points tbody tr .badge.conn")
        assert [badges.nth(i).inner_text() for i in range(5)] == ["Đã kiểm tra tốt"] * 2 + ["Chưa kiểm tra"] * 3
        assert "Kỹ thuật viên Minh" in tech_page.locator("table.online-points tbody tr").nth(0).inner_text()
        screenshot(tech_page, "online-connection-checks-technician")
        # His work list: only the points still to check, each with its number in the whole list.
        summary = tech_page.locator("#check-filter")
        assert "Chưa kiểm tra: 3" in summary.inner_text() and "Đã kiểm tra tốt: 2" in summary.inner_text()
        summary.locator("a.conn-not_checked").click()
        tech_page.wait_for_selector("#check-filter-note")
        numbers = tech_page.locator("table.online-points tbody tr td.num:first-child").all_inner_texts()
        assert numbers == ["3", "4", "5"], numbers
        screenshot(tech_page, "online-connection-checks-to-do")

        # After the meeting: the actual participants from an XLSX file, the whole file or nothing. The office's
        # file has a title and a blank row above the header; wrong rows are named as the spreadsheet numbers them.
        tech_page.goto(f"/online/meetings/{meeting_id}/attendance")
        wrong = _xlsx([["Kết quả hội nghị ngày 12/03/2025"], [None], ["STT", "Mã đơn vị", "Số đại biểu thực tế"],
                       [1, codes[0], 41], [2, "099", 10], [3, codes[1], -5]])
        tech_page.set_input_files("#file", files=[{"name": "sai.xlsx", "buffer": wrong,
                                                    "mimeType": "application/octet-stream"}])
        tech_page.click("#upload-submit")
        errors = tech_page.locator(".upload-errors").inner_text()
        assert "Dòng 5" in errors and "099" in errors and "Dòng 6" in errors and "Dòng 4" not in errors
        assert tech_page.locator("#total-actual").inner_text() == "—"
        screenshot(tech_page, "online-upload-refused")

        good = _xlsx([["Kết quả hội nghị ngày 12/03/2025"], [None], ["Mã đơn vị", "Điểm cầu", "Số đại biểu thực tế"]]
                     + [[code, f"Quận {name}", n] for code, name, n in zip(codes, DISTRICTS, ACTUALS, strict=True)])
        tech_page.set_input_files("#file", files=[{"name": "ket-qua.xlsx", "buffer": good,
                                                    "mimeType": "application/octet-stream"}])
        tech_page.click("#upload-submit")
        tech_page.wait_for_selector(".flash-success")
        assert tech_page.locator("#total-actual").inner_text() == "192"
        assert tech_page.locator("#total-planned").inner_text() == "200"
        screenshot(tech_page, "online-participants-uploaded")
    finally:
        context.close()

    # The totals on the meeting page, the passcode for a signed-in user allowed to see the meeting, and the
    # upload in the history as one line.
    page.goto(f"/meetings/{meeting_id}")
    panel = page.locator("#online-panel")
    assert panel.locator("#total-points").inner_text() == "5"
    assert panel.locator("#total-planned").inner_text() == "200"
    assert panel.locator("#total-actual").inner_text() == "192"
    assert "468213" in panel.inner_text()
    assert "Từ ket-qua.xlsx: 5 điểm cầu, 5 điểm cầu thay đổi" in page.content()
    screenshot(page, "online-meeting-panel")

    # The week view: the conference with its bridge points and participants.
    page.goto(f"/meetings/week?date={MEETING_DAY:%d/%m/%Y}")
    row = page.locator("table.schedule-table tr", has_text="Hội nghị trực tuyến triển khai nhiệm vụ quý I")
    info = row.locator(".online-info").inner_text()
    assert "5 điểm cầu" in info and "200" in info and "192" in info, info
    screenshot(page, "online-week-view")
