"""The weekly work schedule page: grouping, title, filters, masking, drafts and the number of queries."""

import re
from datetime import date, timedelta

import pytest

from meetingsvc.meetings import schedule
from meetingsvc.meetings.schedule import WeekFilters, build_week
from tests.helpers import at_local


def _entries_by_day(html: str) -> dict[str, list[str]]:
    """{day iso: [meeting ids]} from the rendered table."""
    days = {}
    for block in re.findall(r'<tbody class="schedule-day" data-day="([\d-]+)">(.*?)</tbody>', html, re.S):
        days[block[0]] = re.findall(r'data-meeting-id="(\d+)"', block[1])
    return days


def test_title_names_the_iso_week_and_its_dates(client, login_as):
    login_as("viewer")
    for query in ("week=2026-W48", "date=2026-11-25", "date=2026-11-29"):
        html = client.get(f"/meetings/week?{query}").get_data(as_text=True)
        assert "Lịch công tác tuần 48 năm 2026, từ 23/11/2026 đến 29/11/2026" in html, query


def test_bad_week_or_date_is_refused_with_a_clear_message(client, login_as):
    login_as("viewer")
    response = client.get("/meetings/week?week=2026-W60")
    assert response.status_code == 400
    assert "2026-W48" in response.get_data(as_text=True)
    response = client.get("/meetings/week?date=31/02/2026")
    assert response.status_code == 400
    assert "dd/mm/yyyy" in response.get_data(as_text=True)
    # The date picker writes dd/mm/yyyy, links write ISO: both name the same week.
    for written in ("25/11/2026", "2026-11-25"):
        response = client.get(f"/meetings/week?date={written}")
        assert response.status_code == 200
        assert "23/11/2026" in response.get_data(as_text=True)
    assert client.get("/meetings/week?leader=abc").status_code == 400


def test_meetings_are_grouped_by_local_day_and_session(client, login_as, create_meeting, monday):
    sunday = monday + timedelta(days=6)
    late_sunday = create_meeting(title="Trực ban cuối tuần", start_at=at_local(sunday, "23:30"),
                                 end_at=at_local(sunday, "23:55"), day_part="evening")
    early_monday = create_meeting(title="Kiểm tra sớm", start_at=at_local(monday, "06:30"),
                                  end_at=at_local(monday, "07:30"))
    afternoon = create_meeting(title="Họp chiều", day=monday, start="14:00", end="15:00")
    next_monday = create_meeting(title="Tuần sau", day=monday + timedelta(days=7), start="08:00", end="09:00")
    # 06:30 on Monday in Hanoi is 23:30 UTC on the Sunday before: the UTC date would put it in last week.
    assert early_monday.start_at.date() == monday - timedelta(days=1)

    login_as("viewer")
    html = client.get(f"/meetings/week?date={monday.isoformat()}").get_data(as_text=True)
    days = _entries_by_day(html)
    assert days[monday.isoformat()] == [str(early_monday.id), str(afternoon.id)]
    assert days[sunday.isoformat()] == [str(late_sunday.id)]
    assert str(next_monday.id) not in {i for ids in days.values() for i in ids}
    assert "Tuần sau<" not in html
    assert f"Thứ Hai {monday:%d/%m/%Y}" in html and f"Chủ Nhật {sunday:%d/%m/%Y}" in html
    assert (monday + timedelta(days=5)).isoformat() not in days  # an empty Saturday is left out

    view = build_week(monday, None, version="draft")
    sessions = {d.day: [s for s, _rows in d.sessions] for d in view.days}
    assert sessions[monday] == ["morning", "afternoon"]
    assert sessions[sunday] == ["evening"]


def test_columns_show_chair_leaders_attendees_place_unit_and_status(client, login_as, create_meeting, create_leader,
                                                                     create_person, create_unit, create_room, monday):
    chair = create_leader(full_name="Trần Sỹ Thanh", title="Chủ tịch UBND Thành phố")
    attending = create_leader(full_name="Dương Đức Tuấn")
    unit = create_unit(name="Sở Xây dựng")
    guest_unit = create_unit(name="UBND quận Hoàn Kiếm")
    person = create_person(full_name="Lê Văn Khách")
    room = create_room(name="Phòng họp số 1", building="Tầng 3")
    create_meeting(title="Họp về dự án Vành đai 4", agenda="Tiến độ giải phóng mặt bằng", day=monday,
                   chair_id=chair.id, attending=[attending], attendee_people=[person], attendee_units=[guest_unit],
                   room_id=room.id, preparing_unit_id=unit.id)
    create_meeting(title="Tiếp công dân định kỳ", day=monday, start="14:00", end="17:00", status="postponed",
                   status_reason="Lãnh đạo bận họp Thành ủy")
    login_as("viewer")
    html = client.get(f"/meetings/week?date={monday.isoformat()}").get_data(as_text=True)
    for text in ("08:00–10:00", "Họp về dự án Vành đai 4", "Tiến độ giải phóng mặt bằng",
                 "Chủ tịch UBND Thành phố Trần Sỹ Thanh <em>(chủ trì)</em>", "Dương Đức Tuấn <em>(dự)</em>",
                 "Chuyên viên Lê Văn Khách; UBND quận Hoàn Kiếm", "Phòng họp số 1, Tầng 3", "Sở Xây dựng",
                 "(Hoãn)", "Lãnh đạo bận họp Thành ủy", "Sáng", "Chiều", "Thành phần", "Đơn vị chuẩn bị"):
        assert text in html, text


