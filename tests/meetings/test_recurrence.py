"""Repeating meetings: every occurrence its own row; cancel one, edit one, cancel the rest."""

from datetime import timedelta

import sqlalchemy as sa

from meetingsvc.core.time import to_local
from meetingsvc.meetings import services
from meetingsvc.meetings.models import Meeting, MeetingSeries


def _series(db, meeting):
    return db.session.scalars(sa.select(Meeting).where(Meeting.series_id == meeting.series_id)
                              .order_by(Meeting.start_at)).all()


def test_weekly_until_a_date_makes_one_row_per_occurrence(db, booking, secretary, day):
    first = services.create_meeting(booking(repeat={"freq": "weekly", "until": (day + timedelta(days=21)).isoformat()}),
                                    secretary, accept_warnings=True)
    rows = _series(db, first)
    assert [to_local(m.start_at).date() for m in rows] == [day + timedelta(days=7 * i) for i in range(4)]
    assert all(m.original_start_at == m.start_at for m in rows)
    series = db.session.get(MeetingSeries, first.series_id)
    assert series.rrule.startswith("FREQ=WEEKLY;INTERVAL=1") and "UNTIL=" in series.rrule


def test_every_two_weeks_on_two_weekdays_n_times(db, booking, secretary, day):
    monday = day - timedelta(days=day.weekday())
    first = services.create_meeting(booking(date=monday.isoformat(),
                                            repeat={"freq": "weekly", "interval": 2, "weekdays": [0, 3], "count": 4}),
                                    secretary, accept_warnings=True)
    days = [to_local(m.start_at).date() for m in _series(db, first)]
    assert days == [monday, monday + timedelta(days=3), monday + timedelta(days=14), monday + timedelta(days=17)]


def test_monthly_on_the_same_day(db, booking, secretary, day):
    first = services.create_meeting(booking(repeat={"freq": "monthly", "count": 3}), secretary, accept_warnings=True)
    assert {to_local(m.start_at).day for m in _series(db, first)} == {day.day}
    assert len(_series(db, first)) == 3


def test_cancel_one_occurrence_leaves_the_others(db, booking, secretary):
    first = services.create_meeting(booking(repeat={"freq": "weekly", "count": 3}), secretary, accept_warnings=True)
    rows = _series(db, first)
    services.cancel_meeting(rows[1], "Trùng lễ", secretary)
    assert [m.status for m in _series(db, first)] == ["scheduled", "cancelled", "scheduled"]


def test_edit_one_occurrence_detaches_it(db, booking, secretary):
    first = services.create_meeting(booking(repeat={"freq": "weekly", "count": 3}), secretary, accept_warnings=True)
    rows = _series(db, first)
    services.update_meeting(rows[2], {"start": "09:00", "end": "11:00"}, secretary, accept_warnings=True)
    rows = _series(db, first)
    assert [m.is_detached for m in rows] == [False, False, True]
    assert to_local(rows[2].start_at).hour == 9 and rows[2].original_start_at != rows[2].start_at


def test_cancel_the_rest_of_the_series(db, booking, secretary):
    first = services.create_meeting(booking(repeat={"freq": "weekly", "count": 4}), secretary, accept_warnings=True)
    rows = _series(db, first)
    cancelled = services.cancel_series_from(rows[1], "Kết thúc sớm", secretary)
    assert len(cancelled) == 3
    assert [m.status for m in _series(db, first)] == ["scheduled", "cancelled", "cancelled", "cancelled"]
