"""The meetings API: statuses (201, 400, 401, 403, 404, 409, 422), filters, masking, DELETE keeps the record."""

import pytest
import sqlalchemy as sa

from meetingsvc.auth.services import create_api_token
from meetingsvc.directory.models import Room
from meetingsvc.extensions import db as _db
from meetingsvc.meetings.models import Meeting
from tests.helpers import BACKEND


@pytest.fixture
def api(client, create_user):
    """api(role="secretary", **user fields) -> a function calling the API with a Bearer token of that role."""

    def make(role="secretary", **kw):
        user = create_user(role=role, **kw)
        _token, secret = create_api_token(user)
        _db.session.commit()

        def call(method, url, **kwargs):
            headers = kwargs.pop("headers", {})
            headers["Authorization"] = f"Bearer {secret}"
            return client.open(url, method=method, headers=headers, **kwargs)

        call.user = user
        return call

    return make


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_post_creates_and_returns_201_with_location(db, api, booking):
    call = api()
    response = call("POST", "/api/v1/meetings", json=booking())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/meetings/{body['id']}")
    assert body["room"]["id"] == booking.room.id and body["chair"]["id"] == booking.leader.id
    assert body["busy"] is False and body["status"] == "scheduled"
    assert call("GET", f"/api/v1/meetings/{body['id']}").get_json()["title"] == booking()["title"]


def test_a_room_clash_is_409_naming_the_meeting(db, api, booking, create_meeting, day):
    first = create_meeting(title="Cuộc họp trước", room_id=booking.room.id, day=day)
    response = api()("POST", "/api/v1/meetings", json={**booking(chair_id=None), "accept_warnings": True})
    assert response.status_code == 409
    body = response.get_json()
    assert "Cuộc họp trước" in body["message"]
    assert body["conflicts"] == [{"id": first.id, "url": f"/meetings/{first.id}", "title": "Cuộc họp trước",
                                  "start_at": first.start_at.isoformat(), "end_at": first.end_at.isoformat(),
                                  "kinds": ["room"]}]
    assert _count(db) == 1


def test_a_meeting_clashing_by_room_and_chair_is_listed_once_with_both_kinds(db, api, booking, create_meeting, day,
                                                                            create_leader):
    co_chair = create_leader()
    first = create_meeting(title="Cuộc họp trước", room_id=booking.room.id, chair_id=booking.leader.id,
                           co_chairs=[co_chair], day=day)
    response = api()("POST", "/api/v1/meetings", json={**booking(co_chair_ids=[co_chair.id]),
                                                        "accept_warnings": True})
    assert response.status_code == 409
    conflicts = response.get_json()["conflicts"]
    assert [c["id"] for c in conflicts] == [first.id]
    assert conflicts[0]["kinds"] == ["room", "chair", "co_chair"] and conflicts[0]["title"] == "Cuộc họp trước"


def test_a_co_chair_clash_is_409(db, api, booking, create_meeting, day, create_leader, create_room):
    co_chair = create_leader(full_name="Nguyễn Văn Đồng")
    first = create_meeting(title="Đang chủ trì", chair_id=co_chair.id, room_id=create_room().id, day=day)
    response = api()("POST", "/api/v1/meetings", json={**booking(co_chair_ids=[co_chair.id]),
                                                        "accept_warnings": True})
    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert "Nguyễn Văn Đồng" in body["message"] and "Đang chủ trì" in body["message"]
    assert [(c["id"], c["kinds"]) for c in body["conflicts"]] == [(first.id, ["co_chair"])]


def test_bad_fields_are_400_with_the_fields(db, api, booking):
    response = api()("POST", "/api/v1/meetings", json=booking(end="07:00", room_id=99999, title="x" * 600))
    assert response.status_code == 400
    assert {"end", "room_id", "title"} <= set(response.get_json()["fields"])
    assert _count(db) == 0


