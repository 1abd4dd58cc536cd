"""The report's number of queries is fixed: it does not grow with the number of meetings (nor do the lists')."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.extensions import db
from meetingsvc.online.models import BridgePoint
from meetingsvc.reports.lists import figure_list
from meetingsvc.reports.periods import make_period
from meetingsvc.reports.services import build_report
from tests.helpers import BACKEND


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


def _measure(period, user, dataset):
    db.session.expire_all()
    with count_queries() as report_queries:
        report = build_report(period, user=user)
    counts = {"report": len(report_queries)}
    for key in ("held", "participant_attendances", f"unit:{dataset['u1'].id}", f"room_use:{dataset['r1'].id}",
                "participants_planned_only", "postponed"):
        db.session.expire_all()
        with count_queries() as list_queries:
            figure_list(key, period, user=user, limit=100)
        counts[key] = len(list_queries)
    return report, counts


def test_summary_and_list_queries_do_not_grow_with_meetings(dataset, create_meeting, create_user):
    period = make_period("year", 2022)
    viewer = create_user(role="viewer")
    small, before = _measure(period, viewer, dataset)
    for i in range(40):
        day = date(2022, 2, 1) + timedelta(days=i)
        meeting = create_meeting(day=day, start="14:00", end="15:00", mode="online", chair_id=dataset["vc1"].id,
                                 co_chairs=[dataset["vc2"]], preparing_unit_id=dataset["u1"].id,
                                 room_id=dataset["r1"].id, kind="thematic", title=f"Họp chuyên đề {i}",
                                 classification="mat" if i % 5 == 0 else "internal")
        db.session.add(BridgePoint(meeting_id=meeting.id, site_name="Điểm cầu", actual_participants=10))
        db.session.add(BridgePoint(meeting_id=meeting.id, site_name="Điểm cầu 2", planned_participants=5))
    db.session.commit()
    big, after = _measure(period, viewer, dataset)
    assert big.figures["held"].current == small.figures["held"].current + 40
    assert big.figures["bridge_participants"].current == small.figures["bridge_participants"].current + 32 * 15
    assert after == before
    assert before["report"] <= 30


@pytest.mark.skipif(BACKEND != "postgres", reason="only PostgreSQL has a JIT compiler")
def test_report_turns_off_the_postgres_jit_for_its_own_transaction(dataset):
    # JIT compiling the wide SUM(CASE …) queries took ten times longer than running them (benchmark, 1x).
    build_report(make_period("year", 2022), with_monthly=False)
    assert db.session.execute(sa.text("SHOW jit")).scalar() == "off"


@pytest.mark.skipif(BACKEND != "sqlite", reason="reads SQLite's query plans")
def test_the_figures_query_does_not_run_a_subquery_per_meeting_for_each_figure(dataset, create_user):
    # The leaders' links are one set per query, probed per meeting; as correlated EXISTS they were a subquery
    # per meeting in each of the ~60 places the figures use them (two thirds of the report's time, benchmark 1x).
    with count_queries() as statements:
        build_report(make_period("year", 2022), user=create_user(role="viewer"), with_monthly=False)
    widest = max(statements, key=len)
    assert widest.count("sum(") >= 30  # the scalar figures
    plan = [row[3] for row in db.session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + widest, (None,) * widest.count("?"))]  # the plan needs no values
    assert sum("CORRELATED" in step for step in plan) <= 6, plan
