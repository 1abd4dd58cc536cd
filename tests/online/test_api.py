"""/api/v1/meetings/<id>/endpoints: list, add one or many, change, remove; classified meetings never leak."""

import pytest
import sqlalchemy as sa

from meetingsvc.extensions import db
from meetingsvc.online.models import MAX_PARTICIPANTS_PER_POINT, BridgePoint
from tests.online.conftest import PAST_DAY


@pytest.fixture
def bearer(create_user):
    """Authorization headers for a new API token of `role`."""
    from meetingsvc.auth.services import create_api_token

    def make(role="secretary", **kw):
        user = create_user(role=role, **kw)
        _token, secret = create_api_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {secret}"}

    return make


def _count(meeting):
    return db.session.scalar(sa.select(sa.func.count()).select_from(BridgePoint)
                             .where(BridgePoint.meeting_id == meeting.id))


def test_list_with_totals_and_link(client, bearer, online_meeting, city, add_points):
    meeting = online_meeting(join_url="https://zoom.us/j/1", passcode="777", is_relayed=True,
                             origin_network="Thành ủy")
    add_points(meeting, city["districts"][:2], planned=10, actual=8)
    response = client.get(f"/api/v1/meetings/{meeting.id}/endpoints", headers=bearer("viewer"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["totals"] == {"points": 2, "planned": 20, "actual": 16}
    assert [e["unit"]["code"] for e in body["endpoints"]] == ["Q1", "Q2"]
    assert body["is_relayed"] is True and body["counts_in_joint_total"] is False
    assert body["online"]["passcode"] == "777"


def test_add_one_and_the_same_twice_is_400(client, bearer, online_meeting, city):
    meeting = online_meeting()
    headers = bearer("secretary")
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    response = client.post(url, json={"unit_code": "Q1", "planned_participants": 30, "is_host": True},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["is_host"] is True
    response = client.post(url, json={"unit_id": city["districts"][0].id}, headers=headers)
    assert response.status_code == 400
    assert "unit_id" in response.get_json()["fields"]
    assert _count(meeting) == 1


@pytest.mark.parametrize("body,field", [
    ({"unit_code": "Q1", "planned_participants": -1}, "planned_participants"),
    ({"unit_code": "Q1", "planned_participants": MAX_PARTICIPANTS_PER_POINT + 1}, "planned_participants"),
    ({"unit_code": "NOPE"}, "unit_id"),
    ({}, "unit_id"),
    ({"unit_code": "Q1", "site_name": "Cả hai"}, "site_name"),
    ({"unit_code": "Q1", "colour": "red"}, "colour"),
])
def test_bad_single_add_writes_nothing(client, bearer, online_meeting, city, body, field):
    meeting = online_meeting()
    response = client.post(f"/api/v1/meetings/{meeting.id}/endpoints", json=body, headers=bearer())
    assert response.status_code == 400
    assert field in response.get_json()["fields"]
    assert _count(meeting) == 0


def test_bulk_by_selection_skips_those_present(client, bearer, online_meeting, city):
    meeting = online_meeting()
    headers = bearer()
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    client.post(url, json={"unit_code": "Q2"}, headers=headers)
    response = client.post(url, json={"selection": {"kind": "district"}, "planned_participants": 15},
                           headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["added"], body["skipped"]) == (1, 1)
    assert body["totals"]["points"] == 2
    response = client.post(url, json={"selection": {"kind": "commune", "parent_id": "x"}}, headers=headers)
    assert response.status_code == 400


def test_patch_by_technician_and_its_limits(client, bearer, online_meeting, city, add_points):
    meeting = online_meeting(day=PAST_DAY)
    point = add_points(meeting, city["districts"][:1], planned=10)[0]
    url = f"/api/v1/meetings/{meeting.id}/endpoints/{point.id}"
    tech = bearer("technician")
    response = client.patch(url, json={"actual_participants": 9, "connection_status": "ok"}, headers=tech)
    assert response.status_code == 200
    assert response.get_json()["connection_status"] == "ok" and response.get_json()["checked_at"]
    assert client.patch(url, json={"planned_participants": 50}, headers=tech).status_code == 403
    assert client.patch(url, json={"actual_participants": -3}, headers=tech).status_code == 400
    assert client.patch(url, json={"actual_participants": MAX_PARTICIPANTS_PER_POINT * 10},
                        headers=tech).status_code == 400
    assert client.patch(url, json={"actual_participants": 5}, headers=bearer("viewer")).status_code == 403
    db.session.expire_all()
    assert (point.planned_participants, point.actual_participants) == (10, 9)
    assert client.delete(url, headers=tech).status_code == 403
    assert client.delete(url, headers=bearer("secretary")).status_code == 204
    assert _count(meeting) == 0


def test_point_of_another_meeting_is_404(client, bearer, online_meeting, city, add_points):
    from datetime import date

    meeting, other = online_meeting(), online_meeting(title="Khác", day=date(2026, 1, 6))
    foreign = add_points(other, city["districts"][:1])[0]
    response = client.patch(f"/api/v1/meetings/{meeting.id}/endpoints/{foreign.id}",
                            json={"actual_participants": 1}, headers=bearer())
    assert response.status_code == 404


def test_delete_selected_and_all(client, bearer, online_meeting, city, add_points):
    meeting = online_meeting()
    points = add_points(meeting, city["districts"][:2] + city["wards"])
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    headers = bearer()
    assert client.delete(url, json={"ids": [points[0].id]}, headers=headers).get_json()["removed"] == 1
    assert client.delete(url, json={}, headers=headers).status_code == 400
    assert client.delete(url, json={"all": True}, headers=headers).get_json()["removed"] == 3
    assert _count(meeting) == 0


def test_classified_meeting_answers_404_without_the_points(client, bearer, online_meeting, city, add_points):
    meeting = online_meeting(classification="toi_mat", passcode="zz-99")
    point = add_points(meeting, city["districts"][:1])[0]
    headers = bearer("secretary", clearance="internal")
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    for response in (client.get(url, headers=headers),
                     client.post(url, json={"unit_code": "Q2"}, headers=headers),
                     client.patch(f"{url}/{point.id}", json={"actual_participants": 3}, headers=headers)):
        assert response.status_code == 404
        assert "Quận" not in response.get_data(as_text=True) and "zz-99" not in response.get_data(as_text=True)
    assert _count(meeting) == 1
    cleared = client.get(url, headers=bearer("viewer", clearance="toi_mat"))
    assert cleared.status_code == 200 and len(cleared.get_json()["endpoints"]) == 1


def test_openapi_documents_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert "/meetings/{meeting_id}/endpoints" in doc["paths"]
    assert "patch" in doc["paths"]["/meetings/{meeting_id}/endpoints/{point_id}"]
    assert "BridgePoint" in doc["components"]["schemas"]


@pytest.mark.parametrize("value", ["false", "true", 0, 1, "no"])
def test_is_host_must_be_a_json_boolean(client, bearer, online_meeting, city, add_points, value):
    meeting = online_meeting()
    headers = bearer()
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    response = client.post(url, json={"unit_code": "Q1", "is_host": value}, headers=headers)
    assert response.status_code == 400
    assert list(response.get_json()["fields"]) == ["is_host"]
    assert _count(meeting) == 0
    point = add_points(meeting, city["districts"][1:2])[0]
    response = client.patch(f"{url}/{point.id}", json={"is_host": value, "contact_name": "Anh Hùng"}, headers=headers)
    assert response.status_code == 400 and list(response.get_json()["fields"]) == ["is_host"]
    db.session.expire_all()
    assert (point.is_host, point.contact_name) == (False, "")
    response = client.post(url, json={"unit_code": "Q1", "is_host": False}, headers=headers)
    assert response.status_code == 201 and response.get_json()["is_host"] is False


def test_actual_participants_before_the_meeting_are_400(client, bearer, online_meeting, city, add_points):
    meeting = online_meeting()  # next week
    point = add_points(meeting, city["districts"][:1])[0]
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    response = client.patch(f"{url}/{point.id}", json={"actual_participants": 12}, headers=bearer("technician"))
    assert response.status_code == 400
    assert "08:00" in response.get_json()["fields"]["actual_participants"]
    response = client.post(url, json={"unit_code": "Q2", "actual_participants": 5}, headers=bearer())
    assert response.status_code == 400 and "actual_participants" in response.get_json()["fields"]
    assert client.patch(f"{url}/{point.id}", json={"planned_participants": 12},
                        headers=bearer()).status_code == 200
    db.session.expire_all()
    assert (point.planned_participants, point.actual_participants, _count(meeting)) == (12, None, 1)


def test_bulk_that_finds_nothing_or_a_bad_kind_is_400(client, bearer, online_meeting, city):
    from datetime import date

    for district in city["districts"]:
        district.valid_to = date(2025, 6, 30)
    db.session.commit()
    meeting = online_meeting()
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    response = client.post(url, json={"selection": {"kind": "district"}}, headers=bearer())
    assert response.status_code == 400
    assert "cấp huyện" in response.get_json()["fields"]["selection"]
    for kind in (["district"], {"a": 1}, 3):
        assert client.post(url, json={"selection": {"kind": kind}}, headers=bearer()).status_code == 400
    assert _count(meeting) == 0


def test_delete_refuses_ids_that_are_not_points_of_the_meeting_and_removes_none(client, bearer, online_meeting,
                                                                               city, add_points):
    meeting = online_meeting()
    other = online_meeting(title="Hội nghị khác")
    points = add_points(meeting, city["districts"][:2])
    foreign = add_points(other, city["departments"][:1])[0]
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    headers = bearer()
    for ids in ([points[0].id, foreign.id], [points[0].id, "x"], [points[0].id, 2.5]):
        response = client.delete(url, json={"ids": ids}, headers=headers)
        assert response.status_code == 400, ids
        assert "points" in response.get_json()["fields"]
    assert str(foreign.id) in client.delete(url, json={"ids": [foreign.id]}, headers=headers).get_json()["fields"][
        "points"]
    assert _count(meeting) == 2 and _count(other) == 1


def test_a_nul_character_in_a_point_is_a_field_error_on_every_backend(client, bearer, online_meeting, city,
                                                                       add_points):
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    headers = bearer()
    response = client.post(url, json={"site_name": "Hội trường\u0000A"}, headers=headers)
    assert response.status_code == 400 and "site_name" in response.get_json()["fields"]
    response = client.patch(f"{url}/{point.id}", json={"address": "Phòng 1\u0000", "contact_name": "A"},
                            headers=headers)
    assert response.status_code == 400 and "address" in response.get_json()["fields"]
    assert _count(meeting) == 1
    db.session.expire_all()
    assert (point.address, point.contact_name) == ("", "")


def test_api_errors_are_in_the_callers_language(client, bearer, online_meeting, city, add_points):
    """Vietnamese for a Vietnamese account (the default), English for an English one; codes stay the same."""
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    vi, en, tech = bearer(), bearer(language="en"), bearer("technician")
    cases = [
        (lambda h: client.post(url, json={"site_name": "A", "passcode": "1"}, headers=h), 400,
         "Trường không xác định: passcode.", "Unknown fields: passcode."),
        (lambda h: client.get("/api/v1/meetings/99999999/endpoints", headers=h), 404,
         "Không tìm thấy cuộc họp 99999999.", "Meeting 99999999 was not found."),
        (lambda h: client.patch(f"{url}/99999999", json={}, headers=h), 404,
         "Cuộc họp này không có điểm cầu 99999999.", "Bridge point 99999999 is not on this meeting."),
        (lambda h: client.post(url, json={"selection": {"kind": "commune", "parent_id": "1"}}, headers=h), 400,
         "'parent_id' phải là một số nguyên.", "'parent_id' must be a whole number."),
        (lambda h: client.delete(url, json={}, headers=h), 400, "Hãy gửi", "Send"),
    ]
    for call, status, in_vi, in_en in cases:
        assert (call(vi).status_code, call(vi).get_json()["message"].startswith(in_vi)) == (status, True)
        assert call(en).get_json()["message"].startswith(in_en)
    response = client.patch(f"{url}/{point.id}", json={"planned_participants": 3}, headers=tech)
    assert response.status_code == 403
    assert response.get_json()["message"].startswith("Kỹ thuật viên chỉ được sửa")
    assert client.delete(url, json={"all": True}, headers=tech).get_json()["message"] == (
        "Tài khoản của bạn không được làm việc này.")


def test_a_parent_unit_narrows_only_wards_and_communes(client, bearer, online_meeting, city):
    meeting = online_meeting()
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    parent = city["districts"][0].id
    for selection in ({"kind": "department", "parent_id": parent}, {"kind": "district", "parent_id": parent}):
        response = client.post(url, json={"selection": selection}, headers=bearer())
        assert response.status_code == 400 and "parent_id" in response.get_json()["fields"]
    assert _count(meeting) == 0
    response = client.post(url, json={"selection": {"kind": "commune", "parent_id": parent}}, headers=bearer())
    assert response.get_json()["added"] == 2


def test_ids_beyond_an_integer_column_are_answered_alike_on_both_backends(client, bearer, online_meeting, city,
                                                                         add_points):
    """PostgreSQL refuses a query with an id beyond INTEGER; the answer must be the same field error or 404 as
    SQLite gives, not a generic one."""
    huge = 2**40
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    url = f"/api/v1/meetings/{meeting.id}/endpoints"
    headers = bearer()
    for body, field in (({"unit_id": huge}, "unit_id"), ({"site_name": "A", "contact_person_id": huge},
                                                          "contact_person_id"),
                        ({"selection": {"kind": "commune", "parent_id": huge}}, "parent_id"),
                        ({"selection": {"group_id": huge}}, "group_id")):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 400 and field in response.get_json()["fields"], (body, response.get_json())
    response = client.delete(url, json={"ids": [point.id, huge]}, headers=headers)
    assert response.status_code == 400 and "points" in response.get_json()["fields"]
    assert client.get(f"/api/v1/meetings/{huge}/endpoints", headers=headers).status_code == 404
    assert client.patch(f"{url}/{huge}", json={"address": "x"}, headers=headers).status_code == 404
    assert client.delete(f"{url}/{huge}", headers=headers).status_code == 404
    assert _count(meeting) == 1
