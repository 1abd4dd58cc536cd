"""Fixtures for online meetings: a small city with district-level units, wards and departments."""

from datetime import date

import pytest

from meetingsvc.extensions import db
from tests.helpers import next_weekday

# A day last week: actual figures may be recorded (the meeting has started), and the units are those of now.
PAST_DAY = next_weekday(1, weeks_ahead=-1)


@pytest.fixture
def city(create_unit):
    """The city, 2 departments, 3 district-level units (one dissolved on 30/6/2025), 2 wards under the first
    district and 2 communes created on 1/7/2025 directly under the city."""
    root = create_unit(code="HN", name="Thành phố Hà Nội", kind="city")
    departments = [create_unit(code=f"SO{i}", name=f"Sở {name}", kind="department", parent_id=root.id, sort_order=i)
                   for i, name in enumerate(["Nội vụ", "Tài chính"], start=1)]
    districts = [create_unit(code=f"Q{i}", name=f"Quận {name}", kind="district", parent_id=root.id, sort_order=i,
                             valid_to=date(2025, 6, 30) if i == 3 else None)
                 for i, name in enumerate(["Ba Đình", "Hoàn Kiếm", "Cầu Giấy"], start=1)]
    wards = [create_unit(code=f"P{i}", name=f"Phường {name}", kind="ward", parent_id=districts[0].id, sort_order=i)
             for i, name in enumerate(["Điện Biên", "Kim Mã"], start=1)]
    communes = [create_unit(code=f"X{i}", name=f"Xã {name}", kind="commune", parent_id=root.id, sort_order=i,
                            valid_from=date(2025, 7, 1)) for i, name in enumerate(["Sóc Sơn", "Đông Anh"], start=1)]
    return {"root": root, "departments": departments, "districts": districts, "wards": wards, "communes": communes}


@pytest.fixture
def online_meeting(create_meeting):
    """An online conference next week (so the dissolved district is gone and the new communes exist)."""

    def make(**kw):
        kw.setdefault("title", "Hội nghị trực tuyến triển khai nhiệm vụ")
        kw.setdefault("kind", "online_conference")
        kw.setdefault("mode", "online")
        return create_meeting(**kw)

    return make


@pytest.fixture
def add_points():
    """Bridge points straight into the database: add_points(meeting, [unit, ...], planned=..., actual=...)."""
    from meetingsvc.online.models import BridgePoint

    def make(meeting, units=(), sites=(), planned=None, actual=None):
        points = [BridgePoint(meeting_id=meeting.id, unit_id=u.id, planned_participants=planned,
                              actual_participants=actual, sort_order=i) for i, u in enumerate(units, start=1)]
        points += [BridgePoint(meeting_id=meeting.id, site_name=s, planned_participants=planned,
                               actual_participants=actual, sort_order=100 + i) for i, s in enumerate(sites)]
        db.session.add_all(points)
        db.session.commit()
        return points

    return make
