"""The demo loader that `make run` uses builds a usable office."""

from datetime import date

import sqlalchemy as sa

from meetingsvc.auth.models import User
from meetingsvc.demo import ACCOUNTS, generate_meetings, load
from meetingsvc.extensions import db
from meetingsvc.meetings.models import Meeting
from meetingsvc.online.models import BridgePoint


def test_demo_load_creates_accounts_directory_and_a_month_of_meetings(app, monkeypatch):
    import meetingsvc.demo as demo

    # A month instead of a year keeps the test fast; the year uses the same code.
    monkeypatch.setattr(demo, "local_today", lambda: date(2026, 3, 10))
    from meetingsvc.meetings.models import ScheduleRevision

    real_generate = demo.generate_meetings
    monkeypatch.setattr(demo, "generate_meetings", lambda first, last: real_generate(date(2026, 3, 1), date(2026, 3, 31)))
    result = app.test_cli_runner().invoke(load, ["--password", "demo-pass-1"])
    assert result.exit_code == 0, result.output
    assert {u.username for u in db.session.scalars(sa.select(User))} == {a[0] for a in ACCOUNTS}
    kinds = set(db.session.scalars(sa.select(Meeting.kind).distinct()))
    assert {"pc_session", "briefing", "citizen_reception", "field_trip", "working_session"} <= kinds
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BridgePoint)) > 0
    assert db.session.scalar(sa.select(sa.func.count()).where(Meeting.series_id.is_not(None))) >= 4
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleRevision)) == 2  # this week and next
    again = app.test_cli_runner().invoke(load, ["--if-empty"])
    assert "not loaded" in again.output


def test_generated_meetings_never_double_book(app):
    import meetingsvc.demo as demo

    demo._ensure_directory()
    generate_meetings(date(2026, 4, 1), date(2026, 4, 30))
    active = db.session.execute(sa.select(Meeting.room_id, Meeting.start_at, Meeting.end_at).where(
        Meeting.room_id.is_not(None), Meeting.status.in_(("draft", "scheduled", "held")))).all()
    by_room = {}
    for room_id, start, end in active:
        by_room.setdefault(room_id, []).append((start, end))
    for intervals in by_room.values():
        intervals.sort()
        assert all(a[1] <= b[0] for a, b in zip(intervals, intervals[1:], strict=False))
