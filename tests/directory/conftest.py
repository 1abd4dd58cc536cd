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
