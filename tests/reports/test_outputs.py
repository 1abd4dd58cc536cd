"""The page, the XLSX, the CSV, the CLI and the API show the same figures for the same period."""

import csv
import io
import json
import re
from datetime import date

from openpyxl import load_workbook

from meetingsvc.reports.cli import report_command
from tests.reports.conftest import EXPECTED_2022

YEAR = {"from": "2022-01-01", "to": "2022-12-31"}


def _vi_number(text: str) -> float:
    text = text.strip().rstrip("%").replace(".", "").replace(",", ".")
    return float(text)


def _page_figures(html: str) -> dict:
    found = {}
    for key, which, text in re.findall(r'data-figure="([^"]+):(current|previous)"><a [^>]*>([^<]*)</a>', html):
        found.setdefault(key, {})[which] = _vi_number(text)
    return found


def test_page_xlsx_csv_cli_and_api_agree(app, client, login_as, dataset, tmp_path):
    login_as("admin", clearance="tuyet_mat")  # cleared, like the office the CLI runs as
    page = client.get("/reports/", query_string=YEAR)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    on_page = _page_figures(html)
    assert on_page["held"] == {"current": 14, "previous": 3}

    api = client.get("/api/v1/reports/summary", query_string=YEAR)
    assert api.status_code == 200
    figures = api.get_json()["figures"]
    for key, expected in EXPECTED_2022.items():
        assert figures[key]["current"] == expected, key

    csv_text = client.get("/reports/export.csv", query_string=YEAR).get_data(as_text=True).lstrip("\ufeff")
    in_csv = {row[1]: (float(row[3]), float(row[4])) for row in list(csv.reader(io.StringIO(csv_text)))[1:]}

    workbook = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=YEAR).data), read_only=True)
    summary_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(summary_rows) if row and row[0] == "Mục")
    in_xlsx = {}
    for row in summary_rows[header + 1:]:
        if not row or row[0] in (None, "", "Nguyên tắc tính"):
            break
        in_xlsx[(row[0], row[1].strip())] = (row[2], row[3])  # a label may recur in two sections

    out = tmp_path / "report.json"
    result = app.test_cli_runner().invoke(report_command, ["--from", "2022-01-01", "--to", "2022-12-31",
                                                           "--format", "json", "--output", str(out)])
    assert result.exit_code == 0, result.output
    in_cli = json.loads(out.read_text(encoding="utf-8"))["figures"]

    api_rows = api.get_json()["rows"]
    assert len(api_rows) == len(in_csv) == len(in_xlsx) == len(in_cli) == len(on_page)
    for row in api_rows:
        key = row["key"]
        pair = (row["current"], row["previous"])
        assert (on_page[key]["current"], on_page[key]["previous"]) == pair, key
        assert in_csv[key] == pair, key
        if row["unit"] == "percent":  # a percent-formatted number in the workbook: 0.2% is 0.002
            assert tuple(round(v * 100, 1) for v in in_xlsx[(row["section_label"], row["label"])]) == pair, key
        else:
            assert in_xlsx[(row["section_label"], row["label"])] == pair, key
        assert (in_cli[key]["current"], in_cli[key]["previous"]) == pair, key


def test_detail_sheet_lists_every_counted_meeting_and_masks_classified(client, login_as, dataset):
    login_as("viewer")
    workbook = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=YEAR).data), read_only=True)
    rows = list(workbook.worksheets[1].iter_rows(values_only=True))[1:]
    assert len(rows) == EXPECTED_2022["held"]
    titles = [r[5] for r in rows]
    assert "Kiểm tra dự án mật" not in titles
    assert titles.count("Họp (nội dung mật)") == 1
    assert "Họp đầu năm 2022" in titles and "Họp cuối năm 2022" in titles and "Họp đầu năm 2023" not in titles
    detail = client.get("/reports/meetings.csv", query_string=YEAR).get_data(as_text=True)
    assert len(list(csv.reader(io.StringIO(detail.lstrip("\ufeff"))))) == EXPECTED_2022["held"] + 1
    assert "Kiểm tra dự án mật" not in detail


def test_every_figure_links_to_its_meetings(client, login_as, dataset):
    login_as("viewer")
    html = client.get("/reports/", query_string=YEAR).get_data(as_text=True)
    link = re.search(r'data-figure="chaired_by_leaders:current"><a href="([^"]+)"', html).group(1)
    listing = client.get(link.replace("&amp;", "&"))
    assert listing.status_code == 200
    body = listing.get_data(as_text=True)
    assert f'data-total="{EXPECTED_2022["chaired_by_leaders"]}"' in body
    assert "Kiểm tra dự án mật" not in body and "Họp (nội dung mật)" in body  # listed masked, still counted
    assert body.count("<tr>") - 1 == EXPECTED_2022["chaired_by_leaders"]


