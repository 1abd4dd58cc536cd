"""Booking pages: the form books, keeps what was typed on refusal, shows warnings with links; roles; escaping."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.audit import history
from meetingsvc.meetings.models import Meeting


def _form(booking, **overrides):
    data = booking(**overrides)
    return {k: v for k, v in data.items() if v is not None}


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_a_secretary_books_through_the_form(db, client, login_as, booking, create_person, create_unit):
    login_as("secretary")
    person, unit = create_person(full_name="Đỗ Thị Lan"), create_unit(name="Sở Xây dựng")
    response = client.post("/meetings/new", data={**_form(booking), "attendee_person_ids": [str(person.id)],
                                                  "attendee_unit_ids": [str(unit.id)],
                                                  "preparing_unit_id": str(unit.id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    meeting = db.session.scalars(sa.select(Meeting)).one()
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting.preparing_unit_id == unit.id and [a.person_id for a in meeting.attendees if a.person_id] == [
        person.id]
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Đỗ Thị Lan" in page and "Sở Xây dựng" in page


def test_a_refused_form_keeps_what_was_typed_and_names_the_other_meeting(db, client, login_as, booking,
                                                                        create_meeting, day, create_person):
    first = create_meeting(title="Họp Ban chỉ đạo", room_id=booking.room.id, day=day)
    login_as("secretary")
    person = create_person(full_name="Vũ Văn Khoa")
    response = client.post("/meetings/new", data={**_form(booking, title="Tiêu đề đã gõ", chair_id=""),
                                                  "agenda": "Nội dung đã gõ",
                                                  "attendee_person_ids": [str(person.id)]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Họp Ban chỉ đạo" in html and f'href="/meetings/{first.id}"' in html
    assert 'value="Tiêu đề đã gõ"' in html and "Nội dung đã gõ" in html
    assert "Vũ Văn Khoa" in html  # the picked attendee is still there
    assert _count(db) == 1


def test_field_errors_are_shown_next_to_the_field(db, client, login_as, booking):
    login_as("secretary")
    html = client.post("/meetings/new", data=_form(booking, end="07:00", title="")).get_data(as_text=True)
    assert html.count('class="field has-error"') >= 2
    assert _count(db) == 0


def test_warnings_need_the_checkbox(db, client, login_as, booking, create_person, create_meeting, day, create_room):
    busy = create_person(full_name="Hoàng Văn Bận")
    other = create_meeting(title="Hội nghị khác", attendee_people=[busy], day=day, room_id=create_room().id)
    login_as("secretary")
    data = {**_form(booking), "attendee_person_ids": [str(busy.id)]}
    html = client.post("/meetings/new", data=data).get_data(as_text=True)
    assert 'id="warnings"' in html and "Hoàng Văn Bận" in html and f'href="/meetings/{other.id}"' in html
    assert 'name="accept_warnings"' in html
    assert _count(db) == 1
    response = client.post("/meetings/new", data={**data, "accept_warnings": "y"})
    assert response.status_code == 302
    assert _count(db) == 2


@pytest.mark.parametrize("role", ["viewer", "leader", "technician"])
def test_other_roles_may_not_book(db, client, login_as, booking, role):
    login_as(role)
    assert client.get("/meetings/new").status_code == 403
    assert client.post("/meetings/new", data=_form(booking)).status_code == 403
    assert _count(db) == 0


@pytest.mark.parametrize("action", ["edit", "cancel", "postpone", "duplicate"])
def test_other_roles_may_not_change_a_meeting(db, client, login_as, create_meeting, action):
    meeting = create_meeting()
    login_as("viewer")
    assert client.post(f"/meetings/{meeting.id}/{action}", data={"reason": "x"}).status_code == 403
    assert db.session.get(Meeting, meeting.id).status == "scheduled"


def test_edit_page_shows_the_meeting_and_saves_changes(db, client, login_as, booking, create_meeting, day):
    meeting = create_meeting(title="Tiêu đề cũ", room_id=booking.room.id, chair_id=booking.leader.id, day=day)
    login_as("secretary")
    html = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'value="Tiêu đề cũ"' in html and 'value="08:00"' in html
    response = client.post(f"/meetings/{meeting.id}/edit", data=_form(booking, title="Tiêu đề mới"))
    assert response.status_code == 302
    assert db.session.get(Meeting, meeting.id).title == "Tiêu đề mới"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Tiêu đề cũ" in page and "Tiêu đề mới" in page  # the history shows before and after


def test_cancel_with_a_reason(db, client, login_as, create_meeting):
    meeting = create_meeting()
    login_as("secretary")
    assert client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Bão số 3"}).status_code == 302
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "cancelled" and meeting.status_reason == "Bão số 3"
    assert "Bão số 3" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_postpone_to_a_new_time_through_the_page(db, client, login_as, booking, create_meeting, day):
    meeting = create_meeting(day=day)
    login_as("secretary")
    new_day = day + timedelta(days=7)
    response = client.post(f"/meetings/{meeting.id}/postpone",
                           data={"reason": "Đổi lịch", "date": new_day.isoformat(), "start": "14h", "end": "15h30"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    assert history(db.session.get(Meeting, meeting.id))[0].action == "postpone"
    bad = client.post(f"/meetings/{meeting.id}/postpone", data={"date": new_day.isoformat(), "start": "x",
                                                                "end": "15:00"})
    assert bad.status_code == 200 and "has-error" in bad.get_data(as_text=True)


def test_restore_a_cancelled_meeting_through_its_page(db, client, login_as, create_meeting, create_leader, day):
    meeting = create_meeting(day=day, chair_id=create_leader().id)
    login_as("secretary")
    assert 'id="action-restore"' not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Bão số 3"})
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="action-restore"' in page and 'id="action-cancel"' not in page
    too_long = client.post(f"/meetings/{meeting.id}/restore", data={"reason": "x" * 5000})
    assert too_long.status_code == 200 and "has-error" in too_long.get_data(as_text=True)
    assert db.session.get(Meeting, meeting.id).status == "cancelled"
    response = client.post(f"/meetings/{meeting.id}/restore", data={"reason": "Bão đã tan"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "scheduled"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "khôi phục cuộc họp" in page and "Bão đã tan" in page


def test_duplicate_through_the_page(db, client, login_as, create_meeting, day):
    meeting = create_meeting(day=day)
    login_as("secretary")
    response = client.post(f"/meetings/{meeting.id}/duplicate", data={"date": (day + timedelta(days=1)).isoformat()})
    assert response.status_code == 302
    assert _count(db) == 2


def test_html_in_titles_and_agendas_is_shown_as_text(db, client, login_as, booking):
    login_as("secretary")
    evil = "<script>alert('x')</script><b>đậm</b>"
    client.post("/meetings/new", data=_form(booking, title=evil, agenda=evil))
    meeting = db.session.scalars(sa.select(Meeting)).one()
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b>đậm</b>" not in html
    edit = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert "<script>alert" not in edit


def test_a_classified_meeting_cannot_be_edited_by_a_secretary_not_cleared(db, client, login_as, create_meeting):
    meeting = create_meeting(title="Tuyệt mật", classification="tuyet_mat")
    login_as("secretary", clearance="internal")
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Tuyệt mật" not in html.split("<main", 1)[1] and "Họp (nội dung mật)" in html


def test_lookups_find_people_and_units_with_or_without_accents(db, client, login_as, create_person, create_unit):
    create_person(full_name="Nguyễn Thị Hường")
    create_person(full_name="Lê Văn Tám")
    create_person(full_name="Nguyễn Thị Cũ", is_active=False)
    create_unit(name="Sở Tài nguyên và Môi trường")
    login_as("secretary")
    for q in ("huong", "Hường", "nguyen thi"):
        labels = [p["label"] for p in client.get(f"/meetings/lookup/people?q={q}").get_json()]
        assert any("Nguyễn Thị Hường" in label for label in labels), (q, labels)
        assert not any("Cũ" in label for label in labels)
    units = client.get("/meetings/lookup/units?q=tai nguyen moi truong").get_json()
    assert [u["label"] for u in units] == ["Sở Tài nguyên và Môi trường"]


def test_the_form_page_has_no_external_resources(db, client, login_as):
    login_as("secretary")
    html = client.get("/meetings/new").get_data(as_text=True)
    assert "booking.js" in html and "http://" not in html and "https://" not in html


def test_a_repeating_meeting_through_the_form_and_cancel_the_rest(db, client, login_as, booking):
    login_as("secretary")
    response = client.post("/meetings/new", data={**_form(booking), "repeat_freq": "weekly", "repeat_interval": "1",
                                                  "repeat_count": "3", "accept_warnings": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    rows = db.session.scalars(sa.select(Meeting).order_by(Meeting.start_at)).all()
    assert len(rows) == 3 and len({m.series_id for m in rows}) == 1
    html = client.get(f"/meetings/{rows[1].id}/cancel").get_data(as_text=True)
    assert 'name="scope"' in html
    client.post(f"/meetings/{rows[1].id}/cancel", data={"reason": "Hết nhiệm vụ", "scope": "following"})
    db.session.expire_all()
    assert [m.status for m in db.session.scalars(sa.select(Meeting).order_by(Meeting.start_at))] == [
        "scheduled", "cancelled", "cancelled"]


def test_a_repeat_without_an_end_is_refused_next_to_the_field(db, client, login_as, booking):
    login_as("secretary")
    html = client.post("/meetings/new", data={**_form(booking), "repeat_freq": "weekly"}).get_data(as_text=True)
    assert "has-error" in html and _count(db) == 0


def test_editing_a_cancelled_meeting_keeps_it_cancelled(db, client, login_as, booking, create_meeting, day):
    meeting = create_meeting(title="Đã hủy", room_id=booking.room.id, chair_id=booking.leader.id, day=day,
                             status="cancelled")
    login_as("secretary")
    html = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert 'name="status"' not in html
    response = client.post(f"/meetings/{meeting.id}/edit", data={**_form(booking, title="Đã hủy, sửa tiêu đề")})
    assert response.status_code == 302
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "cancelled" and meeting.title == "Đã hủy, sửa tiêu đề"


def test_the_history_shows_status_labels(db, client, login_as, booking, create_meeting):
    meeting = create_meeting()
    login_as("secretary")
    client.post(f"/meetings/{meeting.id}/cancel", data={"reason": "Trùng lịch"})
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "<ins>Hủy</ins>" in html


def test_cancel_and_postpone_need_a_reason(db, client, login_as, create_meeting, day):
    meeting = create_meeting(day=day)
    login_as("secretary")
    for action, data in (("cancel", {"reason": "  "}), ("postpone", {}),
                         ("postpone", {"date": (day + timedelta(days=7)).isoformat(), "start": "14:00",
                                       "end": "15:00"})):
        response = client.post(f"/meetings/{meeting.id}/{action}", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and "has-error" in html and "Hãy nêu lý do" in html, action
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "scheduled" and len(history(meeting)) == 0


def test_the_postpone_page_names_every_field_to_fix_at_once(db, client, login_as, create_meeting, day):
    meeting = create_meeting(day=day)
    login_as("secretary")
    html = client.post(f"/meetings/{meeting.id}/postpone", data={"date": "9999-12-31", "start": "x",
                                                                 "end": "15:00"}).get_data(as_text=True)
    assert html.count('class="field has-error"') == 3  # reason, date, start
    assert "Chỉ đặt lịch họp từ ngày 01/01/2000" in html


@pytest.mark.parametrize("day_text", ["9999-12-31", "0001-01-01", "31/12/9999"])
def test_extreme_dates_on_the_forms_are_refused_clearly(db, client, login_as, booking, create_meeting, day, day_text):
    login_as("secretary")
    response = client.post("/meetings/new", data=_form(booking, date=day_text))
    assert response.status_code == 200 and "Chỉ đặt lịch họp từ ngày" in response.get_data(as_text=True)
    meeting = create_meeting(day=day)
    response = client.post(f"/meetings/{meeting.id}/duplicate", data={"date": day_text})
    assert response.status_code == 200 and "Chỉ đặt lịch họp từ ngày" in response.get_data(as_text=True)
    assert _count(db) == 1


def test_a_nul_character_on_the_form_is_refused_next_to_the_field(db, client, login_as, booking):
    login_as("secretary")
    html = client.post("/meetings/new", data=_form(booking, title="Họp\x00")).get_data(as_text=True)
    assert "NUL" in html and _count(db) == 0
    assert client.get("/meetings/lookup/people?q=a%00b").status_code == 400


def test_editing_a_past_meeting_keeps_what_has_since_been_deactivated(db, client, login_as, create_meeting,
                                                                     create_leader, create_person, create_unit,
                                                                     create_room):
    chair, co_chair, attending = create_leader(full_name="Chủ trì cũ"), create_leader(), create_leader()
    person, unit, preparing = create_person(full_name="Người đã nghỉ"), create_unit(), create_unit(name="Sở cũ")
    room = create_room(name="Phòng đã đóng")
    meeting = create_meeting(title="Họp năm trước", day=date(2025, 3, 4), chair_id=chair.id, co_chairs=[co_chair],
                             attending=[attending], attendee_people=[person], attendee_units=[unit],
                             preparing_unit_id=preparing.id, room_id=room.id)
    for row in (chair, co_chair, attending, person, unit, preparing, room):
        row.is_active = False
    room.is_bookable = False
    db.session.commit()
    login_as("secretary")
    html = client.get(f"/meetings/{meeting.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{chair.id}">' in html and "Chủ trì cũ (không còn hoạt động)" in html
    assert f'<option selected value="{room.id}">' in html
    assert "Người đã nghỉ" in html and "Sở cũ" in html
    data = {"title": "Họp năm trước (sửa)", "kind": "work_resolution", "date": "04/03/2025", "start": "08:00",
            "end": "10:00", "chair_id": str(chair.id), "co_chair_ids": [str(co_chair.id)],
            "attending_leader_ids": [str(attending.id)], "attendee_person_ids": [str(person.id)],
            "attendee_unit_ids": [str(unit.id)], "preparing_unit_id": str(preparing.id), "room_id": str(room.id),
            "classification": "internal", "mode": "in_person", "status": "scheduled"}
    response = client.post(f"/meetings/{meeting.id}/edit", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.title == "Họp năm trước (sửa)" and meeting.chair_id == chair.id and meeting.room_id == room.id
    assert [p.id for p in meeting.co_chairs] == [co_chair.id] and meeting.preparing_unit_id == preparing.id
    assert {a.person_id or a.unit_id for a in meeting.attendees} == {person.id, unit.id}
    # a newly added deactivated person is still refused
    other = create_person(full_name="Người mới nghỉ", is_active=False)
    html = client.post(f"/meetings/{meeting.id}/edit", data={
        **data, "attendee_person_ids": [str(person.id), str(other.id)]}).get_data(as_text=True)
    assert "Người mới nghỉ" in html and "has-error" in html


def test_units_must_exist_on_the_meetings_day(db, booking, secretary, create_unit, day):
    from meetingsvc.core.errors import ValidationError
    from meetingsvc.meetings import services

    old = create_unit(name="Quận Ba Đình", valid_to=day - timedelta(days=1))
    future = create_unit(name="Phường Ngọc Hà", valid_from=day + timedelta(days=1))
    current = create_unit(name="Phường Ba Đình", valid_from=day - timedelta(days=30))
    for field, value in (("attendee_unit_ids", [old.id]), ("attendee_unit_ids", [future.id]),
                         ("preparing_unit_id", old.id)):
        with pytest.raises(ValidationError) as refused:
            services.create_meeting(booking(**{field: value}), secretary, accept_warnings=True)
        assert field in refused.value.fields and f"{day:%d/%m/%Y}" in refused.value.fields[field]
    meeting = services.create_meeting(booking(attendee_unit_ids=[current.id], preparing_unit_id=current.id),
                                      secretary)
    assert meeting.preparing_unit_id == current.id


def test_moving_a_meeting_to_a_day_its_units_no_longer_exist_warns_naming_them(
        db, booking, secretary, create_unit, create_meeting, day):
    from meetingsvc.meetings import services
    from meetingsvc.meetings.conflicts import WarningsNotAccepted
    from meetingsvc.online.models import BridgePoint
    from tests.helpers import at_local

    ending = create_unit(name="Huyện Mê Linh", valid_to=day + timedelta(days=3))
    point_unit = create_unit(name="Huyện Sóc Sơn", valid_to=day + timedelta(days=3))
    preparing = create_unit(name="Sở Giao thông vận tải", valid_to=day + timedelta(days=3))
    meeting = services.create_meeting(booking(attendee_unit_ids=[ending.id], preparing_unit_id=preparing.id,
                                              mode="online"), secretary)
    db.session.add(BridgePoint(meeting_id=meeting.id, unit_id=point_unit.id))
    db.session.commit()
    later = day + timedelta(days=7)
    with pytest.raises(WarningsNotAccepted) as pending:
        services.postpone_meeting(meeting, "Đổi lịch", secretary, at_local(later, "08:00"), at_local(later, "10:00"))
    text = " ".join(i.message for i in pending.value.issues if i.code == "unit_not_valid")
    for name in ("Huyện Mê Linh", "Sở Giao thông vận tải", "Huyện Sóc Sơn"):
        assert name in text, text
    moved = services.postpone_meeting(meeting, "Đổi lịch", secretary, at_local(later, "08:00"),
                                      at_local(later, "10:00"), accept_warnings=True)
    assert moved.preparing_unit_id == preparing.id and [a.unit_id for a in moved.attendees] == [ending.id]


def test_the_unit_lookup_offers_units_valid_on_the_meetings_day_and_tells_namesakes_apart(
        db, client, login_as, create_unit, day):
    city_a, city_b = create_unit(name="UBND tỉnh Bắc Giang", kind="city"), create_unit(name="UBND tỉnh Bắc Ninh",
                                                                                     kind="city")
    create_unit(name="Sở Nội vụ", code="24.SNV", parent_id=city_a.id, valid_to=date(2025, 6, 30))
    create_unit(name="Sở Nội vụ", code="27.SNV", parent_id=city_b.id)
    login_as("secretary")
    before = client.get("/meetings/lookup/units?q=noi+vu&date=01/06/2025").get_json()
    assert [(u["label"], u["detail"]) for u in before] == [("Sở Nội vụ", "UBND tỉnh Bắc Giang (24.SNV)"),
                                                           ("Sở Nội vụ", "UBND tỉnh Bắc Ninh (27.SNV)")]
    after = client.get(f"/meetings/lookup/units?q=noi+vu&date={day.isoformat()}").get_json()
    assert [u["detail"] for u in after] == ["UBND tỉnh Bắc Ninh (27.SNV)"]
    assert len(client.get("/meetings/lookup/units?q=noi+vu&date=not-yet").get_json()) == 1  # today


def test_the_form_sends_the_meetings_date_to_the_unit_lookup(db, client, login_as):
    login_as("secretary")
    html = client.get("/meetings/new").get_data(as_text=True)
    assert 'data-date-field="date"' in html


def test_the_form_sections_have_distinct_names(db, client, login_as):
    login_as("secretary")
    html = client.get("/meetings/new").get_data(as_text=True)
    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert len(legends) == len(set(legends)), legends
    assert "Thông tin chung" in legends and "Chương trình họp" in legends
    # The title is the meeting's content ("Nội dung cuộc họp"); the agenda is not a second "Nội dung".
    labels = dict(re.findall(r'<label for="(title|agenda)">([^<]+)', html))
    assert labels["title"].strip() == "Nội dung cuộc họp" and labels["agenda"].strip() == "Chương trình họp"


def test_the_history_reads_every_action_including_the_online_domains(db, client, login_as, create_meeting,
                                                                     create_unit, secretary):
    from meetingsvc.online import services as online

    meeting = create_meeting(mode="online")
    units = [create_unit(kind="ward", name=f"Phường số {i}") for i in range(120)]
    online.update_link(meeting, {"join_url": "https://meet.example.vn/abc", "is_relayed": False}, user=secretary)
    online.add_points_bulk(meeting, kind="commune", user=secretary)
    online.add_point(meeting, {"site_name": "Trụ sở Công an"}, user=secretary)
    online.remove_points(meeting, remove_all=True, user=secretary)
    login_as("secretary")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    history_html = html.split('<ul class="history">')[1]
    for code in ("online_link", "bridge_point_bulk_add", "bridge_point_add", "bridge_point_remove", "join_url"):
        assert f": {code}" not in history_html and f">{code}:" not in history_html, code
    assert "True" not in history_html and "False" not in history_html and "['" not in history_html
    assert '<details class="long-value"><summary>120 mục</summary>' in history_html  # folded, with the count
    assert units[0].name in history_html  # the list is there, folded


@pytest.mark.parametrize("suffix", ["", "/edit", "/cancel", "/postpone", "/duplicate", "/restore"])
def test_a_meeting_id_larger_than_any_row_is_404_not_an_error(db, client, login_as, suffix):
    login_as("secretary")
    assert client.get(f"/meetings/99999999999999999999{suffix}").status_code == 404


def test_a_chair_clash_reads_as_a_booked_chair_not_a_past_meeting(db, client, login_as, booking, create_meeting,
                                                                   create_room, day, leader):
    create_meeting(title="Họp đã xếp lịch", chair_id=leader.id, room_id=create_room().id, day=day)
    login_as("secretary")
    html = client.post("/meetings/new", data={**_form(booking), "accept_warnings": "y"}).get_data(as_text=True)
    assert "Trần Thị Hoa đã có lịch chủ trì «Họp đã xếp lịch»" in html


def test_the_meeting_page_shows_classification_and_mode_apart(db, client, login_as, create_meeting):
    meeting = create_meeting(title="Hội nghị trực tuyến", classification="internal", mode="online")
    login_as("viewer")
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert re.search(r"<dt>Độ mật</dt><dd[^>]*>Nội bộ</dd>", html)
    assert re.search(r"<dt>Hình thức</dt><dd[^>]*>Trực tuyến</dd>", html)


def test_a_moved_meeting_lists_its_changes_in_the_forms_order(db, client, login_as, create_meeting, day):
    meeting = create_meeting(day=day)
    login_as("secretary")
    new_day = (day + timedelta(days=7)).isoformat()
    response = client.post(f"/meetings/{meeting.id}/postpone", data={
        "reason": "Lãnh đạo đi công tác", "date": new_day, "start": "14:00", "end": "15:30", "accept_warnings": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    history_html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True).split('<ul class="changes">')[1]
    labels = re.findall(r"<li>([^:<]+):", history_html.split("</ul>")[0])
    assert labels == ["Lý do", "Bắt đầu", "Kết thúc", "Buổi"]


def test_editing_a_meeting_to_a_day_its_bridge_points_no_longer_exist_warns_naming_them(
        db, booking, secretary, create_unit, day):
    from meetingsvc.meetings import services
    from meetingsvc.meetings.conflicts import WarningsNotAccepted
    from meetingsvc.online.models import BridgePoint

    district = create_unit(name="Huyện Mê Linh", kind="district", valid_to=day + timedelta(days=3))
    meeting = services.create_meeting(booking(mode="online"), secretary)
    db.session.add(BridgePoint(meeting_id=meeting.id, unit_id=district.id))
    db.session.commit()
    later = day + timedelta(days=7)
    with pytest.raises(WarningsNotAccepted) as pending:
        services.update_meeting(meeting, {"date": later.isoformat()}, secretary)
    assert any(i.code == "unit_not_valid" and "Huyện Mê Linh" in i.message for i in pending.value.issues)
