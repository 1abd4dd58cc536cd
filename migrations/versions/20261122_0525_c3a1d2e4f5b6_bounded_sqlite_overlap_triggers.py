"""SQLite overlap guards look back a bounded window, so their cost does not grow with the history

The first triggers bounded the search only from above (start_at < NEW.end_at) and so scanned every earlier
meeting of the room or chair. A meeting lasts at most 31 days (the app refuses longer ones, config
MAX_MEETING_HOURS is capped at 744, and the trigger refuses them too), so an overlapping meeting starts at
most 31 days before the new one: the index on (room_id, start_at) / (chair_id, start_at) then reads a
narrow range. PostgreSQL's exclusion constraints are unchanged.

Revision ID: c3a1d2e4f5b6
Revises: bb5197213df4
Create Date: 2026-11-22 05:25:00
"""

from alembic import op

revision = "c3a1d2e4f5b6"
down_revision = "bb5197213df4"
branch_labels = None
depends_on = None

ACTIVE = "('draft', 'scheduled', 'held')"
GUARDED = {"room": "room_id", "chair": "chair_id"}


def _create(bounded: bool):
    for name, column in GUARDED.items():
        window = "AND m.start_at > datetime(NEW.start_at, '-32 days') " if bounded else ""
        clash = (
            f"SELECT RAISE(ABORT, 'meetings_{name}_no_overlap') WHERE EXISTS (SELECT 1 FROM meetings m "
            f"WHERE m.{column} = NEW.{column} AND m.id IS NOT NEW.id AND m.status IN {ACTIVE} "
            f"AND m.start_at < NEW.end_at {window}AND NEW.start_at < m.end_at)"
        )
        too_long = (
            "SELECT RAISE(ABORT, 'meetings_longer_than_31_days') "
            "WHERE julianday(NEW.end_at) - julianday(NEW.start_at) > 31; " if bounded else ""
        )
        when = f"WHEN NEW.{column} IS NOT NULL AND NEW.status IN {ACTIVE}"
        op.execute(f"CREATE TRIGGER meetings_{name}_no_overlap_insert BEFORE INSERT ON meetings {when} "
                   f"BEGIN {too_long}{clash}; END")
        op.execute(f"CREATE TRIGGER meetings_{name}_no_overlap_update BEFORE UPDATE OF {column}, start_at, end_at, "
                   f"status ON meetings {when} BEGIN {too_long}{clash}; END")


def _drop():
    for name in GUARDED:
        op.execute(f"DROP TRIGGER IF EXISTS meetings_{name}_no_overlap_insert")
        op.execute(f"DROP TRIGGER IF EXISTS meetings_{name}_no_overlap_update")


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        _drop()
        _create(bounded=True)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        _drop()
        _create(bounded=False)