def test_page_shows_vietnamese_numbers_text_chart_and_rules(client, login_as, dataset):
    login_as("secretary")
    html = client.get("/reports/", query_string={"period": "year", "year": "2022"}).get_data(as_text=True)
    assert "Năm 2022, Văn phòng đã tham mưu tổ chức 14 cuộc họp (tăng 366,7% so với năm 2021)" in html
    assert "1.081" in html  # participant-attendances in Vietnamese format
    assert "<svg" in html and 'role="img"' in html and "<title id=\"reports-chart-title\">" in html
    assert "Mỗi lần họp của cuộc họp định kỳ được tính một lần" in html
    assert "cdn" not in html.lower()


def test_bad_period_is_refused_with_the_field_named(client, login_as):
    login_as("viewer")
    response = client.get("/reports/", query_string={"from": "2022-05-01", "to": "2022-01-01"})
    assert response.status_code == 400
    assert "Ngày kết thúc trước ngày bắt đầu." in response.get_data(as_text=True)
    api = client.get("/api/v1/reports/summary", query_string={"period": "quarter", "year": "2022", "quarter": "7"})
    assert api.status_code == 400 and "quarter" in api.get_json()["fields"]


def test_cli_text_in_both_languages(app, dataset):
    runner = app.test_cli_runner()
    vi = runner.invoke(report_command, ["--period", "year", "--year", "2022"])
    assert vi.exit_code == 0, vi.output
    assert "Năm 2022, Văn phòng đã tham mưu tổ chức 14 cuộc họp" in vi.output
    en = runner.invoke(report_command, ["--from", "2022-01-01", "--to", "2022-12-31", "--language", "en"])
    assert "the Office advised on and organised 14 meetings (up 366.7% compared with" in en.output
    bad = runner.invoke(report_command, ["--from", "2022-01-01"])
    assert bad.exit_code != 0 and "Nhập cả ngày bắt đầu và ngày kết thúc." in bad.output


def test_openapi_documents_the_summary(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/reports/summary" in doc["paths"]
    assert "ReportSummary" in doc["components"]["schemas"]


def test_csv_names_its_units_and_the_xlsx_has_real_dates_percentages_and_filters(client, login_as, more):
    from meetingsvc.core.time import local_today

    login_as("secretary", clearance="tuyet_mat")
    response = client.get("/reports/export.csv", query_string=YEAR)
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    units = {row[1]: row[6] for row in rows[1:]}
    assert units["held"] == "cuộc họp" and units["participant_attendances"] == "lượt đại biểu"
    assert units["people_received"] == "lượt công dân" and units["bridge_points"] == "điểm cầu"
    assert {"count", "hours", "percent"}.isdisjoint(units.values())
    assert f"_{local_today():%Y%m%d}.csv" in response.headers["Content-Disposition"]

    workbook = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=YEAR).data))
    summary, detail = workbook.worksheets
    assert summary.freeze_panes == "A5" and detail.freeze_panes == "A2"
    assert detail.auto_filter.ref == f"A1:T{detail.max_row}"
    first = detail["B2"]
    assert first.is_date and first.number_format == "dd/mm/yyyy" and first.value.date() == date(2022, 1, 1)
    use = next(r for r in summary.iter_rows(min_row=5) if str(r[1].value).startswith("Phòng họp số 2: Tỷ lệ"))
    assert use[2].number_format == "0.0%" and 0 < use[2].value < 1
    change = next(r for r in summary.iter_rows(min_row=5) if r[1].value == "Số cuộc họp đã tổ chức")
    assert change[4].number_format == "0.0%"


