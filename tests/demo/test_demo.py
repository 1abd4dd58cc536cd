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


def test_meetings_name_only_units_valid_on_their_date_across_the_2025_reorganisation(app):
    """Departments merged on 01/03/2025 and district-level units ended on 30/06/2025: no meeting names a unit
    before it was formed or after it ended (preparing unit, invited units, bridge points)."""
    import meetingsvc.demo as demo
    from meetingsvc.core.time import to_local
    from meetingsvc.directory.models import Unit
    from meetingsvc.meetings.models import Attendee

    demo._ensure_directory()
    generate_meetings(date(2025, 2, 10), date(2025, 3, 14))
    generate_meetings(date(2025, 6, 23), date(2025, 7, 4), seed=7)
    generate_meetings(date(2026, 4, 1), date(2026, 4, 10), seed=8)
    day_of = {m.id: to_local(m.start_at).date() for m in db.session.scalars(sa.select(Meeting))}
    units = {u.id: u for u in db.session.scalars(sa.select(Unit))}
    uses = [(m.id, m.preparing_unit_id) for m in db.session.scalars(sa.select(Meeting)) if m.preparing_unit_id]
    uses += db.session.execute(sa.select(Attendee.meeting_id, Attendee.unit_id).where(Attendee.unit_id.is_not(None)))
    uses += db.session.execute(sa.select(BridgePoint.meeting_id, BridgePoint.unit_id)
                               .where(BridgePoint.unit_id.is_not(None)))
    wrong = [(units[u].code, day_of[m]) for m, u in uses if not units[u].is_valid_on(day_of[m])]
    assert not wrong, wrong[:10]
    codes_by_period = {}
    for m, u in uses:
        codes_by_period.setdefault(day_of[m] >= date(2025, 3, 1), set()).add(units[u].code)
    assert "SO-KHDT" in codes_by_period[False] and "SO-KHDT" not in codes_by_period[True]
    assert "SO-TC-2025" in codes_by_period[True] and "SO-TC-2025" not in codes_by_period[False]
    bridged = {units[u].kind for m, u in db.session.execute(sa.select(BridgePoint.meeting_id, BridgePoint.unit_id)
                                                            .where(BridgePoint.unit_id.is_not(None)))
               if day_of[m] >= date(2025, 7, 1)}
    assert "district" not in bridged and bridged & {"ward", "commune"}


def test_the_demo_covers_last_year_too(app, monkeypatch):
    """Reports compare with a year earlier: the loader asks for last year and this year."""
    import meetingsvc.demo as demo

    asked = []
    monkeypatch.setattr(demo, "local_today", lambda: date(2026, 3, 10))
    monkeypatch.setattr(demo, "generate_meetings", lambda first, last: asked.append((first, last)) or 0)
    monkeypatch.setattr(demo, "_publish_current_weeks", lambda today: None)
    result = app.test_cli_runner().invoke(load, ["--password", "demo-pass-1"])
    assert result.exit_code == 0, result.output
    assert asked == [(date(2025, 1, 1), date(2026, 12, 31))]
