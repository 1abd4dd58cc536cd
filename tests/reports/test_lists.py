"""The list behind every figure is exactly the meetings that make it: its length (a count) or its total (a sum)."""

import re
from html import unescape

import pytest

from meetingsvc.reports.lists import figure_list
from meetingsvc.reports.options import Options
from meetingsvc.reports.periods import make_period
from meetingsvc.reports.services import build_report

YEAR = {"period": "year", "year": "2022"}


def _check_every_figure(report, user):
    checked = 0
    for figure in report.rows():
        for number, period in ((figure.current, report.period), (figure.previous, report.previous_period)):
            found = figure_list(figure.key, period, user=user, options=report.options, as_of=report.as_of)
            assert found is not None, figure.key
            assert found.figure == number, (figure.key, period.label(), found.figure, number)
            assert len(found.rows) == found.meetings, figure.key
            if found.is_sum:
                rows_total = sum(row.value for row in found.rows)
                if found.measure == "hours":
                    assert abs(rows_total - found.total) < 0.06, figure.key
                else:
                    assert rows_total == found.total, figure.key
            checked += 1
    return checked


@pytest.mark.parametrize(("role", "options"), [
    ("office", Options()), ("office", Options(units="then")), ("office", Options(attended="include")),
    ("viewer", Options()),
], ids=["office", "office-units-then", "office-attended-included", "viewer"])
def test_every_figure_equals_its_list(more, create_user, options, role):
    user = None if role == "office" else create_user(role="viewer")  # a viewer: not cleared for the Mật field trip
    report = build_report(make_period("year", 2022), user=user, options=options, with_monthly=False)
    if role == "viewer":
        assert report.masked == 1
    assert _check_every_figure(report, user) > 60


def test_sums_list_the_number_each_meeting_adds(more):
    period = make_period("year", 2022)
    planned = figure_list("participants_planned_only", period)
    assert planned.total == 100 + 20 and {r.meeting.title for r in planned.rows} == {
        "Làm việc với đoàn JICA", "Sơ kết 6 tháng (kết hợp)"}
    notes = {r.meeting.title: r.note for r in planned.rows}
    assert notes["Làm việc với đoàn JICA"] == "Chưa có số thực tế: UBND quận Ba Đình (dự kiến 100)"
    assert notes["Sơ kết 6 tháng (kết hợp)"] == "Chưa có số thực tế: UBND huyện Ba Vì (dự kiến 20)"
    missing = figure_list("points_without_figure", period)
    assert missing.total == 1 and missing.rows[0].note == "Chưa có số liệu: UBND quận Hoàn Kiếm"
    # the relayed conference is not in the office's own participant-attendances, and not in their list
    attendances = figure_list("participant_attendances", period)
    titles = [r.meeting.title for r in attendances.rows]
    assert "Hội nghị Thành ủy (truyền dẫn)" not in titles
    assert dict((r.meeting.title, r.value) for r in attendances.rows)["Sơ kết 6 tháng (kết hợp)"] == 40 + 20
    received = figure_list("people_received", period)
    assert [(r.meeting.title, r.value) for r in received.rows] == [("Tiếp công dân định kỳ", 25)]


def test_preparing_units_as_they_are_now_and_as_they_were(more):
    period = make_period("year", 2022)
    u2, transport, foreign, office = (more[k] for k in ("u2", "transport", "foreign", "office"))
    now = build_report(period, with_monthly=False)
    rows = {r["value"]: r["figures"]["unit"].current for r in now.groups["units"]}
    assert rows[u2.id] == 2 and rows[office.id] == 1 and transport.id not in rows and foreign.id not in rows
    listed = figure_list(f"unit:{u2.id}", period)
    assert {r.meeting.title for r in listed.rows} == {"Họp Sở Xây dựng", "Họp Sở Giao thông vận tải"}
    assert [r.meeting.title for r in figure_list(f"unit:{office.id}", period).rows] == ["Họp Sở Ngoại vụ"]

    then = build_report(period, options=Options(units="then"), with_monthly=False)
    rows = {r["value"]: r["figures"]["unit"].current for r in then.groups["units"]}
    assert rows[u2.id] == 1 and rows[transport.id] == 1 and rows[foreign.id] == 1 and office.id not in rows
    assert [r.meeting.title for r in figure_list(f"unit:{u2.id}", period, options=Options(units="then")).rows] == [
        "Họp Sở Xây dựng"]