def test_filters_by_leader_room_and_unit(client, login_as, create_meeting, create_leader, create_room, create_unit,
                                         monday):
    leader, other = create_leader(), create_leader()
    room = create_room()
    unit, other_unit = create_unit(), create_unit()
    chaired = create_meeting(title="Chủ trì", day=monday, chair_id=leader.id)
    attended = create_meeting(title="Dự họp", day=monday, start="14:00", end="15:00", chair_id=other.id,
                              attending=[leader])
    in_room = create_meeting(title="Trong phòng", day=monday + timedelta(days=1), room_id=room.id)
    prepared = create_meeting(title="Chuẩn bị", day=monday + timedelta(days=2), preparing_unit_id=unit.id)
    invited = create_meeting(title="Được mời", day=monday + timedelta(days=3), attendee_units=[unit])
    unrelated = create_meeting(title="Khác", day=monday + timedelta(days=4), preparing_unit_id=other_unit.id)
    login_as("viewer")

    def shown(query):
        html = client.get(f"/meetings/week?date={monday.isoformat()}&{query}").get_data(as_text=True)
        return {int(i) for ids in _entries_by_day(html).values() for i in ids}

    assert shown(f"leader={leader.id}") == {chaired.id, attended.id}
    assert shown(f"room={room.id}") == {in_room.id}
    assert shown(f"unit={unit.id}") == {prepared.id, invited.id}
    assert shown("") == {chaired.id, attended.id, in_room.id, prepared.id, invited.id, unrelated.id}


def test_a_past_week_filters_by_the_leader_and_room_it_had_though_deactivated_since(
        client, login_as, create_meeting, create_leader, create_room, monday):
    from meetingsvc.extensions import db

    former, gone_room = create_leader(full_name="Đặng Văn Tùng"), create_room(name="Phòng họp cũ")
    idle = create_leader(full_name="Lê Văn Nghỉ")  # deactivated, no meeting that week: not offered
    create_meeting(title="Giao ban cũ", day=monday, chair_id=former.id, room_id=gone_room.id)
    former.is_active = gone_room.is_active = idle.is_active = False
    db.session.commit()
    login_as("viewer")
    html = client.get(f"/meetings/week?date={monday.isoformat()}&leader={former.id}").get_data(as_text=True)
    assert re.search(rf'<option value="{former.id}" selected>[^<]*Đặng Văn Tùng \(không còn hoạt động\)', html)
    assert f'<option value="{gone_room.id}" >Phòng họp cũ (không còn hoạt động)' in html
    assert "Lê Văn Nghỉ" not in html
    assert len(_entries_by_day(html)[monday.isoformat()]) == 1


def test_classified_meeting_shows_only_a_busy_slot_to_a_user_not_cleared(client, login_as, create_meeting,
                                                                         create_leader, create_unit, create_room,
                                                                         create_user, monday):
    leader = create_leader(full_name="Nguyễn Văn Phong")
    unit = create_unit(name="Công an Thành phố")
    room = create_room(name="Phòng họp bảo mật")
    secret = create_meeting(title="Phương án bảo vệ bí mật X", agenda="Kế hoạch Y", day=monday, chair_id=leader.id,
                            classification="toi_mat", room_id=room.id, preparing_unit_id=unit.id,
                            attendee_units=[unit])
    login_as("secretary", clearance="internal")
    html = client.get(f"/meetings/week?date={monday.isoformat()}").get_data(as_text=True)
    assert "Họp (nội dung mật)" in html
    assert "08:00–10:00" in html and "Nguyễn Văn Phong" in html
    for secret_text in ("bí mật X", "Kế hoạch Y", "Công an Thành phố", "Phòng họp bảo mật",
                        f"/meetings/{secret.id}\""):
        assert secret_text not in html.split('id="unit"')[1].split("</select>")[1], secret_text
    # The unit filter would reveal that the unit is involved: a masked meeting is left out of it.
    filtered = client.get(f"/meetings/week?date={monday.isoformat()}&unit={unit.id}").get_data(as_text=True)
    assert "Họp (nội dung mật)" not in filtered

    cleared = create_user(role="viewer", clearance="toi_mat")
    from tests.helpers import login

    login(client, cleared)
    html = client.get(f"/meetings/week?date={monday.isoformat()}").get_data(as_text=True)
    assert "Phương án bảo vệ bí mật X" in html


