"""Room use counts the hours inside working hours, on working days, inside the period (see reports/hours.py)."""

from datetime import date

import pytest

from meetingsvc.core import workdays
from meetingsvc.reports.hours import working_sessions
from meetingsvc.reports.lists import figure_list
from meetingsvc.reports.periods import make_period, make_range
from meetingsvc.reports.services import build_report


def _rooms(report):
    return {row["label"]: {m: f.current for m, f in row["figures"].items()} for row in report.groups["rooms"]}


@pytest.mark.parametrize(("spec", "per_day", "room1", "room2"), [
    ("07:30-17:00", 9.5, 8.0, 22.0),
    ("07:30-11:30,13:30-17:00", 7.5, 6.0, 19.0),  # the lunch break: 11:00-14:00 counts 1 h, the training 15 h
])
def test_hours_inside_working_hours_days_and_period(more, working_hours, spec, per_day, room1, room2):
    working_hours(spec)
    report = build_report(make_period("year", 2022), with_monthly=False)
    days = workdays.working_days_between(date(2022, 1, 1), date(2023, 1, 1))
    assert report.working_days == days and report.hours_per_day == per_day
    rooms = _rooms(report)
    assert rooms["Phòng họp số 1"]["room"] == 5 and rooms["Phòng họp số 2"]["room"] == 5
    assert rooms["Phòng họp số 1"]["room_hours"] == room1
    assert rooms["Phòng họp số 2"]["room_hours"] == room2
    assert rooms["Phòng họp số 2"]["room_use"] == round(room2 * 100 / (days * per_day), 1)
    listed = figure_list(f"room_hours:{more['r1'].id}", make_period("year", 2022))
    per_meeting = {row.meeting.title: row.value for row in listed.rows}
    assert per_meeting["Họp buổi tối"] == 0 and per_meeting["Họp ngày Quốc khánh"] == 0
    assert per_meeting["Tập huấn qua năm mới"] == 2  # Friday 30/12 15:00-17:00; Saturday 31/12; then 2023
    assert listed.total == room1


def test_the_next_period_counts_the_rest_of_a_meeting_only_by_its_start(more, working_hours):
    # The meeting over the turn of the year belongs to 2022 (its start): 2023 counts none of its hours.
    rooms = _rooms(build_report(make_range(date(2023, 1, 1), date(2023, 1, 31)), with_monthly=False))
    assert rooms["Phòng họp số 1"]["room_hours"] == 0


def test_working_hours_setting_is_checked():
    assert [s.hour for s, _e in working_sessions("07:30-11:30, 13:30-17:00")] == [7, 13]
    for bad in ("", "17:00-07:30", "07:30-12:00,11:00-17:00", "13:30-17:00,07:30-11:30", "8h-x"):
        with pytest.raises(ValueError):
            working_sessions(bad)


def test_page_explains_the_formula(client, login_as, more, working_hours):
    working_hours("07:30-11:30,13:30-17:00")
    login_as("viewer")
    html = client.get("/reports/", query_string={"period": "year", "year": "2022"}).get_data(as_text=True)
    assert "trong giờ làm việc (07:30–11:30, 13:30–17:00)" in html
    assert "x 7,5 giờ" in html