def test_cli_recognises_a_calendar_year_and_prints_a_readable_table(app, dataset):
    result = app.test_cli_runner().invoke(report_command, ["--from", "2022-01-01", "--to", "2022-12-31"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("NĂM 2022\n")
    assert "Năm 2022, Văn phòng đã tham mưu tổ chức 14 cuộc họp (tăng 366,7% so với năm 2021)" in " ".join(
        out.split())
    assert any("Năm 2022" in line and "Năm 2021" in line for line in out.splitlines())  # whole headings
    long_label = "Cuộc họp khác (không phải phiên họp UBND, không do Chủ tịch, Phó Chủ tịch chủ trì)"
    assert long_label in " ".join(out.split())  # wrapped, never cut
    assert "kể cả cuộc họp mật" in out  # it says whose figures they are
    assert max(len(line) for line in out.splitlines() if not line.startswith("Năm 2022, ")) <= 130


def test_cli_xlsx_without_output_writes_a_file_named_after_the_period(app, dataset, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = app.test_cli_runner().invoke(report_command, ["--period", "quarter", "--year", "2022", "--quarter", "2",
                                                           "--format", "xlsx"])
    assert result.exit_code == 0, result.output
    written = list(tmp_path.glob("bao-cao-hop_quy-2-2022_*.xlsx"))
    assert len(written) == 1 and str(written[0]) in result.output
    assert result.output.strip().endswith(": Quý II/2022, 4 cuộc họp đã tổ chức")  # 04/04, 12/04, 10/05, 15/06
    title = load_workbook(written[0]).worksheets[0]["A1"].value
    assert title == "Báo cáo tình hình tổ chức cuộc họp, Quý II/2022"


def test_api_errors_keep_machine_readable_codes(client, login_as):
    login_as("viewer")
    bad = client.get("/api/v1/reports/summary", query_string={"from": "2022-05-01", "to": "2022-01-01"})
    assert bad.status_code == 400
    body = bad.get_json()
    assert body["codes"] == {"to": "end_before_start"} and body["fields"]["to"] == "Ngày kết thúc trước ngày bắt đầu."
    assert body["message"] == "Kỳ báo cáo không hợp lệ."
    bad = client.get("/api/v1/reports/summary", query_string={"from": "31/02/2022", "to": "x", "units": "later"})
    assert bad.get_json()["codes"] == {"from": "not_a_date", "to": "not_a_date", "units": "unknown_option"}


def test_period_errors_in_english_for_an_english_user(client, login_as):
    login_as("viewer", language="en")
    page = client.get("/reports/", query_string={"period": "range", "from": "2022-05-01"}).get_data(as_text=True)
    assert "Give both dates." in page
    page = client.get("/reports/", query_string={"period": "year", "year": "1800"}).get_data(as_text=True)
    assert "Not a plausible year (1901 to 2199)." in page


def test_a_running_period_says_so_everywhere_and_compares_the_same_days(client, login_as, create_meeting, app):
    """A range around today: its figures go up to now, beside the same days a year earlier (not the whole range)."""
    from datetime import timedelta
    from html import unescape

    from meetingsvc.core.time import local_today

    today = local_today()
    first, last = today - timedelta(days=10), today + timedelta(days=10)
    a_year_before = lambda day: day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) \
        else day.replace(year=day.year - 1, day=28)  # noqa: E731
    create_meeting(day=today - timedelta(days=5), status="held", title="Họp tuần trước")
    create_meeting(day=a_year_before(today - timedelta(days=5)), status="held", title="Họp năm ngoái")
    create_meeting(day=a_year_before(today + timedelta(days=5)), status="held", title="Họp năm ngoái, sau ngày nay")
    create_meeting(day=today + timedelta(days=5), title="Họp sắp tới")
    login_as("secretary", clearance="tuyet_mat")
    args = {"from": first.isoformat(), "to": last.isoformat()}

    api = client.get("/api/v1/reports/summary", query_string=args).get_json()
    assert api["in_progress"] is True and api["counted_until"] == today.isoformat()
    assert (api["previous_period"]["from"], api["previous_period"]["to"]) == (
        a_year_before(first).isoformat(), a_year_before(today).isoformat())
    assert api["figures"]["held"]["current"] == 1 and api["figures"]["held"]["previous"] == 1
    assert api["figures"]["upcoming"]["current"] == 1
    assert f"(tính đến ngày {today:%d/%m/%Y})" in api["text"]["vi"] and "so với cùng kỳ" in api["text"]["vi"]
    assert any("cùng kỳ" in rule for rule in api["rules"])

    html = client.get("/reports/", query_string=args).get_data(as_text=True)
    assert "Kỳ báo cáo chưa kết thúc" in html and f"tính đến ngày {today:%d/%m/%Y}" in html
    previous = unescape(re.search(r'data-figure="held:previous"><a href="([^"]+)"', html).group(1))
    listing = client.get(previous).get_data(as_text=True)
    assert 'data-total="1"' in listing and "Họp năm ngoái" in listing and "sau ngày nay" not in listing

    rows = list(csv.reader(io.StringIO(client.get("/reports/export.csv", query_string=args)
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert f"tính đến ngày {today:%d/%m/%Y}" in rows[0][3]
    title = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=args).data)).worksheets[0]["A1"]
    assert f"tính đến ngày {today:%d/%m/%Y}" in title.value


def test_print_names_the_office(client, login_as, dataset, app):
    login_as("viewer")
    html = client.get("/reports/", query_string={"period": "year", "year": "2022"}).get_data(as_text=True)
    assert f'<p class="reports-print-office">{app.config["OFFICE_NAME"]}</p>' in html
