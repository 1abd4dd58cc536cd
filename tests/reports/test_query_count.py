"""The report's number of queries is fixed: it does not grow with the number of meetings."""

from contextlib import contextmanager
from datetime import date, timedelta

import sqlalchemy as sa

from meetingsvc.extensions import db
from meetingsvc.online.models import BridgePoint
from meetingsvc.reports.periods import make_period
from meetingsvc.reports.services import build_report


@contextmanager
def count_queries():
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_summary_queries_do_not_grow_with_meetings(dataset, create_meeting):
    period = make_period("year", 2022)
    db.session.expire_all()
    with count_queries() as before:
        small = build_report(period)
    for i in range(40):
        day = date(2022, 2, 1) + timedelta(days=i)
        meeting = create_meeting(day=day, start="14:00", end="15:00", mode="online", chair_id=dataset["vc1"].id,
                                 co_chairs=[dataset["vc2"]], preparing_unit_id=dataset["u1"].id,
                                 room_id=dataset["r1"].id, kind="thematic", title=f"Họp chuyên đề {i}")
        db.session.add(BridgePoint(meeting_id=meeting.id, site_name="Điểm cầu", actual_participants=10))
    db.session.commit()
    db.session.expire_all()
    with count_queries() as after:
        big = build_report(period)
    assert big.figures["held"].current == small.figures["held"].current + 40
    assert big.figures["bridge_participants"].current == small.figures["bridge_participants"].current + 400
    assert len(after) == len(before)
    assert len(after) < 25
