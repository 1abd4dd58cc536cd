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
    assert "2 hội nghị trực tuyến với 1.050 lượt đại biểu tại 6 điểm cầu (trong đó 100 lượt theo số dự kiến)" in vi
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
