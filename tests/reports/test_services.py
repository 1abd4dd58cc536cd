from datetime import UTC, date, datetime

import pytest

from meetingsvc.core import workdays
from meetingsvc.reports.lists import figure_list
from meetingsvc.reports.periods import make_period, make_range
from meetingsvc.reports.services import build_report, pct_change
from tests.reports.conftest import EXPECTED_2021, EXPECTED_2022


def test_year_figures_match_the_hand_count(dataset):
    report = build_report(make_period("year", 2022))
    got = {key: fig.current for key, fig in report.figures.items()}
    assert got == EXPECTED_2022
    for key, value in EXPECTED_2021.items():
        assert report.figures[key].previous == value, key
    assert report.figures["held"].change == 366.7  # (14 - 3) / 3


def test_every_held_meeting_is_accounted_for(dataset):
    f = build_report(make_period("year", 2022)).figures
    assert f["pc_sessions"].current + f["chaired_by_leaders"].current + f["other"].current == f["held"].current
    assert f["in_person"].current + f["online"].current + f["hybrid"].current == f["held"].current


def test_participants_are_flagged_when_some_are_only_planned(dataset):
    report = build_report(make_period("year", 2022))
    assert report.participants_flagged
    assert report.figures["participant_attendances"].flag == "planned"


def test_by_kind_leader_unit_and_room(dataset, working_hours):
    report = build_report(make_period("year", 2022))
    kinds = {row["value"]: row["figures"]["kind"].current for row in report.groups["by_kind"]}
    assert kinds == {"pc_session": 1, "briefing": 4, "work_resolution": 4, "working_session": 1,
                     "online_conference": 2, "citizen_reception": 1, "field_trip": 1}
    leaders = {row["label"]: {m: f.current for m, f in row["figures"].items()} for row in report.groups["leaders"]}
    c, v1, v2 = (dataset[k].label for k in ("chairman", "vc1", "vc2"))
    assert list(leaders)[0] == c  # the Chairman first (rank 1)
    assert leaders[c] == {"chair": 2, "co_chair": 0, "attend": 0}  # the PC session is listed apart
    assert leaders[v1] == {"chair": 4, "co_chair": 1, "attend": 0}
    assert leaders[v2] == {"chair": 2, "co_chair": 0, "attend": 1}
    units = {row["value"]: row["figures"]["unit"].current for row in report.groups["units"]}
    assert units == {dataset["u1"].id: 4, dataset["u2"].id: 1, None: 9}
    rooms = {row["label"]: {m: f.current for m, f in row["figures"].items()} for row in report.groups["rooms"]}
    working_hours = workdays.working_days_between(date(2022, 1, 1), date(2023, 1, 1)) * 9.5
    assert rooms["Phòng họp số 1"]["room"] == 1 and rooms["Phòng họp số 1"]["room_hours"] == 3.0
    assert rooms["Phòng họp số 2"]["room"] == 4 and rooms["Phòng họp số 2"]["room_hours"] == 4.0
    assert rooms["Phòng họp số 2"]["room_use"] == round(4 * 100 / working_hours, 1)


def test_local_time_decides_the_year(dataset):
    in_2023 = build_report(make_period("year", 2023), with_monthly=False)
    assert in_2023.figures["held"].current == 1  # 00:30 on 1 January 2023
    assert in_2023.figures["held"].previous == EXPECTED_2022["held"]
    january = build_report(make_period("month", 2022, 1), with_monthly=False)
    assert january.figures["held"].current == 2  # 00:30 on 01/01 and the PC session
    december = build_report(make_period("month", 2022, 12), with_monthly=False)
    assert december.figures["held"].current == 1  # 23:30 on 31/12


def test_quarter_and_cutoff_window(dataset):
    q1 = build_report(make_period("quarter", 2022, 1), with_monthly=False)
    assert q1.figures["held"].current == 2 + 3  # 00:30 01/01, PC session 20/01; 3 briefings in March (4 April is Q2)
    # cut-off year 2022 = 15/12/2021 .. 14/12/2022: takes 23:30 31/12/2021, leaves 23:30 31/12/2022 out
    cutoff = build_report(make_period("year", 2022, basis="cutoff"), with_monthly=False)
    assert cutoff.figures["held"].current == 14 - 1 + 1


def test_future_scheduled_meetings_are_shown_apart_not_counted(dataset):
    as_of = datetime(2022, 6, 1, tzinfo=UTC)
    report = build_report(make_period("year", 2022), as_of=as_of, with_monthly=False)
    # explicitly "held" ones still count: the PC session and the postponed meeting held on 12/04
    held_statuses = report.figures["held"].current
    assert report.figures["upcoming"].current + held_statuses == EXPECTED_2022["held"]
    assert report.figures["upcoming"].current == 6  # 5, 6, 7, 8, 9 and 13 start after 1 June
    assert report.figures["drafts"].current == 1


