"""People, rooms, groups: validation, deactivation rules, pickers, photos."""

import pytest

from meetingsvc.core.audit import history
from meetingsvc.core.errors import ValidationError
from meetingsvc.directory import services
from meetingsvc.directory.models import Person, Room, UnitGroup
from meetingsvc.extensions import db
from tests.directory.access import PNG


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "nguyen van a@hanoi.gov.vn", "x@@hanoi.gov.vn"])
def test_an_email_that_is_not_one_is_refused(email):
    with pytest.raises(ValidationError) as refused:
        services.create_person({"full_name": "Nguyễn Văn A", "email": email})
    assert "email" in refused.value.fields
    db.session.rollback()
    assert db.session.query(Person).count() == 0


def test_person_is_created_with_normalised_email_and_audit(create_unit):
    unit = create_unit()
    person = services.create_person({"full_name": "  Trần  Thị   B ", "title": "Giám đốc Sở", "unit_id": unit.id,
                                     "email": "Tran.B@Hanoi.GOV.vn", "phone": "024 3825 3536"})
    db.session.commit()
    assert person.full_name == "Trần Thị B"
    assert person.email == "Tran.B@hanoi.gov.vn"
    assert history(person)[0].after["unit_id"] == unit.id


@pytest.mark.parametrize("data, field", [
    ({"full_name": ""}, "full_name"),
    ({"full_name": "A", "leader_rank": "0", "is_leader": True}, "leader_rank"),
    ({"full_name": "A", "leader_role": "king", "is_leader": True}, "leader_role"),
    ({"full_name": "A", "leader_role": "chairman", "is_leader": False}, "leader_role"),
    ({"full_name": "A", "phone": "call me"}, "phone"),
    ({"full_name": "A", "unit_id": 424242}, "unit_id"),
])
def test_bad_person_input_is_refused(data, field):
    with pytest.raises(ValidationError) as refused:
        services.create_person(data)
    assert field in refused.value.fields


def test_leaders_are_offered_in_rank_order_and_deactivated_ones_disappear(create_leader, create_person):
    vice = create_leader(full_name="Phó Chủ tịch Hai", leader_role="vice_chairman", leader_rank=3)
    chairman = create_leader(full_name="Chủ tịch Một", leader_role="chairman", leader_rank=1)
    standing = create_leader(full_name="PCT Thường trực", leader_role="standing_vice_chairman", leader_rank=2)
    staff = create_person(full_name="Chuyên viên")
    assert services.active_people(leaders_only=True) == [chairman, standing, vice]
    assert services.active_people()[-1] == staff
    services.set_person_active(vice, False)
    db.session.commit()
    assert vice not in services.active_people(leaders_only=True)
    assert db.session.get(Person, vice.id).full_name == "Phó Chủ tịch Hai"


def test_deactivated_chair_still_shows_on_past_meetings(client, login_as, create_leader, create_meeting):
    from datetime import date

    leader = create_leader(full_name="Lê Văn Chủ Trì", title="Phó Chủ tịch UBND Thành phố")
    past = create_meeting(chair_id=leader.id, day=date(2024, 5, 14), title="Họp về giải phóng mặt bằng",
                          classification="internal", status="held")
    services.set_person_active(leader, False)
    db.session.commit()
    login_as("secretary")
    page = client.get(f"/meetings/{past.id}").get_data(as_text=True)
    assert "Lê Văn Chủ Trì" in page
    assert leader not in services.active_people(leaders_only=True)


@pytest.mark.parametrize("capacity", [0, -5, "0", "many", None])
def test_room_capacity_must_be_more_than_zero(capacity):
    with pytest.raises(ValidationError) as refused:
        services.create_room({"name": "Phòng họp số 9", "capacity": capacity})
    assert "capacity" in refused.value.fields
    db.session.rollback()
    assert db.session.query(Room).count() == 0


def test_room_with_equipment_and_photo(create_room):
    room = services.create_room({"name": "Phòng họp tầng 3", "building": "Trụ sở 12 Lê Lai", "capacity": "40",
                                 "equipment": "Máy chiếu\nMàn hình LED, Micro có dây; Máy chiếu"}, photo=PNG)
    db.session.commit()
    assert room.capacity == 40
    assert room.equipment == ["Máy chiếu", "Màn hình LED", "Micro có dây"]
    assert room.photo_mimetype == "image/png"
    with pytest.raises(services.DuplicateError):
        services.create_room({"name": "phòng họp tầng 3", "capacity": 10})


@pytest.mark.parametrize("content", [b"GIF89a....", b"<svg></svg>", b"\x89PNG\r\n\x1a\n" + b"0" * services.PHOTO_MAX_BYTES])
def test_photo_must_be_a_small_jpeg_png_or_webp(content):
    with pytest.raises(ValidationError) as refused:
        services.create_room({"name": "Phòng X", "capacity": 10}, photo=content)
    assert "photo" in refused.value.fields


def test_deactivated_room_leaves_pickers(create_room):
    room, other = create_room(), create_room(is_bookable=False)
    assert services.active_rooms() == sorted([room, other], key=lambda r: r.name)
    assert services.active_rooms(bookable_only=True) == [room]
    services.set_room_active(room, False)
    db.session.commit()
    assert room not in services.active_rooms()
    assert history(room)[0].action == "deactivate"


def test_group_from_a_rule_and_a_pick_list(chain, create_unit):
    city, district, ward = chain
    second = create_unit(code="002", name="Quận Hoàn Kiếm", kind="district", parent_id=city.id)
    dept = create_unit(code="SO-CT", name="Sở Công Thương", kind="department", parent_id=city.id)
    group = services.create_group({"name": "Các quận, huyện", "rule_kind": "district"})
    assert {u.id for u in group.units} == {district.id, second.id}
    econ = services.create_group({"name": "Khối kinh tế", "unit_ids": [dept.id], "rule_parent_id": district.id})
    assert {u.id for u in econ.units} == {dept.id, ward.id}
    db.session.commit()
    with pytest.raises(services.DuplicateError):
        services.create_group({"name": "các quận, huyện", "unit_ids": [dept.id]})
    with pytest.raises(ValidationError):
        services.create_group({"name": "Trống", "unit_ids": []})
    services.set_group_active(group, False)
    db.session.commit()
    assert group not in services.active_groups()
    assert db.session.get(UnitGroup, group.id).units