def test_malformed_json_is_400(db, api):
    response = api()("POST", "/api/v1/meetings", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.get_json()["message"]


def test_warnings_are_422_until_accepted(db, api, booking):
    call = api()
    response = call("POST", "/api/v1/meetings", json=booking(date="2025-01-07"))
    assert response.status_code == 422
    assert "past" in [w["code"] for w in response.get_json()["warnings"]]
    assert _count(db) == 0
    assert call("POST", "/api/v1/meetings", json={**booking(date="2025-01-07"), "accept_warnings": True}
                ).status_code == 201


def test_no_token_is_401_and_a_viewer_is_403(db, client, api, booking, create_meeting):
    assert client.get("/api/v1/meetings").status_code == 401
    assert client.get("/api/v1/meetings", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    viewer = api("viewer")
    assert viewer("GET", "/api/v1/meetings").status_code == 200
    assert viewer("POST", "/api/v1/meetings", json=booking()).status_code == 403
    meeting = create_meeting()
    assert viewer("PATCH", f"/api/v1/meetings/{meeting.id}", json={"title": "x"}).status_code == 403
    assert viewer("DELETE", f"/api/v1/meetings/{meeting.id}").status_code == 403
    assert _count(db) == 1 and db.session.get(Meeting, meeting.id).status == "scheduled"


def test_unknown_meeting_is_404(db, api):
    call = api()
    assert call("GET", "/api/v1/meetings/424242").status_code == 404
    assert call("PATCH", "/api/v1/meetings/424242", json={"title": "x"}).status_code == 404
    assert call("DELETE", "/api/v1/meetings/424242").status_code == 404


def test_patch_changes_only_what_is_sent(db, api, booking, create_room):
    call = api()
    created = call("POST", "/api/v1/meetings", json=booking()).get_json()
    hall = create_room(name="Hội trường A", capacity=300)
    response = call("PATCH", f"/api/v1/meetings/{created['id']}", json={"room_id": hall.id, "start": "09:00"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["room"]["name"] == "Hội trường A" and body["title"] == created["title"]
    assert body["start_at"] != created["start_at"] and body["end_at"] == created["end_at"]
    assert body["sequence"] == 1


def test_patch_into_a_clash_is_409(db, api, booking, create_meeting, day, create_room):
    create_meeting(title="Đã đặt", room_id=booking.room.id, day=day, start="14:00", end="16:00")
    call = api()
    created = call("POST", "/api/v1/meetings", json=booking()).get_json()
    response = call("PATCH", f"/api/v1/meetings/{created['id']}", json={"start": "14:30", "end": "15:00"})
    assert response.status_code == 409 and "Đã đặt" in response.get_json()["message"]


def test_delete_cancels_and_keeps_the_record(db, api, booking):
    call = api()
    created = call("POST", "/api/v1/meetings", json=booking()).get_json()
    response = call("DELETE", f"/api/v1/meetings/{created['id']}", json={"reason": "Hoãn theo chỉ đạo"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    meeting = db.session.get(Meeting, created["id"])
    assert meeting.status == "cancelled" and meeting.status_reason == "Hoãn theo chỉ đạo"
    again = call("DELETE", f"/api/v1/meetings/{created['id']}", json={"reason": "Lần nữa"})
    assert again.status_code == 400 and "status" in again.get_json()["fields"]  # already cancelled
    # the slot is free again
    assert call("POST", "/api/v1/meetings", json=booking()).status_code == 201


def test_restore_brings_a_cancelled_meeting_back_unless_its_slot_was_taken(db, api, booking, create_room):
    call = api()
    created = call("POST", "/api/v1/meetings", json=booking()).get_json()
    assert call("POST", f"/api/v1/meetings/{created['id']}/restore").status_code == 400  # not cancelled
    call("DELETE", f"/api/v1/meetings/{created['id']}", json={"reason": "Hoãn theo chỉ đạo"})
    other = call("POST", "/api/v1/meetings", json=booking(title="Họp thay thế", room_id=create_room().id)).get_json()
    refused = call("POST", f"/api/v1/meetings/{created['id']}/restore", json={"reason": "Vẫn họp"})
    assert refused.status_code == 409 and [c["id"] for c in refused.get_json()["conflicts"]] == [other["id"]]
    assert db.session.get(Meeting, created["id"]).status == "cancelled"
    assert call("POST", f"/api/v1/meetings/{created['id']}/restore", json={"accept_warnings": "yes"}).status_code == 400
    call("DELETE", f"/api/v1/meetings/{other['id']}", json={"reason": "Nhường lịch"})
    restored = call("POST", f"/api/v1/meetings/{created['id']}/restore", json={"reason": "Vẫn họp"})
    assert restored.status_code == 200 and restored.get_json()["status"] == "scheduled"


def test_list_filters(db, api, booking, create_meeting, create_leader, create_room, create_unit, day):
    other_leader, other_room, unit = create_leader(), create_room(), create_unit()
    a = create_meeting(title="A", chair_id=booking.leader.id, room_id=booking.room.id, day=day, kind="briefing")
    b = create_meeting(title="B", co_chairs=[other_leader], room_id=other_room.id, day=day, start="14:00",
                       end="15:00", attendee_units=[unit])
    c = create_meeting(title="C", day=day, start="16:00", end="17:00", status="cancelled")
    call = api("viewer")

    def ids(query):
        response = call("GET", f"/api/v1/meetings?from={day}&to={day}&{query}")
        assert response.status_code == 200, response.get_json()
        return [m["id"] for m in response.get_json()["items"]]

    assert ids("") == [a.id, b.id, c.id]
    assert ids(f"leader={booking.leader.id}") == [a.id]
    assert ids(f"leader={other_leader.id}") == [b.id]
    assert ids(f"room={other_room.id}") == [b.id]
    assert ids(f"unit={unit.id}") == [b.id]
    assert ids("kind=briefing") == [a.id]
    assert ids("status=scheduled") == [a.id, b.id]
    assert ids("status=cancelled,postponed") == [c.id]
    page = call("GET", f"/api/v1/meetings?from={day}&to={day}&per_page=2&page=2").get_json()
    assert [m["id"] for m in page["items"]] == [c.id] and page["total"] == 3
    assert call("GET", "/api/v1/meetings?from=2026-13-01").status_code == 400
    assert call("GET", "/api/v1/meetings?kind=party").status_code == 400


def test_classified_meetings_are_busy_slots_for_callers_not_cleared(db, api, create_meeting, booking, day):
    secret = create_meeting(title="Phương án tác chiến", classification="toi_mat", chair_id=booking.leader.id,
                            room_id=booking.room.id, agenda="chi tiết", day=day, kind="briefing")
    viewer = api("viewer", clearance="internal")
    body = viewer("GET", f"/api/v1/meetings/{secret.id}").get_json()
    assert body["busy"] is True and body["title"] == "Họp (nội dung mật)"
    assert body["chair"]["id"] == booking.leader.id
    assert "agenda" not in body and "room" not in body and "Phương án" not in str(body)
    listed = viewer("GET", f"/api/v1/meetings?from={day}&to={day}").get_json()["items"]
    assert listed[0]["busy"] is True and "Phương án" not in str(listed)
    # filtering by a content attribute never reveals a busy slot's kind
    assert viewer("GET", f"/api/v1/meetings?from={day}&to={day}&kind=briefing").get_json()["items"] == []
    cleared = api("viewer", clearance="tuyet_mat")
    assert cleared("GET", f"/api/v1/meetings/{secret.id}").get_json()["title"] == "Phương án tác chiến"


def test_availability_api(db, api, booking, create_meeting, day):
    create_meeting(chair_id=booking.leader.id, day=day, start="07:30", end="10:00")
    call = api("viewer")
    response = call("GET", f"/api/v1/availability?leader={booking.leader.id}&duration=90&from={day}&to={day}")
    assert response.status_code == 200, response.get_json()
    slots = response.get_json()["slots"]
    assert slots[0]["start_at"].startswith(f"{day}T03:00")  # 10:00 local
    assert call("GET", "/api/v1/availability?leader=abc").status_code == 400
    assert call("GET", f"/api/v1/availability?leader=999999&from={day}&to={day}").status_code == 400


def test_openapi_documents_every_meetings_path(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert {"get", "post"} <= set(doc["paths"]["/meetings"])
    assert {"get", "patch", "delete"} <= set(doc["paths"]["/meetings/{meeting_id}"])
    assert "get" in doc["paths"]["/availability"]
    assert "Meeting" in doc["components"]["schemas"] and "MeetingInput" in doc["components"]["schemas"]


def test_a_nul_character_is_400_naming_the_field(db, api, booking):
    response = api()("POST", "/api/v1/meetings", json=booking(title="Họp\u0000", agenda="a\u0000b"))
    assert response.status_code == 400
    assert {"title", "agenda"} <= set(response.get_json()["fields"])
    assert _count(db) == 0


@pytest.mark.parametrize("query", ["from=9999-12-31", "from=0001-01-01", "to=9999-12-31", "from=2026-01-01&to=0001-01-01",
                                   "leader=99999999999999999999"])
def test_extreme_list_parameters_are_400(db, api, query):
    response = api("viewer")("GET", f"/api/v1/meetings?{query}")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert response.get_json()["fields"]


@pytest.mark.parametrize("query", ["from=9999-12-31", "from=0001-01-01", "to=9999-12-31", "duration=0",
                                   "duration=-30", "duration=99999999999"])
def test_bad_availability_parameters_are_400(db, api, booking, query):
    response = api("viewer")("GET", f"/api/v1/availability?leader={booking.leader.id}&{query}")
    assert response.status_code == 400, response.get_data(as_text=True)[:300]


def test_availability_never_offers_a_room_that_cannot_be_booked(db, api, create_room, day):
    create_room(name="Kho lưu trữ", capacity=500, is_bookable=False)
    create_room(name="Phòng cũ", capacity=400, is_active=False)
    create_room(name="Phòng họp lớn", capacity=300)
    call = api("viewer")
    slots = call("GET", f"/api/v1/availability?min_capacity=200&from={day}&to={day}").get_json()["slots"]
    assert slots and {s["room"]["name"] for s in slots} == {"Phòng họp lớn"}
    unbookable = db.session.scalar(sa.select(Room.id).where(Room.name == "Kho lưu trữ"))
    response = call("GET", f"/api/v1/availability?room={unbookable}&from={day}&to={day}")
    assert response.status_code == 400 and "room" in response.get_json()["fields"]  # the parameter sent


def test_unknown_filter_ids_are_400_naming_them(db, api):
    call = api("viewer")
    for name in ("leader", "room", "unit"):
        response = call("GET", f"/api/v1/meetings?{name}=987654")
        assert response.status_code == 400
        assert name in response.get_json()["fields"] and "987654" in response.get_json()["message"]


def test_a_fractional_id_is_400(db, api, booking):
    response = api()("POST", "/api/v1/meetings", json=booking(chair_id=1.7))
    assert response.status_code == 400 and "chair_id" in response.get_json()["fields"]


def test_99999_unknown_ids_give_a_bounded_error(db, api, booking):
    response = api()("POST", "/api/v1/meetings", json=booking(attendee_unit_ids=list(range(10**6, 10**6 + 99_999))))
    assert response.status_code == 400
    assert len(response.get_data()) < 1000
    response = api("viewer")("GET", "/api/v1/availability?leader=" + ",".join(map(str, range(10**6, 10**6 + 1500))))
    assert response.status_code == 400 and len(response.get_data()) < 1000


def test_401_and_404_bodies_follow_the_error_schema(db, client, api):
    body = client.get("/api/v1/meetings").get_json()
    assert body["error"] == 401 and isinstance(body["message"], str) and body["message"]
    body = api()("GET", "/api/v1/meetings/424242").get_json()
    assert body == {"error": 404, "message": "Không tìm thấy cuộc họp 424242."}


def test_cancelling_needs_a_reason(db, api, booking):
    call = api()
    created = call("POST", "/api/v1/meetings", json=booking()).get_json()
    response = call("DELETE", f"/api/v1/meetings/{created['id']}")
    assert response.status_code == 400 and "reason" in response.get_json()["fields"]
    response = call("DELETE", f"/api/v1/meetings/{created['id']}", json={"reason": "   "})
    assert response.status_code == 400
    assert db.session.get(Meeting, created["id"]).status == "scheduled"


def test_openapi_types_the_conflict_answer(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    conflict = doc["components"]["schemas"]["Conflict"]
    assert set(conflict["properties"]["conflicts"]["items"]["properties"]) >= {"id", "title", "start_at", "end_at",
                                                                               "kinds"}
    assert doc["paths"]["/meetings"]["post"]["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Conflict"}
    assert doc["components"]["schemas"]["Error"]["properties"]["error"]["type"] == "integer"


@pytest.mark.skipif(BACKEND != "postgres", reason="only PostgreSQL refuses NUL in text; SQLite stores it")
def test_text_the_database_cannot_store_is_a_400_wherever_it_slips_through(db, api):
    # A query parameter no handler checks for NUL: the database refuses it, the app says 400, not 500.
    response = api("viewer")("GET", "/api/v1/people?q=a%00b")
    assert response.status_code == 400 and response.get_json()["error"] == 400


OPENAPI_30_TYPES = {"string", "number", "integer", "boolean", "array", "object"}


def _openapi_30_problems(doc) -> list[str]:
    """What an OpenAPI 3.0 validator would refuse among the mistakes a module can make in its dict: a type that is
    not one 3.0 type (3.1's ["integer", "null"]), a `$ref` that leads nowhere, an operation without responses."""
    problems = []

    def resolve(ref):
        node = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node.get(part) if isinstance(node, dict) else None
        return node

    def walk(node, where):
        if isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")
        elif isinstance(node, dict):
            if "type" in node and not isinstance(node["type"], dict) and node["type"] not in OPENAPI_30_TYPES:
                problems.append(f"{where}: type {node['type']!r}")
            if "nullable" in node and not isinstance(node["nullable"], bool):
                problems.append(f"{where}: nullable {node['nullable']!r}")
            if isinstance(node.get("$ref"), str) and resolve(node["$ref"]) is None:
                problems.append(f"{where}: $ref {node['$ref']} leads nowhere")
            for key, value in node.items():
                if key == "securitySchemes":  # their "type" is http, apiKey…, not a schema's
                    continue
                if key != "properties":  # property names are not schema keywords ("type" may be a property)
                    walk(value, f"{where}.{key}")
                else:
                    for name, schema in value.items():
                        walk(schema, f"{where}.properties.{name}")

    walk(doc, "$")
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method in ("get", "post", "patch", "put", "delete") and not operation.get("responses"):
                problems.append(f"{method.upper()} {path}: no responses")
    return problems


def test_the_openapi_document_is_valid_openapi_3_0_whatever_each_module_writes(client):
    from meetingsvc.api.openapi import as_openapi_30

    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.0.")
    assert _openapi_30_problems(doc) == []
    # A module may write 3.1's nullable types; the merged document says them the 3.0 way.
    assert as_openapi_30({"properties": {"x": {"type": ["integer", "null"]}, "y": {"type": ["string"]}}}) == {
        "properties": {"x": {"type": "integer", "nullable": True}, "y": {"type": "string"}}}


def test_the_documented_booking_fields_are_exactly_those_accepted(client):
    from meetingsvc.meetings.validation import INPUT_FIELDS

    schema = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]["MeetingInput"]
    assert set(schema["properties"]) == INPUT_FIELDS | {"accept_warnings"}
    assert schema["additionalProperties"] is False


def test_an_unknown_or_misspelt_field_is_400_naming_it_and_writes_nothing(db, api, booking):
    call = api()
    response = call("POST", "/api/v1/meetings", json={**booking(), "titel": "Họp", "room": 3})
    assert response.status_code == 400
    body = response.get_json()
    assert body["fields"] == {"room": "unknown field", "titel": "unknown field"} and "titel" in body["message"]
    assert _count(db) == 0
    created = call("POST", "/api/v1/meetings", json=booking()).get_json()
    response = call("PATCH", f"/api/v1/meetings/{created['id']}", json={"titel": "Tên mới"})
    assert response.status_code == 400 and response.get_json()["fields"] == {"titel": "unknown field"}
    _db.session.expire_all()
    assert _db.session.get(Meeting, created["id"]).title == booking()["title"]


@pytest.mark.parametrize("flag", ["false", "yes", 1, None])
def test_accept_warnings_must_be_true_or_false(db, api, booking, flag):
    response = api()("POST", "/api/v1/meetings", json={**booking(date="2025-01-07"), "accept_warnings": flag})
    assert response.status_code == 400 and response.get_json()["fields"] == {"accept_warnings": "not a boolean"}
    assert _count(db) == 0


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_an_id_larger_than_any_row_is_404(db, api, method):
    response = api()(method, "/api/v1/meetings/99999999999999999999", json={"title": "x"})
    assert response.status_code == 404 and response.get_json()["error"] == 404


@pytest.mark.parametrize("query, field", [
    ("leader=99999", "leader"), ("room=99999", "room"), ("duration=0", "duration"),
    ("from=2026-01-01&to=2027-01-01", "to"),
])
def test_availability_errors_name_the_query_parameter(db, api, booking, query, field):
    response = api("viewer")("GET", f"/api/v1/availability?leader={booking.leader.id}&{query}")
    assert response.status_code == 400
    assert set(response.get_json()["fields"]) == {field}, response.get_json()
