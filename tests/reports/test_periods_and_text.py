from datetime import date, timedelta

import pytest

from meetingsvc.core.errors import ValidationError
from meetingsvc.extensions import db
from meetingsvc.reports.periods import make_period, period_from_args
from meetingsvc.reports.services import build_report
from meetingsvc.reports.text import approximately, summary_text


@pytest.mark.parametrize(("kind", "number", "basis", "first", "last"), [
    ("year", None, "calendar", date(2024, 1, 1), date(2024, 12, 31)),
    ("nine_months", None, "calendar", date(2024, 1, 1), date(2024, 9, 30)),
    ("half_year", None, "calendar", date(2024, 1, 1), date(2024, 6, 30)),
    ("quarter", 1, "calendar", date(2024, 1, 1), date(2024, 3, 31)),
    ("month", 2, "calendar", date(2024, 2, 1), date(2024, 2, 29)),
    ("year", None, "cutoff", date(2023, 12, 15), date(2024, 12, 14)),
    ("half_year", None, "cutoff", date(2023, 12, 15), date(2024, 6, 14)),
    ("quarter", 1, "cutoff", date(2023, 12, 15), date(2024, 3, 14)),
    ("quarter", 3, "cutoff", date(2024, 6, 15), date(2024, 9, 14)),
    ("month", 1, "cutoff", date(2023, 12, 15), date(2024, 1, 14)),
    ("month", 5, "cutoff", date(2024, 4, 15), date(2024, 5, 14)),
])
def test_period_windows(kind, number, basis, first, last):
    period = make_period(kind, 2024, number, basis=basis)
    assert (period.first, period.last) == (first, last)


def test_labels_in_the_office_style():
    assert make_period("quarter", 2024, 1).label("vi") == "quý I/2024"
    assert make_period("half_year", 2024).label("vi") == "6 tháng đầu năm 2024"
    assert make_period("year", 2022).comparison("vi") == "so với năm 2021"
    assert make_period("nine_months", 2022).comparison("vi") == "so với cùng kỳ năm 2021"


@pytest.mark.parametrize("args", [{"period": "quarter", "year": "2024", "quarter": "5"},
                                  {"from": "2024-01-01"}, {"from": "2024-13-01", "to": "2024-12-31"},
                                  {"from": "2000-01-01", "to": "2024-12-31"}, {"period": "decade"}])
def test_bad_periods_name_the_field(args):
    with pytest.raises(ValidationError) as exc:
        period_from_args(args, 2024)
    assert exc.value.fields


def test_over_in_large_sums():
    assert approximately(284350, "vi") == "hơn 284.000"
    assert approximately(284000, "vi") == "284.000"
    assert approximately(9876, "vi") == "9.876"
    assert approximately(284350, "en") == "over 284,000"


def test_generated_text(dataset):
    report = build_report(make_period("year", 2022), with_monthly=False)
    vi = summary_text(report, "vi")
    # the office's phrasing: "trong đó có 12 phiên họp UBND thành phố …; 946 cuộc họp, hội nghị do Chủ tịch, các
    # Phó Chủ tịch UBND thành phố chủ trì", "hội nghị trực tuyến với hơn 284.000 lượt đại biểu tham dự tại các điểm cầu"
    assert vi.startswith("Năm 2022, Văn phòng đã tham mưu tổ chức 14 cuộc họp (tăng 366,7% so với năm 2021), "
                         "trong đó có 1 phiên họp UBND Thành phố và 9 cuộc họp, hội nghị do Chủ tịch, các Phó Chủ tịch "
                         "UBND Thành phố chủ trì (kể cả 1 cuộc đi kiểm tra cơ sở); ")
    assert ("2 hội nghị trực tuyến với 1.050 lượt đại biểu tham dự tại 6 điểm cầu (trong đó 100 lượt theo số dự kiến; "
            "1 điểm cầu chưa có số liệu)") in vi
    assert "1 buổi làm việc với các đoàn, trong đó có 1 đoàn nước ngoài" in vi
    assert "1 buổi tiếp công dân, tiếp 25 lượt công dân" in vi
    assert "1 hội nghị truyền dẫn" in vi and "1.500 lượt đại biểu (không cộng vào số trên)" in vi
    en = summary_text(report, "en")
    assert en.startswith("In 2022, the Office advised on and organised 14 meetings (up 366.7% compared with 2021), "
                         "including 1 session of the City People's Committee and 9 meetings and conferences chaired "
                         "by the Chairman and Vice Chairmen (including 1 field inspection); ")
    assert "2 online conferences with 1,050 participant-attendances at 6 bridge points" in en
    assert "1 bridge point without any figure" in en
    assert "1 working session with delegations, 1 of them foreign" in en
    assert "1 citizen reception session receiving 25 people" in en
    assert "The Office also served 1 conference relayed from another network to 2 bridge points" in en


