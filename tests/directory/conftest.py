import pytest

from meetingsvc.directory.models import Unit
from meetingsvc.extensions import db


@pytest.fixture
def chain(create_unit):
    """City > District > Ward, as in Hanoi before 2025."""
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    district = create_unit(code="001", name="Quận Ba Đình", kind="district", parent_id=city.id)
    ward = create_unit(code="00004", name="Phường Trúc Bạch", kind="ward", parent_id=district.id)
    return city, district, ward


def count(model) -> int:
    return db.session.query(model).count()


def unit_by_code(code: str) -> Unit | None:
    return db.session.query(Unit).filter_by(code=code).one_or_none()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as statements:` lists the SQL statements run on the engine inside the block."""
    from contextlib import contextmanager

    import sqlalchemy as sa

    @contextmanager
    def counting():
        statements: list[str] = []

        def listener(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)

    return counting


@pytest.fixture
def hanoi_like(create_unit):
    """A small reorganisation: two departments merged on 01/03/2025, a district split into two wards on
    01/07/2025 that later merged again, and a unit that ended without a successor."""
    from datetime import date

    from meetingsvc.directory import services

    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    tc = create_unit(code="SO-TC", name="Sở Tài chính", kind="department", parent_id=city.id,
                     valid_to=date(2025, 2, 28))
    khdt = create_unit(code="SO-KHDT", name="Sở Kế hoạch và Đầu tư", kind="department", parent_id=city.id,
                       valid_to=date(2025, 2, 28))
    tc_new = create_unit(code="SO-TC-2025", name="Sở Tài chính", kind="department", parent_id=city.id,
                         valid_from=date(2025, 3, 1))
    district = create_unit(code="001", name="Quận Ba Đình", kind="district", parent_id=city.id,
                           valid_to=date(2025, 6, 30))
    ward_a = create_unit(code="HN-P01", name="Phường Ba Đình", kind="ward", parent_id=city.id,
                         valid_from=date(2025, 7, 1), valid_to=date(2026, 6, 30), sort_order=1)
    ward_b = create_unit(code="HN-P02", name="Phường Ngọc Hà", kind="ward", parent_id=city.id,
                         valid_from=date(2025, 7, 1), sort_order=2)
    later = create_unit(code="HN-P99", name="Phường Ba Đình mới", kind="ward", parent_id=city.id,
                        valid_from=date(2026, 7, 1), sort_order=3)
    gone = create_unit(code="BAN-X", name="Ban đã giải thể", kind="department", parent_id=city.id,
                       valid_to=date(2024, 12, 31))
    services.update_unit(tc, {"successor_ids": [tc_new.id]})
    services.update_unit(khdt, {"successor_ids": [tc_new.id]})
    services.update_unit(district, {"successor_ids": [ward_a.id, ward_b.id]})
    services.update_unit(ward_a, {"successor_ids": [later.id]})
    db.session.commit()
    return {"city": city, "tc": tc, "khdt": khdt, "tc_new": tc_new, "district": district, "ward_a": ward_a,
            "ward_b": ward_b, "later": later, "gone": gone}
