"""Units, people and rooms record when they last changed

Feeds write names, titles and rooms of the meetings they carry; their validators (ETag, Last-Modified) take the
newest change of those rows as well, so that renaming a room or a leader can never leave a cached feed stale.
Existing rows get the time of the upgrade.

Revision ID: d4b2e6f7a8c9
Revises: c3a1d2e4f5b6
Create Date: 2026-12-01 19:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "d4b2e6f7a8c9"
down_revision = "c3a1d2e4f5b6"
branch_labels = None
depends_on = None

TABLES = ("units", "people", "rooms")


def upgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        # A constant default lets SQLite add the column in place (rebuilding these tables would trip the
        # foreign keys that point at them); the rows already there then take the time of the upgrade.
        op.add_column(table, sa.Column("updated_at", sa.DateTime(), nullable=False,
                                       server_default=sa.text("'1970-01-01 00:00:00'")))
        op.execute(f"UPDATE {table} SET updated_at = CURRENT_TIMESTAMP" if sqlite else
                   f"UPDATE {table} SET updated_at = now() AT TIME ZONE 'UTC'")
        if not sqlite:  # SQLite cannot drop a default in place; the app always sets the value anyway
            op.alter_column(table, "updated_at", server_default=None)
        op.create_index(f"ix_{table}_updated_at", table, ["updated_at"])


def downgrade():
    for table in TABLES:
        op.drop_index(f"ix_{table}_updated_at", table_name=table)
        op.drop_column(table, "updated_at")