def test_drafts_show_only_to_those_who_book(client, login_as, create_meeting, monday):
    create_meeting(title="Lịch dự kiến chưa chốt", day=monday, status="draft")
    login_as("viewer")
    assert "Lịch dự kiến chưa chốt" not in client.get(f"/meetings/week?date={monday}").get_data(as_text=True)
    login_as("secretary")
    assert "Lịch dự kiến chưa chốt" in client.get(f"/meetings/week?date={monday}").get_data(as_text=True)


def test_week_page_runs_a_fixed_number_of_queries(client, login_as, create_meeting, create_leader, create_person,
                                                  create_unit, create_room, count_queries, monday):
    login_as("secretary")
    unit = create_unit()

    def add(n, offset):
        for i in range(n):
            day = monday + timedelta(days=(offset + i) % 5)
            create_meeting(title=f"Họp {offset + i}", day=day, start=f"{7 + (offset + i) // 5:02d}:00",
                           end=f"{7 + (offset + i) // 5:02d}:30", chair_id=create_leader().id,
                           co_chairs=[create_leader()], attending=[create_leader()],
                           attendee_people=[create_person(unit_id=unit.id)], attendee_units=[create_unit()],
                           room_id=create_room().id, preparing_unit_id=unit.id)

    add(2, 0)
    with count_queries() as few:
        assert client.get(f"/meetings/week?date={monday}").status_code == 200
    add(10, 2)
    with count_queries() as many:
        html = client.get(f"/meetings/week?date={monday}").get_data(as_text=True)
    assert html.count('class="entry') == 12
    assert many.count == few.count, many.statements
    assert many.count <= 12, many.statements


def test_parse_week_accepts_iso_weeks_and_dates():
    assert schedule.parse_week("2026-W48") == date(2026, 11, 23)
    assert schedule.parse_week(None, "2026-11-29") == date(2026, 11, 23)
    assert schedule.parse_week("2026-W01") == date(2025, 12, 29)
    assert schedule.iso_week(date(2026, 11, 23)) == "2026-W48"


def test_filters_object_reports_whether_any_is_set():
    assert not WeekFilters().any
    assert WeekFilters(room_id=3).any


@pytest.mark.parametrize("url", ["/meetings/week?week=9999-W52", "/meetings/week?week=0001-W01",
                                 "/meetings/week?date=9999-12-31", "/meetings/week?date=0001-01-01",
                                 "/meetings/rooms?date=9999-12-31", "/meetings/rooms?date=0001-01-01&span=week",
                                 "/schedule/public?week=9999-W52", "/schedule/public?date=0001-01-01",
                                 "/meetings/week?leader=99999999999"])
def test_extreme_dates_are_a_clear_400(client, login_as, url):
    login_as("viewer")
    response = client.get(url)
    assert response.status_code == 400, url
    assert "01/01/1900" in response.get_data(as_text=True) or "leader" in url


def test_a_meeting_over_several_days_is_on_each_of_its_days(client, login_as, create_meeting, monday):
    training = create_meeting(title="Tập huấn chuyển đổi số", kind="training_rollout",
                              start_at=at_local(monday + timedelta(days=1), "08:00"),
                              end_at=at_local(monday + timedelta(days=3), "11:00"), day_part="all_day")
    begun = create_meeting(title="Đoàn công tác từ tuần trước", start_at=at_local(monday - timedelta(days=2), "14:00"),
                           end_at=at_local(monday, "17:00"), day_part="all_day")
    login_as("viewer")
    html = client.get(f"/meetings/week?date={monday}").get_data(as_text=True)
    days = _entries_by_day(html)
    for offset in (1, 2, 3):
        assert days[(monday + timedelta(days=offset)).isoformat()] == [str(training.id)], offset
    assert days[monday.isoformat()] == [str(begun.id)]
    assert str(training.id) not in days[(monday + timedelta(days=4)).isoformat()]
    rows = re.findall(rf'data-meeting-id="{training.id}">(.*?)</tr>', html, re.S)
    assert "từ 08:00" in rows[0] and "ngày 1/3" in rows[0]
    assert "Cả ngày" in rows[1] and "ngày 2/3" in rows[1]
    assert "đến 11:00" in rows[2] and "ngày 3/3" in rows[2]
    view = build_week(monday, None)
    assert view.count == 2  # meetings, not rows