@pytest.mark.parametrize(("period", "vi", "en"), [
    (make_period("quarter", 2022, 3), "Quý III/2022, Văn phòng", "In Q3 2022, the Office"),
    (make_period("nine_months", 2022), "9 tháng đầu năm 2022, Văn phòng", "In the first nine months of 2022, the"),
    (make_period("half_year", 2022), "6 tháng đầu năm 2022, Văn phòng", "In the first half of 2022, the Office"),
    (make_period("month", 2022, 4), "Tháng 4/2022, Văn phòng", "In April 2022, the Office"),
    (make_period("year", 2022, basis="cutoff"), "Năm 2022 (số liệu 15/12/2021 – 14/12/2022), Văn phòng",
     "In 2022 (data 15/12/2021 – 14/12/2022), the Office"),
])
def test_generated_text_opens_with_the_period(dataset, period, vi, en):
    report = build_report(period, with_monthly=False)
    assert summary_text(report, "vi").startswith(vi)
    assert summary_text(report, "en").startswith(en)


def test_generated_text_leaves_out_what_is_zero_and_counts_one_in_the_singular(dataset):
    from meetingsvc.reports.periods import make_range

    # 12/04/2022: the postponed meeting held, chaired by VC2; no PC session that day
    report = build_report(make_range(date(2022, 4, 12), date(2022, 4, 12)), with_monthly=False)
    vi, en = summary_text(report, "vi"), summary_text(report, "en")
    assert vi.startswith("Ngày 12/04/2022, Văn phòng đã tham mưu tổ chức 1 cuộc họp, trong đó có 1 cuộc họp, hội "
                         "nghị do Chủ tịch, các Phó Chủ tịch UBND Thành phố chủ trì.")
    assert "phiên họp" not in vi and "0 " not in vi
    assert en.startswith("On 12/04/2022, the Office advised on and organised 1 meeting, including 1 meeting or "
                         "conference chaired by the Chairman and Vice Chairmen.")


def test_a_province_office_writes_ubnd_tinh(app, dataset):
    saved = app.config["OFFICE_NAME"]
    app.config["OFFICE_NAME"] = "Văn phòng UBND tỉnh Bắc Giang"
    try:
        report = build_report(make_period("year", 2022), with_monthly=False)
        assert "1 phiên họp UBND tỉnh và 9 cuộc họp, hội nghị do Chủ tịch, các Phó Chủ tịch UBND tỉnh chủ trì" in \
            summary_text(report, "vi")
        assert "1 session of the Provincial People's Committee" in summary_text(report, "en")
    finally:
        app.config["OFFICE_NAME"] = saved


def test_a_running_period_is_compared_with_the_same_days_a_year_earlier(dataset):
    from meetingsvc.reports.hours import WorkingCalendar
    from meetingsvc.reports.lists import figure_list
    from meetingsvc.reports.periods import make_range
    from tests.helpers import at_local

    as_of = at_local(date(2022, 6, 1), "12:00")
    report = build_report(make_period("year", 2022), as_of=as_of, with_monthly=False)
    assert report.until == date(2022, 6, 1)
    # 2021 up to 01/06: the PC session of 01/02 and VC1's meeting of 03/03, not 23:30 on 31/12/2021
    assert (report.previous_period.first, report.previous_period.last) == (date(2021, 1, 1), date(2021, 6, 1))
    # 2022 up to noon on 01/06: 00:30 01/01, the PC session, 4 briefings, the postponed one held, the JICA session
    assert (report.figures["held"].current, report.figures["held"].previous) == (8, 2)
    assert report.figures["pc_sessions"].previous == 1
    for key in ("held", "pc_sessions", "chaired_by_leaders", "other"):
        assert figure_list(key, report.previous_period, as_of=as_of).meetings == report.figures[key].previous
    # room use is a share of the working hours that have passed
    assert report.working_days == WorkingCalendar.for_period(make_range(date(2022, 1, 1), date(2022, 6, 1))) \
        .working_days
    vi, en = summary_text(report, "vi"), summary_text(report, "en")
    assert vi.startswith("Năm 2022 (tính đến ngày 01/06/2022), Văn phòng đã tham mưu tổ chức 8 cuộc họp (tăng 300,0% "
                         "so với cùng kỳ năm 2021)")
    assert en.startswith("In 2022 (up to 01/06/2022), the Office advised on and organised 8 meetings (up 300.0% "
                         "compared with the same period of 2021)")
    # a period that is over is compared with the whole period a year earlier
    done = build_report(make_period("year", 2022), as_of=at_local(date(2023, 1, 2), "08:00"), with_monthly=False)
    assert done.until is None and done.previous_period == make_period("year", 2021)
    assert done.figures["held"].previous == 3


