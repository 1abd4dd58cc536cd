"""Directory pages: secretaries read, admins change; refused forms keep what was typed; search; photos."""

import io

import pytest

from meetingsvc.core.audit import history
from meetingsvc.directory.models import Person, Room, Unit, UnitGroup
from meetingsvc.extensions import db
from tests.directory.access import PNG
from tests.directory.conftest import unit_by_code


def test_secretary_reads_but_cannot_change(client, login_as, chain):
    city, district, ward = chain
    login_as("secretary")
    assert client.get("/directory/units").status_code == 200
    assert client.get(f"/directory/units/{ward.id}").status_code == 200
    posts = [
        ("/directory/units/new", {"code": "X", "name": "X", "kind": "department"}),
        (f"/directory/units/{ward.id}/edit", {"code": ward.code, "name": "Đổi tên", "kind": "ward"}),
        (f"/directory/units/{ward.id}/move", {"parent_id": city.id}),
        (f"/directory/units/{ward.id}/active", {"active": "0"}),
        ("/directory/rooms/new", {"name": "R", "capacity": "5"}),
        ("/directory/people/new", {"full_name": "A"}),
        ("/directory/groups/new", {"name": "G", "rule_kind": "ward"}),
        ("/directory/import", {"what": "units"}),
        ("/directory/import/confirm", {"payload": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert db.session.get(Unit, ward.id).name == "Phường Trúc Bạch"
    assert db.session.get(Unit, ward.id).is_active
    assert db.session.query(Unit).count() == 3


@pytest.mark.parametrize("role", ["technician", "leader", "viewer"])
def test_other_roles_get_403_on_directory_pages(client, login_as, role):
    login_as(role)
    assert client.get("/directory/").status_code == 403
    assert client.get("/directory/people").status_code == 403


def test_admin_adds_a_unit_and_a_refused_form_keeps_what_was_typed(client, login_as, chain):
    city, _district, _ward = chain
    login_as("admin")
    refused = client.post("/directory/units/new", data={"code": "01", "name": "Sở Nội vụ mới", "kind": "department",
                                                        "parent_id": str(city.id)})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Sở Nội vụ mới" in page and "đã được dùng" in page
    done = client.post("/directory/units/new", data={"code": "SO-NV", "name": "Sở Nội vụ", "kind": "department",
                                                     "parent_id": str(city.id), "valid_from": "2025-03-01"})
    assert done.status_code == 302
    unit = unit_by_code("SO-NV")
    assert unit.parent_id == city.id and str(unit.valid_from) == "2025-03-01"
    assert history(unit)[0].user is not None


def test_cycle_through_the_edit_page_is_refused(client, login_as, chain):
    city, _district, ward = chain
    login_as("admin")
    response = client.post(f"/directory/units/{city.id}/edit", data={
        "code": "01", "name": city.name, "kind": "city", "parent_id": str(ward.id)})
    assert response.status_code == 400
    assert "không thể" in response.get_data(as_text=True).lower()
    db.session.expire_all()
    assert db.session.get(Unit, city.id).parent_id is None


def test_move_a_ward_with_the_move_form(client, login_as, chain, create_unit):
    city, district, ward = chain
    other = create_unit(code="002", name="Quận Hoàn Kiếm", kind="district", parent_id=city.id)
    login_as("admin")
    assert client.post(f"/directory/units/{ward.id}/move", data={"parent_id": str(other.id)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Unit, ward.id).parent_id == other.id
    # moving the district under its own ward is refused
    client.post(f"/directory/units/{district.id}/move", data={"parent_id": str(ward.id)})
    client.post(f"/directory/units/{other.id}/move", data={"parent_id": str(ward.id)})
    db.session.expire_all()
    assert db.session.get(Unit, other.id).parent_id == city.id


def test_units_search_without_diacritics_and_former_units_on_demand(client, login_as, chain):
    _city, district, ward = chain
    login_as("secretary")
    page = client.get("/directory/units?q=truc+bach").get_data(as_text=True)
    assert "Phường Trúc Bạch" in page
    client.application  # noqa: B018
    from meetingsvc.directory import services

    services.update_unit(district, {"valid_to": "2025-06-30"})
    db.session.commit()
    assert "Quận Ba Đình" not in client.get("/directory/units").get_data(as_text=True)
    assert "Quận Ba Đình" in client.get("/directory/units?former=1").get_data(as_text=True)


def test_people_page_search_and_deactivate(client, login_as, create_leader):
    leader = create_leader(full_name="Nguyễn Thị Hồng Nhung")
    login_as("admin")
    assert "Nguyễn Thị Hồng Nhung" in client.get("/directory/people?q=hong+nhung").get_data(as_text=True)
    refused = client.post("/directory/people/new", data={"full_name": "Phạm Văn Cường", "email": "cuong@"})
    assert refused.status_code == 400 and "Phạm Văn Cường" in refused.get_data(as_text=True)
    deactivated = client.post(f"/directory/people/{leader.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Đã ngừng sử dụng cán bộ Nguyễn Thị Hồng Nhung" in deactivated.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Person, leader.id).is_active
    assert "Nguyễn Thị Hồng Nhung" not in client.get("/directory/people").get_data(as_text=True)
    assert "Nguyễn Thị Hồng Nhung" in client.get("/directory/people?inactive=1").get_data(as_text=True)


def test_admin_adds_a_room_with_a_photo_and_anyone_signed_in_sees_it(client, login_as):
    login_as("admin")
    zero = client.post("/directory/rooms/new", data={"name": "Phòng 301", "capacity": "0"})
    assert zero.status_code == 400 and db.session.query(Room).count() == 0
    bad_photo = client.post("/directory/rooms/new", data={
        "name": "Phòng 301", "capacity": "30", "photo": (io.BytesIO(b"GIF89a"), "p.gif")},
        content_type="multipart/form-data")
    assert bad_photo.status_code == 400 and db.session.query(Room).count() == 0
    done = client.post("/directory/rooms/new", data={
        "name": "Phòng 301", "building": "Nhà A", "capacity": "30", "equipment": "Máy chiếu\nMicro",
        "is_bookable": "y", "photo": (io.BytesIO(PNG), "room.png")}, content_type="multipart/form-data")
    assert done.status_code == 302
    room = db.session.query(Room).one()
    assert room.equipment == ["Máy chiếu", "Micro"] and room.is_bookable
    login_as("viewer")
    photo = client.get(f"/directory/rooms/{room.id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png" and photo.data == PNG


def test_group_pages(client, login_as, chain):
    login_as("admin")
    response = client.post("/directory/groups/new", data={"name": "Các phường", "rule_kind": "ward"})
    assert response.status_code == 302
    group = db.session.query(UnitGroup).one()
    assert [u.code for u in group.units] == ["00004"]
    assert "Các phường" in client.get("/directory/groups").get_data(as_text=True)
    assert client.post(f"/directory/groups/{group.id}/active", data={"active": "0"}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(UnitGroup, group.id).is_active


def test_a_saved_group_opens_on_its_members_and_a_duplicate_name_names_the_group(client, login_as, chain):
    login_as("admin")
    response = client.post("/directory/groups/new", data={"name": "Các phường", "rule_kind": "ward"})
    group = db.session.query(UnitGroup).one()
    assert response.headers["Location"].endswith(f"/directory/groups/{group.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Phường Trúc Bạch" in page
    again = client.post("/directory/groups/new", data={"name": "CÁC PHƯỜNG", "rule_kind": "ward"})
    assert again.status_code == 400 and "Đã có nhóm tên Các phường." in again.get_data(as_text=True)


def test_a_duplicate_room_name_names_the_room_that_has_it(client, login_as, create_room):
    create_room(name="Phòng họp số 1")
    login_as("admin")
    refused = client.post("/directory/rooms/new", data={"name": "phòng họp số 1", "capacity": "10"})
    assert refused.status_code == 400 and "Đã có phòng tên Phòng họp số 1." in refused.get_data(as_text=True)


def test_the_change_log_says_when_its_dates_are_the_wrong_way_round(client, login_as):
    login_as("admin")
    response = client.get("/directory/history?from=31/12/2026&to=01/01/2026")
    assert response.status_code == 400
    assert "Ngày kết thúc trước ngày bắt đầu." in response.get_data(as_text=True)
    assert client.get("/directory/history?from=01/01/2026&to=01/01/2026").status_code == 200


def test_a_nul_character_typed_in_a_group_or_an_account_is_said_beside_the_field(client, login_as, chain):
    login_as("admin")
    refused = client.post("/directory/groups/new", data={"name": "Các phường", "description": "a\x00b",
                                                         "rule_kind": "ward"})
    assert refused.status_code == 400 and "NUL" in refused.get_data(as_text=True)
    account = client.post("/users/new", data={"username": "thuky9", "display_name": "Thư\x00ký", "role": "viewer",
                                              "clearance": "internal", "language": "vi",
                                              "password": "mat-khau-dai-2026"})
    assert account.status_code == 400 and "NUL" in account.get_data(as_text=True)
    assert db.session.query(UnitGroup).count() == 0


def test_a_taken_code_is_said_together_with_the_other_errors(client, login_as, chain, create_room):
    create_room(name="Phòng họp số 1")
    login_as("admin")
    unit = client.post("/directory/units/new", data={"code": "001", "name": "Trùng mã", "kind": "district",
                                                     "valid_from": "31/02/2025"}).get_data(as_text=True)
    assert "Mã 001 đã được dùng cho Quận Ba Đình." in unit and "Ngày không hợp lệ" in unit
    room = client.post("/directory/rooms/new", data={"name": "Phòng họp số 1", "capacity": "0"}).get_data(as_text=True)
    assert "Đã có phòng tên Phòng họp số 1." in room and "Sức chứa phải lớn hơn 0." in room
    group = client.post("/directory/groups/new", data={"name": "Nhóm A", "rule_kind": "ward"})
    assert group.status_code == 302
    again = client.post("/directory/groups/new", data={"name": "Nhóm A", "unit_ids": ["999999"]}).get_data(as_text=True)
    assert "Đã có nhóm tên Nhóm A." in again and "Không có đơn vị này." in again
    assert db.session.query(Unit).count() == 3 and db.session.query(Room).count() == 1