def test_list_pages_follow_their_figure_and_say_what_they_list(client, login_as, more):
    login_as("viewer")
    html = client.get("/reports/", query_string=YEAR).get_data(as_text=True)
    cells = re.findall(r'data-figure="([^"]+):current"><a href="([^"]+)">([^<]*)</a>', html)
    assert len(cells) > 60
    for key, href, text in cells:
        listing = client.get(unescape(href))
        assert listing.status_code == 200, key
        body = listing.get_data(as_text=True)
        shown = float(text.strip().rstrip("%").replace(".", "").replace(",", "."))
        total = re.search(r'data-total="(\d+)"(?: data-sum="([\d.]+)")?(?: data-share="([\d.]+)")?', body)
        number = float(total.group(3) or total.group(2) or total.group(1))
        assert number == shown, (key, number, shown)
        assert "period=year" in href and "year=2022" in href  # the named period travels with the link
        assert 'href="/reports/?period=year&amp;year=2022"' in body  # and back
    vc1 = more["vc1"]
    body = client.get("/reports/meetings", query_string={**YEAR, "figure": f"chair:{vc1.id}"}).get_data(as_text=True)
    heading = re.search(r"<h1>(.*?)</h1>", body, re.S).group(1)
    assert " ".join(heading.split()) == f"Chủ trì: {vc1.label} — 7 cuộc họp"
    assert "Năm 2022" in body


def test_list_of_a_sum_has_a_total_row(client, login_as, more):
    login_as("secretary", clearance="tuyet_mat")
    body = client.get("/reports/meetings", query_string={**YEAR, "figure": "bridge_participants"}).get_data(
        as_text=True)
    assert " ".join(re.search(r"<h1>(.*?)</h1>", body, re.S).group(1).split()) == (
        "Lượt đại biểu (điểm cầu và họp trực tiếp): tại các điểm cầu của hội nghị trực tuyến, kết hợp — "
        "1.110 lượt đại biểu (4 cuộc họp)")
    assert re.search(r'id="reports-list-sum">1.110<', body)
    room = client.get("/reports/meetings", query_string={**YEAR, "figure": f"room_use:{more['r2'].id}"})
    text = room.get_data(as_text=True)
    assert "22 giờ" in text and 'id="reports-list-sum">22<' in text


def test_unknown_figure_is_404_and_bad_period_400(client, login_as):
    login_as("viewer")
    assert client.get("/reports/meetings", query_string={**YEAR, "figure": "nonsense"}).status_code == 404
    assert client.get("/reports/meetings", query_string={"period": "quarter", "year": "2022", "quarter": "9",
                                                         "figure": "held"}).status_code == 400
    assert client.get("/reports/meetings", query_string={**YEAR, "figure": "held", "units": "x"}).status_code == 400


def test_named_quarter_travels_to_exports_lists_and_back(client, login_as, dataset):
    login_as("secretary")
    html = client.get("/reports/", query_string={"period": "quarter", "year": "2022", "quarter": "2"}).get_data(
        as_text=True)
    exports = [unescape(h) for h in re.findall(r'data-download href="([^"]+)"', html)]
    assert len(exports) == 3 and all("period=quarter" in h and "quarter=2" in h for h in exports)
    csv_text = client.get(exports[1]).get_data(as_text=True)
    assert "Quý II/2022" in csv_text.splitlines()[0] and "Từ 01/04/2022" not in csv_text
    response = client.get(exports[0])
    assert "quy-2-2022" in response.headers["Content-Disposition"]
    listing = client.get("/reports/meetings", query_string={"period": "quarter", "year": "2022", "quarter": "2",
                                                            "figure": "held"}).get_data(as_text=True)
    assert "Quý II/2022 (01/04/2022 – 30/06/2022)" in listing
    assert "Quay lại báo cáo Quý II/2022" in listing


def test_from_to_of_a_whole_year_is_the_year(client, login_as, dataset):
    login_as("secretary")
    html = client.get("/reports/", query_string={"from": "2022-01-01", "to": "2022-12-31"}).get_data(as_text=True)
    assert "Báo cáo cuộc họp: Năm 2022" in html
    assert "Năm 2022, Văn phòng đã tham mưu tổ chức 14 cuộc họp (tăng 366,7% so với năm 2021)" in html
    assert "Từ 01/01/2022 đến 31/12/2022, Văn phòng" not in html
