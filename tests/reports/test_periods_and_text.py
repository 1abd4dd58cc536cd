from datetime import date

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
    assert vi.startswith("Năm 2022, Văn phòng đã tham mưu tổ chức 14 cuộc họp (tăng 366,7% so với năm 2021), "
                         "trong đó 1 phiên họp UBND Thành phố và 9 cuộc họp, hội nghị do Chủ tịch, các Phó Chủ tịch "
                         "chủ trì")
    assert ("2 hội nghị trực tuyến với 1.050 lượt đại biểu tại 6 điểm cầu (trong đó 100 lượt theo số dự kiến; "
            "1 điểm cầu chưa có số liệu)") in vi
    assert "1 buổi tiếp công dân, tiếp 25 lượt công dân" in vi
    assert "1 hội nghị truyền dẫn" in vi and "1.500 lượt đại biểu (không cộng vào số trên)" in vi
    en = summary_text(report, "en")
    assert "14 meetings (up 366.7% compared with 2021)" in en


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


def test_page_puts_of_which_under_its_figure_and_prints_the_whole_text(client, login_as, dataset):
    import re

    login_as("secretary", clearance="tuyet_mat")
    html = client.get("/reports/", query_string={"period": "year", "year": "2022"}).get_data(as_text=True)
    keys = re.findall(r'data-figure="([^":]+):current"', html)
    assert keys.index("co_chaired") == keys.index("chaired_by_leaders") + 1
    text = summary_text(build_report(make_period("year", 2022), with_monthly=False), "vi")
    assert f'<p class="reports-print-text" lang="vi">{text}</p>' in html
    assert "Tổng số 14 = phiên họp UBND 1 + do Chủ tịch, các Phó Chủ tịch chủ trì 9 + cuộc họp khác 4." in html
