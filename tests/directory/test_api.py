"""Directory API: reads for everyone signed in, POST/PATCH for admins, 400/403/404/409."""

from meetingsvc.auth.services import create_api_token
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db


def _bearer(create_user, role):
    user = create_user(role=role)
    _token, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_any_signed_in_user_lists_units_with_filters(client, create_user, chain, create_unit):
    city, district, ward = chain
    create_unit(code="OLD", name="Phường Cũ", kind="ward", is_active=False)
    headers = _bearer(create_user, "viewer")
    data = client.get("/api/v1/units?q=truc%20bach", headers=headers).get_json()
    assert [u["code"] for u in data["units"]] == ["00004"]
    kinds = client.get("/api/v1/units?kind=ward,district", headers=headers).get_json()
    assert {u["code"] for u in kinds["units"]} == {"001", "00004"}
    inactive = client.get("/api/v1/units?active=false", headers=headers).get_json()
    assert [u["code"] for u in inactive["units"]] == ["OLD"]
    assert client.get("/api/v1/units?active=maybe", headers=headers).status_code == 400
    assert client.get("/api/v1/units").status_code == 401


def test_admin_creates_and_patches_a_unit(client, create_user, chain):
    city, district, ward = chain
    headers = _bearer(create_user, "admin")
    created = client.post("/api/v1/units", json={"code": "SO-YT", "name": "Sở Y tế", "kind": "department",
                                                 "parent_id": city.id}, headers=headers)
    assert created.status_code == 201
    unit_id = created.get_json()["id"]
    moved = client.patch(f"/api/v1/units/{ward.id}", json={"parent_id": unit_id}, headers=headers)
    assert moved.status_code == 200 and moved.get_json()["parent_id"] == unit_id
    cycle = client.patch(f"/api/v1/units/{unit_id}", json={"parent_id": ward.id}, headers=headers)
    assert cycle.status_code == 400 and "parent_id" in cycle.get_json()["fields"]
    duplicate = client.post("/api/v1/units", json={"code": "so-yt", "name": "X", "kind": "department"},
                            headers=headers)
    assert duplicate.status_code == 409
    assert client.patch("/api/v1/units/999999", json={"name": "X"}, headers=headers).status_code == 404
    gone = client.patch(f"/api/v1/units/{district.id}", json={"is_active": False}, headers=headers)
    assert gone.status_code == 200 and gone.get_json()["is_active"] is False
    assert db.session.query(Unit).count() == 4


def test_non_admins_cannot_write(client, create_user, chain, create_room):
    room = create_room()
    for role in ("secretary", "viewer", "technician"):
        headers = _bearer(create_user, role)
        assert client.post("/api/v1/units", json={"code": "Z", "name": "Z", "kind": "department"},
                           headers=headers).status_code == 403
        assert client.patch(f"/api/v1/rooms/{room.id}", json={"capacity": 1}, headers=headers).status_code == 403
        assert client.post("/api/v1/people", json={"full_name": "Z"}, headers=headers).status_code == 403
    assert db.session.get(Room, room.id).capacity == 40


def test_people_api(client, create_user, create_leader, create_unit):
    unit = create_unit()
    leader = create_leader(full_name="Trần Sỹ Thanh", leader_role="chairman", leader_rank=1)
    headers = _bearer(create_user, "admin")
    listed = client.get("/api/v1/people?leaders=true", headers=headers).get_json()["people"]
    assert [p["id"] for p in listed] == [leader.id]
    bad = client.post("/api/v1/people", json={"full_name": "A", "email": "not mail", "unit_id": unit.id},
                      headers=headers)
    assert bad.status_code == 400 and "email" in bad.get_json()["fields"]
    made = client.post("/api/v1/people", json={"full_name": "Nguyễn Văn Mới", "email": "moi@hanoi.gov.vn",
                                               "unit_id": unit.id}, headers=headers)
    assert made.status_code == 201
    patched = client.patch(f"/api/v1/people/{leader.id}", json={"is_active": False}, headers=headers)
    assert patched.get_json()["is_active"] is False
    assert db.session.query(Person).filter_by(is_active=True).count() == 1
    assert client.get("/api/v1/people/424242", headers=headers).status_code == 404
    assert client.post("/api/v1/people", data="{", content_type="application/json", headers=headers).status_code == 400


def test_rooms_api_refuses_zero_capacity_and_duplicates(client, create_user, create_room):
    room = create_room(name="Phòng họp A")
    headers = _bearer(create_user, "admin")
    zero = client.post("/api/v1/rooms", json={"name": "Phòng B", "capacity": 0}, headers=headers)
    assert zero.status_code == 400 and "capacity" in zero.get_json()["fields"]
    assert client.patch(f"/api/v1/rooms/{room.id}", json={"capacity": -1}, headers=headers).status_code == 400
    assert client.post("/api/v1/rooms", json={"name": "phòng họp a", "capacity": 5}, headers=headers).status_code == 409
    made = client.post("/api/v1/rooms", json={"name": "Phòng B", "capacity": 12, "equipment": ["Máy chiếu"]},
                       headers=headers)
    assert made.status_code == 201 and made.get_json()["equipment"] == ["Máy chiếu"]
    assert db.session.query(Room).count() == 2
    listed = client.get("/api/v1/rooms?min_capacity=20", headers=headers).get_json()["rooms"]
    assert [r["name"] for r in listed] == ["Phòng họp A"]


def test_session_clients_need_the_csrf_header(app, client, login_as, chain):
    login_as("admin")
    response = client.post("/api/v1/units", json={"code": "S1", "name": "S", "kind": "other"})
    assert response.status_code == 400
    assert db.session.query(Unit).count() == 3


def test_openapi_lists_directory_paths(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"/units", "/units/{unit_id}", "/people", "/rooms/{room_id}"} <= set(doc["paths"])
    assert "patch" in doc["paths"]["/units/{unit_id}"] and "UnitInput" in doc["components"]["schemas"]
