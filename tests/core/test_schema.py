"""The migrations build exactly the schema the models describe, and the database enforces its invariants."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from meetingsvc.extensions import db
from meetingsvc.meetings.models import Meeting


def test_models_and_migrations_agree():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_end_before_start_is_refused_by_the_database(create_meeting):
    meeting = create_meeting()
    meeting.end_at = meeting.start_at - timedelta(hours=1)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_unknown_status_is_refused_by_the_database(create_meeting):
    meeting = create_meeting()
    db.session.execute(sa.text("SELECT 1"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(status="maybe"))
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize("column", ["room", "chair"])
def test_the_database_refuses_an_overlapping_booking(column, create_meeting, create_room, create_leader):
    target = {"room": lambda: {"room_id": create_room().id}, "chair": lambda: {"chair_id": create_leader().id}}[column]()
    first = create_meeting(start="08:00", end="10:00", **target)
    with pytest.raises(sa.exc.IntegrityError):
        create_meeting(start="09:30", end="11:00", day=db.session.get(Meeting, first.id).start_at.date(), **target)
    db.session.rollback()


def test_back_to_back_and_cancelled_meetings_do_not_clash(create_meeting, create_room):
    room = create_room()
    first = create_meeting(start="08:00", end="10:00", room_id=room.id)
    create_meeting(start="10:00", end="11:00", room_id=room.id)
    first.status = "cancelled"
    db.session.commit()
    create_meeting(start="08:30", end="09:30", room_id=room.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 3


def test_times_come_back_aware_in_utc(create_meeting):
    meeting = create_meeting()
    db.session.expire_all()
    again = db.session.get(Meeting, meeting.id)
    assert again.start_at.tzinfo is not None and again.start_at.utcoffset() == timedelta(0)


def test_a_long_meeting_still_blocks_its_room_weeks_after_it_started(create_meeting, create_room):
    """The SQLite guard looks back a bounded window (31 days): a 20-day booking must still be seen."""
    room = create_room()
    long_one = create_meeting(room_id=room.id, start="08:00", end="17:00")
    long_one.end_at = long_one.start_at + timedelta(days=20)
    db.session.commit()
    later = db.session.get(Meeting, long_one.id).start_at + timedelta(days=19)
    with pytest.raises(sa.exc.IntegrityError):
        create_meeting(room_id=room.id, start_at=later, end_at=later + timedelta(hours=2))
    db.session.rollback()


def test_meetings_longer_than_31_days_are_refused(create_room, create_meeting, app):
    """The app caps durations (MAX_MEETING_HOURS <= 744); on SQLite the overlap trigger refuses them as well,
    because it looks back only 31 days. PostgreSQL's exclusion constraint needs no window and no such limit."""
    assert app.config["MAX_MEETING_HOURS"] <= 31 * 24
    if db.engine.dialect.name != "sqlite":
        return
    first = create_meeting(room_id=create_room().id)
    with pytest.raises(sa.exc.IntegrityError):
        create_meeting(room_id=first.room_id, start_at=first.start_at + timedelta(days=40),
                       end_at=first.start_at + timedelta(days=80))
    db.session.rollback()
