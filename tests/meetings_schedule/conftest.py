"""Fixtures for the weekly schedule tests: a week in the future and a query counter."""

import pytest
import sqlalchemy as sa

from meetingsvc.extensions import db as _db
from tests.helpers import next_weekday


@pytest.fixture
def monday():
    """Monday of the week after next, so that nothing else in a test lands in it."""
    return next_weekday(0, weeks_ahead=2)


class QueryCounter:
    def __init__(self):
        self.statements = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter:` counts the SQL statements run on the engine inside the block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        sa.event.listen(_db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(_db.engine, "before_cursor_execute", counter)

    return counting