def test_merged_unit_is_reported_under_its_successor(create_unit, create_meeting):
    old = create_unit(name="Sở Giao thông vận tải", valid_to=date(2025, 2, 28))
    new = create_unit(name="Sở Xây dựng (mới)", valid_from=date(2025, 3, 1))
    old.successors.append(new)
    db.session.commit()
    create_meeting(day=date(2022, 3, 3), preparing_unit_id=old.id)
    rows = build_report(make_period("year", 2022), with_monthly=False).groups["units"]
    assert [(r["value"], r["figures"]["unit"].current) for r in rows] == [(new.id, 1)]


def test_a_range_that_is_a_named_period_is_that_period():
    from meetingsvc.reports.periods import make_range

    assert make_range(date(2022, 1, 1), date(2022, 12, 31)) == make_period("year", 2022)
    assert make_range(date(2026, 4, 1), date(2026, 6, 30)).label("vi") == "quý II/2026"
    assert make_range(date(2022, 1, 1), date(2022, 6, 30)).kind == "half_year"
    assert make_range(date(2022, 1, 1), date(2022, 9, 30)).kind == "nine_months"
    assert make_range(date(2021, 12, 15), date(2022, 12, 14)) == make_period("year", 2022, basis="cutoff")
    assert make_range(date(2022, 2, 1), date(2022, 2, 28)).title("vi") == "Tháng 2/2022"
    assert make_range(date(2022, 2, 1), date(2022, 3, 15)).kind == "range"


def test_named_periods_give_their_link_parameters():
    assert make_period("quarter", 2026, 2).query_args() == {"period": "quarter", "year": 2026, "quarter": 2}
    assert make_period("month", 2026, 3, basis="cutoff").query_args() == {"period": "month", "year": 2026,
                                                                          "month": 3, "basis": "cutoff"}


def test_chart_legend_wraps_long_names_and_cutoff_months_are_named(dataset):
    import re

    from meetingsvc.reports.chart import LEGEND_CHARS, render_chart

    svg = str(render_chart(build_report(make_period("year", 2022, basis="cutoff"))))
    assert "Tháng (theo kỳ chốt số liệu: từ ngày 15 tháng trước đến ngày 14)" in svg
    lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert lines and max(len(t) for t in lines) <= LEGEND_CHARS
    assert any("Làm việc với" in t for t in lines)  # a long kind name, whole over two lines
    ticks = re.findall(r'text-anchor="middle">(T\d+)</text>', svg)
    assert ticks[0] == "T1" and ticks[-1] == "T12"


def test_chart_names_months_in_english_and_its_axis_fits_the_bars(app, dataset):
    import re

    from flask_babel import force_locale

    from meetingsvc.reports.chart import _nice_max, render_chart

    with app.test_request_context(), force_locale("en"):
        svg = str(render_chart(build_report(make_period("quarter", 2022, 2))))
    assert re.findall(r'text-anchor="middle">([A-Z][a-z]{2})</text>', svg) == ["Apr", "May", "Jun"]
    assert [_nice_max(v) for v in (3, 7, 12, 27, 117, 160, 230, 1177)] == [5, 10, 15, 30, 150, 200, 250, 1500]


@pytest.mark.parametrize(("period", "months"), [
    (make_period("quarter", 2022, 1, basis="cutoff"), ["2022-01", "2022-02", "2022-03"]),
    (make_period("month", 2022, 1, basis="cutoff"), ["2022-01"]),
    (make_period("quarter", 2022, 2), ["2022-04", "2022-05", "2022-06"]),
])
def test_json_months_are_named_by_the_month_they_cover(dataset, period, months):
    from meetingsvc.reports.exports import summary_dict

    monthly = summary_dict(build_report(period))["monthly"]
    assert monthly["months"] == months
    assert monthly["buckets"][-1]["to_before"] == (period.last + timedelta(days=1)).isoformat()


def test_page_puts_of_which_under_its_figure_and_prints_the_whole_text(client, login_as, dataset):
    import re

    login_as("secretary", clearance="tuyet_mat")
    html = client.get("/reports/", query_string={"period": "year", "year": "2022"}).get_data(as_text=True)
    keys = re.findall(r'data-figure="([^":]+):current"', html)
    assert keys.index("co_chaired") == keys.index("chaired_by_leaders") + 1
    text = summary_text(build_report(make_period("year", 2022), with_monthly=False), "vi")
    assert f'<p class="reports-print-text" lang="vi">{text}</p>' in html
    assert "Tổng số 14 = phiên họp UBND 1 + do Chủ tịch, các Phó Chủ tịch chủ trì 9 + cuộc họp khác 4." in html