def test_online_meetings_show_their_mode_and_bridge_points(client, login_as, create_meeting, create_unit, monday,
                                                           count_queries, db):
    from meetingsvc.online.models import BridgePoint

    online = create_meeting(title="Hội nghị trực tuyến toàn thành phố", day=monday, mode="online",
                            classification="public")
    hybrid = create_meeting(title="Họp kết hợp", day=monday, start="14:00", end="15:00", mode="hybrid")
    create_meeting(title="Họp trực tiếp", day=monday + timedelta(days=1))
    for i in range(3):
        db.session.add(BridgePoint(meeting_id=online.id, unit_id=create_unit().id, planned_participants=20,
                                   actual_participants=15 if i else None))
    db.session.add(BridgePoint(meeting_id=hybrid.id, unit_id=create_unit().id))
    db.session.commit()
    login_as("viewer")
    html = client.get(f"/meetings/week?date={monday}").get_data(as_text=True)
    row = re.search(rf'data-meeting-id="{online.id}">(.*?)</tr>', html, re.S)[1]
    assert "Trực tuyến, 3 điểm cầu" in row and "dự kiến 60 đại biểu, thực tế 30 đại biểu" in row
    row = re.search(rf'data-meeting-id="{hybrid.id}">(.*?)</tr>', html, re.S)[1]
    assert "Kết hợp, 1 điểm cầu" in row and "dự kiến" not in row
    with count_queries() as counted:
        client.get(f"/meetings/week?date={monday}")
    assert sum("bridge_points" in s for s in counted.statements) == 1  # one aggregate query for the week
    schedule.publish_week(monday)
    public = client.get(f"/schedule/public?date={monday}").get_data(as_text=True)
    assert "Trực tuyến, 3 điểm cầu" in public and "dự kiến" not in public


def test_public_holidays_and_swapped_working_days_are_marked_on_their_day(client, login_as, db):
    from meetingsvc.core.workdays import CalendarDay

    monday = date(2027, 8, 30)  # National Day 2/9 (Thursday) and, by the office's notice, Saturday 4/9 worked
    db.session.add(CalendarDay(day=date(2027, 9, 4), is_working_day=True, name="Làm bù cho ngày 3/9"))
    db.session.add(CalendarDay(day=date(2027, 9, 3), is_working_day=False, name="Nghỉ bù"))
    db.session.commit()
    login_as("viewer")
    html = client.get(f"/meetings/week?date={monday}").get_data(as_text=True)
    heading = re.search(r'data-day="2027-09-02">\s*<tr class="day-row day-off"><th[^>]*>([^<]*<span[^>]*>[^<]*)',
                        html)
    assert heading and "Quốc khánh" in heading[1], html[:200]
    assert re.search(r'data-day="2027-09-03">\s*<tr class="day-row day-off">.*?Nghỉ bù', html, re.S)
    assert re.search(r'data-day="2027-09-04">\s*<tr class="day-row day-worked">.*?Làm bù cho ngày 3/9', html, re.S)
    assert 'data-day="2027-09-05"' not in html  # an ordinary empty Sunday is still left out


def test_the_unit_filter_lists_departments_first_sorted_and_only_units_of_that_week(client, login_as, create_unit,
                                                                                    monday):
    create_unit(name="Phường Ba Đình", kind="ward")
    create_unit(name="Sở Y tế", kind="department")
    create_unit(name="Sở Nội vụ", kind="department")
    create_unit(name="Ủy ban MTTQ", kind="other")
    create_unit(name="Quận Hoàn Kiếm", kind="district", valid_to=monday - timedelta(days=1))
    create_unit(name="Huyện Mê Linh", kind="district")
    create_unit(name="Phường Ngọc Hà", kind="ward", valid_from=monday + timedelta(days=7))
    login_as("viewer")
    html = client.get(f"/meetings/week?date={monday}").get_data(as_text=True)
    menu = html.split('<select id="unit"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', menu, re.S)
    assert [label for label, _body in groups] == ["Sở, ban, ngành và cơ quan khác", "Quận, huyện, thị xã", "Phường, xã"]
    names = [re.findall(r">([^<]+)</option>", body) for _label, body in groups]
    assert names == [["Sở Nội vụ", "Sở Y tế", "Ủy ban MTTQ"], ["Huyện Mê Linh"], ["Phường Ba Đình"]]
