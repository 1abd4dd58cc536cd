"""Postponed meetings: counted once each in the period they were postponed in, from the meeting's history, and as
held once, when they are held."""

from datetime import date

import sqlalchemy as sa

from meetingsvc.core.audit import AuditEntry
from meetingsvc.extensions import db
from meetingsvc.meetings.services import move_meeting, postpone_meeting
from meetingsvc.reports.lists import figure_list
from meetingsvc.reports.periods import make_period, make_range
from meetingsvc.reports.services import build_report
from tests.helpers import at_local


def test_a_meeting_postponed_to_a_new_date_is_counted_once_apart(more):
    report = build_report(make_period("year", 2022), with_monthly=False)
    assert report.figures["postponed"].current == 2  # the one still postponed, and the one postponed twice
    listed = figure_list("postponed", make_period("year", 2022))
    notes = {row.meeting.title: (row.meeting.status, row.note) for row in listed.rows}
    assert notes["Họp dời hai lần"] == ("scheduled", "Hoãn ngày 18/05/2022")
    assert notes["Họp dự án (hoãn)"][0] == "postponed"
    held = figure_list("held", make_period("year", 2022))
    assert [row.meeting.title for row in held.rows].count("Họp dời hai lần") == 1  # held once, on 03/06


def _when_done(meeting, day):
    for entry in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_id == meeting.id,
                                                                AuditEntry.object_type == "meetings")):
        entry.at = at_local(day, "09:00")
    db.session.commit()


def test_a_move_counts_as_postponed_only_when_the_day_changes(create_meeting, create_leader, create_user):
    user = create_user(role="secretary", clearance="tuyet_mat")
    leader = create_leader()
    same_day = create_meeting(day=date(2022, 3, 8), chair_id=leader.id, title="Dời giờ trong ngày")
    move_meeting(same_day, at_local(date(2022, 3, 8), "14:00"), at_local(date(2022, 3, 8), "16:00"), user,
                 reason="Đổi giờ", accept_warnings=True)
    other_day = create_meeting(day=date(2022, 3, 9), chair_id=leader.id, title="Dời sang ngày khác")
    move_meeting(other_day, at_local(date(2022, 3, 10), "08:00"), at_local(date(2022, 3, 10), "10:00"), user,
                 reason="Lãnh đạo bận", accept_warnings=True)
    without_date = create_meeting(day=date(2022, 3, 11), chair_id=leader.id, title="Hoãn chưa có ngày")
    postpone_meeting(without_date, "Chờ ý kiến", user)
    for meeting in (same_day, other_day, without_date):
        _when_done(meeting, date(2022, 3, 7))
    march = make_range(date(2022, 3, 1), date(2022, 3, 31))
    assert march.kind == "month"
    listed = figure_list("postponed", march)
    assert sorted(row.meeting.title for row in listed.rows) == ["Dời sang ngày khác", "Hoãn chưa có ngày"]
    report = build_report(march, with_monthly=False)
    assert report.figures["postponed"].current == 2
    assert report.figures["held"].current == 2  # the two moved ones took place (scheduled, in the past)
    assert build_report(make_period("month", 2022, 4), with_monthly=False).figures["postponed"].current == 0


def test_postponed_label_says_what_it_counts(client, login_as, dataset):
    login_as("viewer")
    html = client.get("/reports/", query_string={"period": "year", "year": "2022"}).get_data(as_text=True)
    assert "Cuộc họp bị hoãn trong kỳ (mỗi cuộc tính một lần; khi họp lại được tính là đã tổ chức)" in html