def test_monthly_series_adds_up(dataset):
    monthly = build_report(make_period("year", 2022)).monthly["current"]
    assert len(monthly["months"]) == 12
    assert sum(monthly["totals"]) == EXPECTED_2022["held"]
    assert monthly["totals"][0] == 2 and monthly["totals"][11] == 1
    assert monthly["by_kind"]["briefing"][2:4] == [3, 1]  # 7, 14 and 29 March (21 cancelled), 4 April


def test_list_behind_a_figure(dataset):
    found = figure_list("chaired_by_leaders", make_period("year", 2022))
    assert found.meetings == EXPECTED_2022["chaired_by_leaders"] == len(found.rows)
    found = figure_list(f"chair:{dataset['vc1'].id}", make_period("year", 2022))
    assert found.meetings == 4 and {r.meeting.title for r in found.rows} == {"Giao ban tuần"}
    assert figure_list("nonsense", make_period("year", 2022)) is None
    assert figure_list("chair:x", make_period("year", 2022)) is None


@pytest.mark.parametrize(("cur", "prev", "expected"), [
    (93367, 104204, -10.4), (975, 975, 0.0), (3, 0, None), (11, 10, 10.0), (1, 3, -66.7), (2, 3, -33.3),
])
def test_pct_change(cur, prev, expected):
    assert pct_change(cur, prev) == expected


def test_range_period_previous_year():
    period = make_range(date(2024, 2, 1), date(2024, 2, 29))
    prev = period.previous_year()
    assert (prev.first, prev.last) == (date(2023, 2, 1), date(2023, 2, 28))


def test_meetings_leaders_only_attended_are_apart_unless_chosen(more):
    from meetingsvc.reports.options import Options

    period = make_period("year", 2022)
    default = build_report(period, with_monthly=False).figures
    included = build_report(period, options=Options(attended="include"), with_monthly=False).figures
    assert default["attended_only"].current == included["attended_only"].current == 1
    assert included["held"].current == default["held"].current + 1
    assert included["other"].current == default["other"].current + 1
    for f in (default, included):
        assert f["held"].current == f["pc_sessions"].current + f["chaired_by_leaders"].current + f["other"].current
    assert "không tính vào tổng số" in str(default["attended_only"].label)
    assert included["attended_only"].sub == 1  # then "of which", under Other


def test_leader_table_adds_up_with_leaders_together_and_pc_sessions_apart(more):
    report = build_report(make_period("year", 2022), with_monthly=False)
    f = report.figures
    chaired = sum(row["figures"]["chair"].current for row in report.groups["leaders"])
    assert chaired + f["cochaired_only"].current == f["chaired_by_leaders"].current
    assert f["together"].current == 1  # the Chairman with VC1 co-chairing
    assert f["co_chaired"].current == 2  # that one and the working session chaired by a director
    assert f["held"].current == f["pc_sessions"].current + f["chaired_by_leaders"].current + f["other"].current


def test_hybrid_venue_counts_and_missing_figures_are_flagged(more):
    report = build_report(make_period("year", 2022), with_monthly=False)
    f = {k: fig.current for k, fig in report.figures.items()}
    assert f["hybrid_venue"] == 40  # the 35 at its main point are not added again
    assert f["bridge_participants"] == 1050 + 40 + 20
    assert f["participants_actual"] + f["participants_planned_only"] == f["bridge_participants"]
    assert f["participant_attendances"] == f["bridge_participants"] + f["in_person_present"]
    assert f["conferences_without_points"] == 1


def test_flagged_when_figures_are_missing_though_none_is_only_planned(create_meeting, create_leader):
    leader = create_leader()
    no_points = create_meeting(day=date(2024, 3, 5), kind="online_conference", mode="online", chair_id=leader.id)
    report = build_report(make_period("year", 2024), with_monthly=False)
    assert report.figures["participants_planned_only"].current == 0
    assert report.figures["conferences_without_points"].current == 1
    assert report.participants_flagged and report.figures["participant_attendances"].flag == "planned"
    assert no_points.id in {row.meeting.id for row in figure_list("conferences_without_points",
                                                                   make_period("year", 2024)).rows}


def test_cutoff_chart_months_are_cutoff_months(dataset):
    monthly = build_report(make_period("year", 2022, basis="cutoff")).monthly["current"]
    assert monthly["cutoff"] and monthly["months"][0] == date(2021, 12, 15) and len(monthly["months"]) == 12
    assert monthly["months"][-1] == date(2022, 11, 15)
    assert monthly["totals"][0] == 2  # 23:30 on 31/12/2021 and 00:30 on 01/01/2022: the cut-off month of January
    assert sum(monthly["totals"]) == 14
