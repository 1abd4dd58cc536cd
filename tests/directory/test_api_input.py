"""Directory API input: booleans are JSON booleans, leader fields stay consistent, errors speak one language,
deactivations say what still relies on the row."""

import pytest

from meetingsvc.auth.services import create_api_token
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db


def _bearer(create_user, role="admin", **kw):
    user = create_user(role=role, **kw)
    _token, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("value", ["banana", "true", "false", 1, 0, None, [], {}])
@pytest.mark.parametrize("what, field", [("units", "is_active"), ("people", "is_active"), ("people", "is_leader"),
                                         ("rooms", "is_active"), ("rooms", "is_bookable")])
def test_patch_with_a_boolean_that_is_not_one_is_a_400_naming_the_field(client, create_user, create_unit,
                                                                        create_person, create_room, what, field,
                                                                        value):
    target = {"units": create_unit, "people": create_person, "rooms": create_room}[what]()
    headers = _bearer(create_user)
    response = client.patch(f"/api/v1/{what}/{target.id}", json={field: value, "phone": "024 1"}
                            if what == "people" else {field: value}, headers=headers)
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["fields"]
    db.session.expire_all()
    assert db.session.get(type(target), target.id).is_active is True
    if what == "people":
        assert db.session.get(Person, target.id).phone is None  # nothing of the request was written


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/units", {"code": "SO-A", "name": "Sở A", "kind": "department", "is_active": "banana"}, "is_active"),
    ("/api/v1/people", {"full_name": "Nguyễn Văn A", "is_leader": "maybe"}, "is_leader"),
    ("/api/v1/people", {"full_name": "Nguyễn Văn A", "is_leader": "true", "leader_role": "chairman"}, "is_leader"),
    ("/api/v1/rooms", {"name": "Phòng A", "capacity": 10, "is_bookable": "yes"}, "is_bookable"),
])
def test_post_with_a_boolean_that_is_not_one_is_a_400_and_writes_nothing(client, create_user, path, body, field):
    headers = _bearer(create_user)
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 400
    assert field in response.get_json()["fields"]
    assert db.session.query(Unit).count() + db.session.query(Person).count() + db.session.query(Room).count() == 0


def test_json_booleans_are_accepted(client, create_user):
    headers = _bearer(create_user)
    made = client.post("/api/v1/people", json={"full_name": "Trần Văn B", "is_leader": True,
                                               "leader_role": "vice_chairman", "leader_rank": 3, "is_active": False},
                       headers=headers)
    assert made.status_code == 201
    assert made.get_json()["is_leader"] is True and made.get_json()["is_active"] is False
    room = client.post("/api/v1/rooms", json={"name": "Phòng C", "capacity": 8, "is_bookable": False},
                       headers=headers)
    assert room.status_code == 201 and room.get_json()["is_bookable"] is False


def test_patch_is_leader_false_clears_role_and_rank_and_refuses_them_alongside(client, create_user, create_leader):
    leader = create_leader(leader_role="vice_chairman", leader_rank=4)
    headers = _bearer(create_user)
    refused = client.patch(f"/api/v1/people/{leader.id}", json={"is_leader": False, "leader_role": "chairman"},
                           headers=headers)
    assert refused.status_code == 400 and "leader_role" in refused.get_json()["fields"]
    refused = client.patch(f"/api/v1/people/{leader.id}", json={"is_leader": False, "leader_rank": 2},
                           headers=headers)
    assert refused.status_code == 400 and "leader_rank" in refused.get_json()["fields"]
    db.session.expire_all()
    assert db.session.get(Person, leader.id).is_leader
    done = client.patch(f"/api/v1/people/{leader.id}", json={"is_leader": False}, headers=headers)
    assert done.status_code == 200
    assert (done.get_json()["is_leader"], done.get_json()["leader_role"], done.get_json()["leader_rank"]) == (
        False, None, None)
    # as on creation: a role for someone who is not a leader is refused
    assert client.patch(f"/api/v1/people/{leader.id}", json={"leader_role": "chairman"},
                        headers=headers).status_code == 400


def test_errors_come_in_the_account_language_vietnamese_by_default(client, create_user, create_unit):
    unit = create_unit()
    vi = _bearer(create_user, language="vi")
    en = _bearer(create_user, language="en")
    missing = client.patch("/api/v1/units/999999", json={"name": "X"}, headers=vi).get_json()
    assert missing["message"].startswith("Không có đơn vị")
    assert client.patch("/api/v1/units/999999", json={"name": "X"}, headers=en).get_json()["message"].startswith(
        "No unit")
    bad = client.patch(f"/api/v1/units/{unit.id}", json={"is_active": "banana", "kind": "planet"}, headers=vi)
    fields = bad.get_json()["fields"]
    assert fields["is_active"] == "Phải là true hoặc false." and fields["kind"].startswith("Chọn một trong")
    bad_en = client.patch(f"/api/v1/units/{unit.id}", json={"is_active": "banana"}, headers=en).get_json()
    assert bad_en["fields"]["is_active"] == "Must be true or false."
    assert client.get("/api/v1/units?active=maybe", headers=vi).get_json()["message"].startswith("'active' phải")


