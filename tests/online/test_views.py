"""The online pages: who may do what, forms that keep what was typed, the meeting page's panel."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from meetingsvc.core.time import to_local
from meetingsvc.extensions import db
from meetingsvc.online.models import BridgePoint
from tests.online.conftest import PAST_DAY

ROLES = ["admin", "secretary", "technician", "leader", "viewer"]


def _points(meeting):
    return db.session.scalars(sa.select(BridgePoint).where(BridgePoint.meeting_id == meeting.id)
                              .order_by(BridgePoint.sort_order, BridgePoint.id)).all()


def test_secretary_saves_the_link(client, login_as, online_meeting):
    login_as("secretary")
    meeting = online_meeting()
    response = client.post(f"/online/meetings/{meeting.id}/link", data={
        "mode": "hybrid", "online_provider": "Hệ thống hội nghị truyền hình của Chính phủ",
        "join_url": "https://vc.chinhphu.vn/room/42", "online_meeting_code": "42", "passcode": "1234",
        "dial_in": "", "is_relayed": "y", "origin_network": "Chính phủ"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (meeting.mode, meeting.join_url, meeting.is_relayed, meeting.origin_network) == (
        "hybrid", "https://vc.chinhphu.vn/room/42", True, "Chính phủ")


def test_bad_join_url_keeps_what_was_typed_and_writes_nothing(client, login_as, online_meeting):
    login_as("secretary")
    meeting = online_meeting(join_url="https://zoom.us/j/1")
    response = client.post(f"/online/meetings/{meeting.id}/link", data={
        "mode": "online", "online_provider": "Zoom mới", "join_url": "javascript:alert(document.cookie)"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'value="Zoom mới"' in html and "has-error" in html
    assert "javascript:alert" not in re.findall(r'href="([^"]*)"', html).__str__()
    db.session.expire_all()
    assert (meeting.join_url, meeting.online_provider) == ("https://zoom.us/j/1", "")


@pytest.mark.parametrize("role", ["technician", "leader", "viewer"])
def test_others_may_not_edit_the_link_or_points(client, login_as, online_meeting, city, role):
    login_as(role)
    meeting = online_meeting()
    unit = city["districts"][0]
    assert client.post(f"/online/meetings/{meeting.id}/link", data={"mode": "in_person"}).status_code == 403
    assert client.post(f"/online/meetings/{meeting.id}/points", data={"unit_id": unit.id}).status_code == 403
    assert client.post(f"/online/meetings/{meeting.id}/points/bulk", data={"selection": "district"}).status_code == 403
    assert client.post(f"/online/meetings/{meeting.id}/points/remove", data={"scope": "all"}).status_code == 403
    db.session.expire_all()
    assert meeting.mode == "online" and _points(meeting) == []


def test_add_one_point_and_the_duplicate_is_refused(client, login_as, online_meeting, city):
    login_as("secretary")
    meeting = online_meeting()
    unit = city["districts"][0]
    assert client.post(f"/online/meetings/{meeting.id}/points", data={
        "unit_id": unit.id, "address": "Hội trường tầng 2", "planned_participants": "35"}).status_code == 302
    response = client.post(f"/online/meetings/{meeting.id}/points", data={
        "unit_id": unit.id, "address": "Phòng khác", "planned_participants": "12"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Quận Ba Đình" in html and 'value="Phòng khác"' in html
    assert [(p.unit_id, p.planned_participants) for p in _points(meeting)] == [(unit.id, 35)]


def test_absurd_planned_number_is_refused(client, login_as, online_meeting, city):
    login_as("secretary")
    meeting = online_meeting()
    for value in ("-4", "9999999", "mười"):
        response = client.post(f"/online/meetings/{meeting.id}/points", data={
            "unit_id": city["districts"][0].id, "planned_participants": value})
        assert response.status_code == 400
    assert _points(meeting) == []


def test_bulk_add_then_remove_selected_and_all(client, login_as, online_meeting, city):
    login_as("secretary")
    meeting = online_meeting()
    response = client.post(f"/online/meetings/{meeting.id}/points/bulk", data={
        "selection": "district", "planned_participants": "20"}, follow_redirects=True)
    assert response.status_code == 200
    assert "2 điểm cầu" in response.get_data(as_text=True)
    response = client.post(f"/online/meetings/{meeting.id}/points/bulk", data={
        "selection": "commune", "parent_id": str(city["districts"][0].id)}, follow_redirects=True)
    points = _points(meeting)
    assert len(points) == 4
    client.post(f"/online/meetings/{meeting.id}/points/remove", data={
        "scope": "selected", "point_id": [str(points[0].id), str(points[1].id)]})
    assert len(_points(meeting)) == 2
    client.post(f"/online/meetings/{meeting.id}/points/remove", data={"scope": "all"})
    assert _points(meeting) == []


def test_technician_checks_a_point_but_cannot_edit_it(client, login_as, online_meeting, city, add_points):
    tech = login_as("technician")
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1], planned=10)[0]
    assert client.post(f"/online/points/{point.id}/check", data={"connection_status": "ok"}).status_code == 302
    db.session.expire_all()
    assert point.connection_status == "ok" and point.checked_by_id == tech.id
    assert client.post(f"/online/points/{point.id}", data={"planned_participants": "99"}).status_code == 403
    page = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    assert "check-form" in page and "remove-form" not in page


@pytest.mark.parametrize("role", ["leader", "viewer"])
def test_readers_may_not_check_points(client, login_as, online_meeting, city, add_points, role):
    login_as(role)
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    assert client.post(f"/online/points/{point.id}/check", data={"connection_status": "ok"}).status_code == 403
    assert client.post(f"/online/meetings/{meeting.id}/attendance", data={f"actual-{point.id}": "3"}).status_code == 403
    db.session.expire_all()
    assert point.connection_status == "not_checked" and point.actual_participants is None


def test_secretary_edits_a_point(client, login_as, online_meeting, city, add_points):
    login_as("secretary")
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    assert client.get(f"/online/points/{point.id}").status_code == 200
    response = client.post(f"/online/points/{point.id}", data={
        "address": "Phòng họp số 1", "contact_name": "Chị Lan", "contact_phone": "0987", "planned_participants": "15",
        "actual_participants": "", "connection_status": "problem", "connection_note": ""})
    assert response.status_code == 400  # a problem needs a note
    db.session.expire_all()
    assert point.address == ""
    response = client.post(f"/online/points/{point.id}", data={
        "address": "Phòng họp số 1", "contact_name": "Chị Lan", "contact_phone": "0987", "planned_participants": "15",
        "actual_participants": "", "connection_status": "problem", "connection_note": "Không có hình"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (point.address, point.planned_participants, point.connection_note) == ("Phòng họp số 1", 15,
                                                                                  "Không có hình")


def test_attendance_page_saves_all_or_nothing(client, login_as, online_meeting, city, add_points):
    login_as("technician")
    meeting = online_meeting(day=PAST_DAY)
    a, b = add_points(meeting, city["districts"][:2], planned=30)
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={
        f"actual-{a.id}": "28", f"actual-{b.id}": "-1"})
    assert response.status_code == 400
    assert 'value="28"' in response.get_data(as_text=True)  # what was typed is kept
    db.session.expire_all()
    assert a.actual_participants is None
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={
        f"actual-{a.id}": "28", f"actual-{b.id}": "31"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert re.search(r'id="total-actual">59<', html)
    assert re.search(r'id="total-planned">60<', html)


def test_in_person_attendance(client, login_as, create_meeting, create_person):
    login_as("secretary")
    people = [create_person(full_name="Trần Thị Hoa"), create_person(full_name="Lê Văn Nam")]
    meeting = create_meeting(mode="in_person", attendee_people=people, day=PAST_DAY)
    first, second = meeting.attendees
    page = client.get(f"/online/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert "Trần Thị Hoa" in page
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={
        f"attended-{first.id}": "yes", f"attended-{second.id}": "no", "present_count": "22"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (first.attended, second.attended, meeting.present_count) == (True, False, 22)


# ---- classified meetings and the passcode -------------------------------------------------------------------


def test_classified_meeting_is_404_for_those_not_cleared(client, create_user, online_meeting, city, add_points):
    from tests.helpers import login

    meeting = online_meeting(classification="mat", passcode="top-secret-pin")
    point = add_points(meeting, city["districts"][:1])[0]
    login(client, create_user(role="technician", clearance="internal"))
    for url in (f"/online/meetings/{meeting.id}", f"/online/meetings/{meeting.id}/attendance",
                f"/online/meetings/{meeting.id}/attendance/template.csv"):
        response = client.get(url)
        assert response.status_code == 404
        assert "top-secret-pin" not in response.get_data(as_text=True)
    assert client.post(f"/online/points/{point.id}/check", data={"connection_status": "ok"}).status_code == 404
    client.post("/logout")
    login(client, create_user(role="technician", clearance="mat"))
    assert client.get(f"/online/meetings/{meeting.id}").status_code == 200


def test_passcode_on_the_meeting_page_only_for_those_who_may_see_it(client, create_user, online_meeting):
    from tests.helpers import login

    meeting = online_meeting(join_url="https://zoom.us/j/9", passcode="pin-4711", classification="internal")
    login(client, create_user(role="viewer"))
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "pin-4711" in html and "https://zoom.us/j/9" in html
    secret = online_meeting(title="Họp mật", passcode="pin-0007", classification="toi_mat",
                            day=meeting.start_at.date().replace(day=1))
    html = client.get(f"/meetings/{secret.id}").get_data(as_text=True)
    assert "pin-0007" not in html
    client.post("/logout")
    assert "pin-4711" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_meeting_page_panel_shows_the_totals(client, login_as, online_meeting, city, add_points):
    login_as("viewer")
    meeting = online_meeting()
    add_points(meeting, city["districts"][:2], planned=1200, actual=1100)
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert re.search(r'id="total-points">2<', html)
    assert re.search(r'id="total-planned">2\.400<', html)  # Vietnamese grouping
    assert re.search(r'id="total-actual">2\.200<', html)


def test_online_page_shows_points_and_checks(client, login_as, online_meeting, city, add_points):
    login_as("viewer")
    meeting = online_meeting()
    add_points(meeting, city["districts"][:2], sites=["Trụ sở Thành ủy"])
    html = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    assert "Quận Hoàn Kiếm" in html and "Trụ sở Thành ủy" in html
    assert "check-form" not in html and "add-many" not in html


def test_upload_page_names_the_wrong_rows_and_saves_nothing(client, login_as, online_meeting, city, add_points):
    import io

    login_as("technician")
    meeting = online_meeting(day=PAST_DAY)
    a, b = add_points(meeting, city["districts"][:2])
    bad = b"unit_code,actual_participants\nQ1,10\nQ9,4\nQ2,-1\n"
    response = client.post(f"/online/meetings/{meeting.id}/attendance/upload",
                           data={"file": (io.BytesIO(bad), "ket-qua.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Dòng 3" in html and "Q9" in html and "Dòng 4" in html and "Dòng 2:" not in html
    db.session.expire_all()
    assert (a.actual_participants, b.actual_participants) == (None, None)
    good = b"unit_code,actual_participants\nQ1,10\nQ2,15\n"
    response = client.post(f"/online/meetings/{meeting.id}/attendance/upload",
                           data={"file": (io.BytesIO(good), "ket-qua.csv")}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert re.search(r'id="total-actual">25<', response.get_data(as_text=True))


def test_template_downloads(client, login_as, online_meeting, city, add_points):
    login_as("secretary")
    meeting = online_meeting()
    add_points(meeting, city["districts"][:2])
    response = client.get(f"/online/meetings/{meeting.id}/attendance/template.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "attachment" in response.headers["Content-Disposition"]
    response = client.get(f"/online/meetings/{meeting.id}/attendance/template.csv")
    assert "Q2" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["secretary", "technician"])
def test_typed_text_is_escaped_in_the_points_table(client, login_as, online_meeting, role):
    login_as(role)
    meeting = online_meeting()
    db.session.add(BridgePoint(meeting_id=meeting.id, site_name='<script>alert("x")</script>',
                               address='"><img src=x onerror=alert(1)>', contact_name="<b>A</b>",
                               connection_status="problem", connection_note='"><svg onload=alert(2)>'))
    db.session.commit()
    html = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    for raw in ('<script>alert("x")', "<img src=x", "<b>A</b>", "<svg onload"):
        assert raw not in html
    assert "&lt;script&gt;" in html and "&#34;&gt;&lt;img" in html


# ---- audit findings --------------------------------------------------------------------------------------------


def test_editing_a_point_on_its_page_keeps_who_checked_it(client, login_as, online_meeting, city, add_points,
                                                         create_user):
    from meetingsvc.online import services

    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    tech = create_user(role="technician", display_name="Kỹ thuật viên Minh")
    services.update_point(point, {"connection_status": "ok"}, user=tech)
    checked_at = point.checked_at
    login_as("secretary")
    response = client.post(f"/online/points/{point.id}", data={
        "address": "Hội trường", "contact_name": "Chị Lan", "contact_phone": "0987", "planned_participants": "15",
        "actual_participants": "", "connection_status": "ok", "connection_note": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert (point.contact_name, point.checked_by_id, point.checked_at) == ("Chị Lan", tech.id, checked_at)
    assert "Kỹ thuật viên Minh" in client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)


@pytest.mark.parametrize("value", ["1e9", "12.5", "-3", "mười", "99999999"])
def test_a_wrong_number_gets_one_translated_message(client, login_as, online_meeting, city, add_points, value):
    login_as("secretary")
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    for url, data, field in (
            (f"/online/meetings/{meeting.id}/points", {"unit_id": city["districts"][1].id}, "planned_participants"),
            (f"/online/meetings/{meeting.id}/points/bulk", {"selection": "department"}, "bulk-planned_participants"),
            (f"/online/points/{point.id}", {"connection_status": "not_checked"}, "planned_participants")):
        response = client.post(url, data={**data, "planned_participants": value})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "Not a valid integer" not in html and "Between 0" not in html
        block = re.search(rf'<label for="{field}">.*?</div>', html, re.S).group(0)
        assert len(re.findall(r'class="error"', block)) == 1, block
        assert f'value="{value}"' in block  # what was typed is kept
    assert len(_points(meeting)) == 1


def test_the_two_add_forms_have_their_own_ids(client, login_as, online_meeting, city):
    login_as("secretary")
    html = client.get(f"/online/meetings/{online_meeting().id}").get_data(as_text=True)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) - ids.count("csrf_token") == len(set(ids) - {"csrf_token"}), sorted(
        i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'<label for="([^"]+)"', html):
        assert f'id="{target}"' in html, target
    assert re.search(r'<input id="bulk-planned_participants"[^>]* name="planned_participants"', html)


def test_bulk_options_and_an_empty_selection_on_the_meetings_date(client, login_as, online_meeting, city):
    for district in city["districts"]:
        district.valid_to = date(2025, 6, 30)
    db.session.commit()
    login_as("secretary")
    meeting = online_meeting(day=date(2026, 3, 10))
    html = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]*)"', re.search(r'id="bulk-selection".*?</select>', html, re.S).group(0))
    assert "district" not in options and "department" in options
    response = client.post(f"/online/meetings/{meeting.id}/points/bulk", data={"selection": "district"})
    assert response.status_code == 400
    assert "Không có đơn vị cấp huyện nào vào ngày 10/03/2026." in response.get_data(as_text=True)
    assert _points(meeting) == []
    past = online_meeting(day=date(2025, 3, 4))
    html = client.get(f"/online/meetings/{past.id}").get_data(as_text=True)
    assert re.search(r'<option value="district"[^>]*>Tất cả đơn vị cấp huyện \(3\)<', html)


def test_remove_all_says_how_many(client, login_as, online_meeting, city, add_points):
    login_as("secretary")
    meeting = online_meeting()
    add_points(meeting, city["districts"][:2] + city["wards"])
    html = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    button = re.search(r'<button[^>]*id="remove-all"[^>]*>[^<]*</button>', html).group(0)
    assert "Xóa tất cả 4" in button and "Xóa tất cả 4 điểm cầu của cuộc họp này?" in button


def test_a_refused_connection_check_keeps_the_chosen_status(client, login_as, online_meeting, city, add_points):
    login_as("technician")
    meeting = online_meeting()
    first, second = add_points(meeting, city["districts"][:2])
    response = client.post(f"/online/points/{second.id}/check",
                           data={"connection_status": "problem", "connection_note": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    row = re.search(rf'<tr id="point-{second.id}".*?</tr>', html, re.S).group(0)
    assert '<option value="problem" selected>' in row and 'class="error"' in row
    other = re.search(rf'<tr id="point-{first.id}".*?</tr>', html, re.S).group(0)
    assert '<option value="not_checked" selected>' in other
    db.session.expire_all()
    assert second.connection_status == "not_checked"


def test_in_person_attendance_message_does_not_count_bridge_points(client, login_as, create_meeting, create_person):
    login_as("secretary")
    meeting = create_meeting(mode="in_person", attendee_people=[create_person()], day=PAST_DAY)
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={
        f"attended-{meeting.attendees[0].id}": "yes", "present_count": "12"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Đã lưu điểm danh." in html and "điểm cầu thay đổi" not in html


def test_hybrid_attendance_stores_the_people_present_at_the_venue(client, login_as, online_meeting, city,
                                                                 add_points):
    login_as("technician")
    meeting = online_meeting(mode="hybrid", day=PAST_DAY)
    point = add_points(meeting, city["districts"][:1])[0]
    page = client.get(f"/online/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert 'name="present_count"' in page
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={
        f"actual-{point.id}": "30", "present_count": "45"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (meeting.present_count, point.actual_participants) == (45, 30)
    online = online_meeting(title="Trực tuyến", day=PAST_DAY)
    add_points(online, city["districts"][:1])
    assert 'name="present_count"' not in client.get(f"/online/meetings/{online.id}/attendance").get_data(as_text=True)


def test_actual_figures_before_the_meeting_starts_are_refused_on_the_pages(client, login_as, online_meeting, city,
                                                                          add_points):
    import io

    login_as("technician")
    meeting = online_meeting()  # next week
    point = add_points(meeting, city["districts"][:1], planned=20)[0]
    start = f"08:00 {to_local(meeting.start_at):%d/%m/%Y}"
    page = client.get(f"/online/meetings/{meeting.id}/attendance").get_data(as_text=True)
    assert start in page and "<fieldset class=\"plain\" disabled>" in page
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={f"actual-{point.id}": "18"})
    assert response.status_code == 400 and start in response.get_data(as_text=True)
    response = client.post(f"/online/meetings/{meeting.id}/attendance/upload", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(b"unit_code,actual_participants\nQ1,18\n"), "ket-qua.csv")})
    assert response.status_code == 400 and start in response.get_data(as_text=True)
    response = client.post(f"/online/points/{point.id}/check", data={"connection_status": "ok"})
    assert response.status_code == 302  # checks before the meeting, of course
    db.session.expire_all()
    assert (point.actual_participants, point.connection_status) == (None, "ok")


def test_switching_to_in_person_warns_about_the_bridge_points(client, login_as, online_meeting, city, add_points):
    login_as("secretary")
    meeting = online_meeting()
    add_points(meeting, city["districts"][:2], planned=10)
    response = client.post(f"/online/meetings/{meeting.id}/link", data={"mode": "in_person"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "flash-warning" in html and "2 điểm cầu vẫn được giữ" in html
    assert 'id="in-person-points"' in html and "Xóa 2 điểm cầu" in html
    detail = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    panel = re.search(r'id="online-panel".*?</section>', detail, re.S).group(0)
    assert 'id="in-person-points"' in panel and 'id="total-points"' not in panel
    assert "báo cáo chỉ tính điểm cầu của cuộc họp trực tuyến và kết hợp" in panel
    client.post(f"/online/meetings/{meeting.id}/points/remove", data={"scope": "all"})
    assert _points(meeting) == []


def test_points_of_units_gone_by_the_meetings_date_are_named(client, login_as, online_meeting, city, add_points):
    login_as("secretary")
    meeting = online_meeting(day=date(2025, 3, 4))
    add_points(meeting, city["districts"])
    meeting.start_at, meeting.end_at = (meeting.start_at.replace(year=2026), meeting.end_at.replace(year=2026))
    db.session.commit()  # moved to 2026: Quận Cầu Giấy was dissolved on 30/6/2025
    html = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    warning = re.search(r'id="invalid-points".*?</div>', html, re.S).group(0)
    assert "Quận Cầu Giấy" in warning and "Quận Ba Đình" not in warning
    assert 'id="invalid-points"' in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    ids = re.findall(r'name="point_id" value="(\d+)"', warning)
    client.post(f"/online/meetings/{meeting.id}/points/remove", data={"scope": "selected", "point_id": ids})
    assert [p.unit_id for p in _points(meeting)] == [d.id for d in city["districts"][:2]]


def test_a_check_that_changes_nothing_says_so_and_keeps_the_stamp(client, login_as, online_meeting, city,
                                                                   add_points, create_user):
    from meetingsvc.online import services

    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    first = create_user(role="technician")
    services.update_point(point, {"connection_status": "ok"}, user=first)
    checked_at = point.checked_at
    login_as("technician")
    response = client.post(f"/online/points/{point.id}/check", data={"connection_status": "ok"},
                           follow_redirects=True)
    assert "Không có gì thay đổi" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (point.checked_by_id, point.checked_at) == (first.id, checked_at)


# ---- second round: a clerk's and a technician's eye -----------------------------------------------------------


def test_the_technicians_work_list_shows_one_check_status_and_goes_on_to_the_next_row(client, login_as,
                                                                                      online_meeting, city,
                                                                                      add_points):
    login_as("technician")
    meeting = online_meeting()
    points = add_points(meeting, city["districts"] + city["wards"])  # 5 points
    client.post(f"/online/points/{points[1].id}/check", data={"connection_status": "ok"})
    client.post(f"/online/points/{points[3].id}/check", data={"connection_status": "problem",
                                                              "connection_note": "Mất tiếng"})
    html = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    summary = re.sub(r"<[^>]+>|\s+", " ", re.search(r'id="check-filter".*?</p>', html, re.S).group(0))
    assert "tất cả (5)" in summary and "Chưa kiểm tra: 3" in summary and "Đã kiểm tra tốt: 1" in summary
    assert "Có sự cố: 1" in summary

    html = client.get(f"/online/meetings/{meeting.id}?check=not_checked").get_data(as_text=True)
    rows = re.findall(r'<tr id="point-(\d+)".*?<td class="num">(\d+)</td>', html, re.S)
    # Only the unchecked points, each with its number in the whole list; the totals still count all five.
    assert rows == [(str(points[0].id), "1"), (str(points[2].id), "3"), (str(points[4].id), "5")]
    assert re.search(r'id="total-points">5<', html) and 'id="check-filter-note"' in html
    assert html.count('name="check" value="not_checked"') == 3

    # Checking a point of the list leaves the list on the row after it, the list kept.
    response = client.post(f"/online/points/{points[2].id}/check",
                           data={"connection_status": "ok", "check": "not_checked"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"?check=not_checked#point-{points[4].id}")
    response = client.post(f"/online/points/{points[4].id}/check",
                           data={"connection_status": "ok", "check": "not_checked"})
    assert response.headers["Location"].endswith("?check=not_checked#points")
    # A check refused in the list shows the list again, with the row and what to fix.
    response = client.post(f"/online/points/{points[0].id}/check",
                           data={"connection_status": "problem", "check": "not_checked"})
    assert response.status_code == 400
    rows = re.findall(r'<tr id="point-(\d+)"', response.get_data(as_text=True))
    assert rows == [str(points[0].id)]
    # An unknown status shows everything.
    html = client.get(f"/online/meetings/{meeting.id}?check=great").get_data(as_text=True)
    assert len(re.findall(r'<tr id="point-', html)) == 5 and 'id="check-filter-note"' not in html


def test_the_single_add_list_groups_units_by_kind(client, login_as, online_meeting, city):
    login_as("secretary")
    meeting = online_meeting()
    html = client.get(f"/online/meetings/{meeting.id}").get_data(as_text=True)
    select = re.search(r'<select id="unit_id" name="unit_id">(.*?)</select>', html, re.S).group(1)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == ["Tỉnh / thành phố", "Sở, ban, ngành", "Quận, huyện, thị xã",
                                                     "Phường", "Xã"]
    wards = dict(groups)["Phường"]
    assert "Phường Điện Biên" in wards and "Sở" not in wards and "Quận Cầu Giấy" not in select  # gone by then


def test_a_parent_unit_with_another_selection_is_refused_on_the_page(client, login_as, online_meeting, city):
    login_as("secretary")
    meeting = online_meeting()
    response = client.post(f"/online/meetings/{meeting.id}/points/bulk", data={
        "selection": "department", "parent_id": str(city["districts"][0].id), "planned_participants": "7"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    field = re.search(r'<div class="field[^"]*has-error[^"]*">\s*<label for="bulk-parent_id".*?</div>', html, re.S)
    assert field and "Chỉ có thể lấy phường, xã thuộc một đơn vị" in field.group(0)
    assert 'value="7"' in html  # what was typed stays
    assert _points(meeting) == []


def test_a_forged_or_stale_attendance_field_is_refused_and_said(client, login_as, create_meeting, create_person,
                                                                online_meeting, city, add_points):
    login_as("technician")
    meeting = create_meeting(mode="in_person", attendee_people=[create_person()], day=PAST_DAY)
    attendee = meeting.attendees[0]
    client.post(f"/online/meetings/{meeting.id}/attendance", data={f"attended-{attendee.id}": "yes"})
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={f"attended-{attendee.id}": "maybe"})
    assert response.status_code == 400
    db.session.expire_all()
    assert attendee.attended is True  # not cleared by a value the page never sends

    online = online_meeting(day=PAST_DAY)
    point = add_points(online, city["districts"][:1])[0]
    gone = add_points(online, city["districts"][1:2])[0]
    gone_id = gone.id
    db.session.delete(gone)  # removed by a colleague while the page was open
    db.session.commit()
    response = client.post(f"/online/meetings/{online.id}/attendance",
                           data={f"actual-{point.id}": "12", f"actual-{gone_id}": "30"})
    assert response.status_code == 400
    assert "Không phải điểm cầu của cuộc họp này." in response.get_data(as_text=True)
    db.session.expire_all()
    assert point.actual_participants is None


def test_an_absurd_head_count_at_the_venue_is_not_called_a_bridge_point(client, login_as, create_meeting):
    login_as("technician")
    meeting = create_meeting(mode="in_person", day=PAST_DAY)
    response = client.post(f"/online/meetings/{meeting.id}/attendance", data={"present_count": "250000"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "người có mặt tại hội trường là không hợp lý" in html and "điểm cầu" not in html.split("<main")[-1]


def test_the_meeting_page_says_how_many_invited_were_present(client, login_as, create_meeting, create_person):
    login_as("technician")
    people = [create_person(full_name=f"Đại biểu {i}") for i in range(3)]
    meeting = create_meeting(mode="in_person", attendee_people=people, day=PAST_DAY)
    assert 'id="invited-present"' not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    first, second, _third = meeting.attendees
    client.post(f"/online/meetings/{meeting.id}/attendance",
                data={f"attended-{first.id}": "yes", f"attended-{second.id}": "no"})
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert re.search(r'id="invited-present">Thành phần có mặt: 1/3<', html)


def test_ids_beyond_an_integer_column_are_404_or_refused_on_the_pages(client, login_as, online_meeting, city,
                                                                      add_points):
    login_as("secretary")
    huge = 2**40
    meeting = online_meeting(day=PAST_DAY)
    point = add_points(meeting, city["districts"][:1])[0]
    for url in (f"/online/meetings/{huge}", f"/online/points/{huge}", f"/online/meetings/{huge}/attendance"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/online/points/{huge}/check", data={"connection_status": "ok"}).status_code == 404
    response = client.post(f"/online/meetings/{meeting.id}/attendance",
                           data={f"actual-{point.id}": "5", f"actual-{huge}": "5"})
    assert response.status_code == 400 and "Không phải điểm cầu của cuộc họp này." in response.get_data(as_text=True)
    response = client.post(f"/online/meetings/{meeting.id}/points/bulk",
                           data={"selection": "commune", "parent_id": str(huge)})
    assert response.status_code == 400 and "Không có đơn vị này." in response.get_data(as_text=True)
    response = client.post(f"/online/meetings/{meeting.id}/points/bulk", data={"selection": f"group:{huge}"})
    assert response.status_code == 400 and "Không có nhóm này." in response.get_data(as_text=True)
    response = client.post(f"/online/meetings/{meeting.id}/points", data={"unit_id": str(huge)})
    assert response.status_code == 400 and "Không có đơn vị này." in response.get_data(as_text=True)
    db.session.expire_all()
    assert point.actual_participants is None and len(_points(meeting)) == 1