def test_deactivating_a_room_with_upcoming_meetings_answers_with_a_warning(client, create_user, create_room,
                                                                           create_meeting):
    room = create_room()
    create_meeting(room_id=room.id)
    headers = _bearer(create_user)
    response = client.patch(f"/api/v1/rooms/{room.id}", json={"is_active": False}, headers=headers)
    assert response.status_code == 200 and response.get_json()["is_active"] is False
    assert "1" in response.get_json()["warnings"][0]
    again = client.patch(f"/api/v1/rooms/{room.id}", json={"name": "Phòng đổi tên"}, headers=headers)
    assert "warnings" not in again.get_json()


@pytest.mark.parametrize("what, body", [
    ("units", {"code": "SO-A", "name": "Sở A", "kind": "department", "parnet_id": 1}),
    ("people", {"full_name": "Nguyễn Văn A", "emial": "a@example.vn"}),
    ("rooms", {"name": "Phòng A", "capacity": 10, "capcity": 0}),
])
def test_a_field_the_resource_does_not_have_is_a_400_naming_it_on_post_and_patch(client, create_user, create_unit,
                                                                               create_person, create_room, what,
                                                                               body):
    headers = _bearer(create_user)
    typo = next(k for k in body if k in ("parnet_id", "emial", "capcity"))
    response = client.post(f"/api/v1/{what}", json=body, headers=headers)
    assert response.status_code == 400
    assert list(response.get_json()["fields"]) == [typo] and typo in response.get_json()["message"]
    model = {"units": Unit, "people": Person, "rooms": Room}[what]
    assert db.session.query(model).count() == 0
    target = {"units": create_unit, "people": create_person, "rooms": create_room}[what]()
    before = client.get(f"/api/v1/{what}/{target.id}", headers=headers).get_json()
    patched = client.patch(f"/api/v1/{what}/{target.id}", json={typo: 0}, headers=headers)
    assert patched.status_code == 400 and typo in patched.get_json()["fields"]
    assert client.get(f"/api/v1/{what}/{target.id}", headers=headers).get_json() == before


def test_an_object_read_changed_and_sent_back_is_accepted(client, create_user, create_unit, create_room):
    headers = _bearer(create_user)
    unit, room = create_unit(), create_room()
    for path in (f"/api/v1/units/{unit.id}", f"/api/v1/rooms/{room.id}"):
        body = client.get(path, headers=headers).get_json()
        body["name"] = body["name"] + " (mới)"
        response = client.patch(path, json=body, headers=headers)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["name"].endswith(" (mới)")


@pytest.mark.parametrize("value", [2.5, 0.5, 10**12, -(10**12)])
def test_a_capacity_that_is_no_whole_number_of_seats_or_too_large_is_refused(client, create_user, create_room,
                                                                             value):
    headers = _bearer(create_user)
    assert client.post("/api/v1/rooms", json={"name": "Phòng A", "capacity": value},
                       headers=headers).status_code == 400
    room = create_room(capacity=30)
    response = client.patch(f"/api/v1/rooms/{room.id}", json={"capacity": value}, headers=headers)
    assert response.status_code == 400 and "capacity" in response.get_json()["fields"]
    db.session.expire_all()
    assert db.session.get(Room, room.id).capacity == 30
    assert client.post("/api/v1/rooms", json={"name": "Phòng B", "capacity": 12.0},
                       headers=headers).get_json()["capacity"] == 12


@pytest.mark.parametrize("what", ["units", "people", "rooms"])
def test_deactivating_through_the_api_reads_as_a_deactivation_in_the_log(client, create_user, create_unit,
                                                                         create_person, create_room, what):
    from meetingsvc.core.audit import history

    headers = _bearer(create_user)
    target = {"units": create_unit, "people": create_person, "rooms": create_room}[what]()
    assert client.patch(f"/api/v1/{what}/{target.id}", json={"is_active": False},
                        headers=headers).status_code == 200
    assert client.patch(f"/api/v1/{what}/{target.id}", json={"is_active": True},
                        headers=headers).status_code == 200
    db.session.expire_all()
    actions = [entry.action for entry in history(db.session.get(type(target), target.id))]
    assert actions[:2] == ["activate", "deactivate"]


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/units", {"code": "SO-A", "name": "Sở\x00A", "kind": "department"}, "name"),
    ("/api/v1/people", {"full_name": "Nguyễn\x00Văn A"}, "full_name"),
    ("/api/v1/people", {"full_name": "Nguyễn Văn A", "title": "Chuyên\x00viên"}, "title"),
    ("/api/v1/rooms", {"name": "Phòng A", "capacity": 10, "equipment": ["Máy\x00chiếu"]}, "equipment"),
])
def test_a_nul_character_is_a_field_error_on_both_backends(client, create_user, path, body, field):
    headers = _bearer(create_user)
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 400
    assert "NUL" in response.get_json()["fields"][field]
    assert db.session.query(Unit).count() + db.session.query(Person).count() + db.session.query(Room).count() == 0
