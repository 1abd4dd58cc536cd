"""A crafted dataset for the reports: its expected counts are worked out by hand in EXPECTED_2022 / _2021."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.extensions import db
from meetingsvc.online.models import BridgePoint

# Meetings of 2022 that count as held (see the dataset below, numbered as in its comments):
# 1 PC session, 2 four held occurrences of a weekly series (one more cancelled), 3 the held row of a postponed
# meeting, 4 a working session co-chaired by VC1, 5 an online conference, 6 a relayed conference, 7 a citizen
# reception, 8 a classified field trip, 9 23:30 on 31/12/2022, 13 an unchaired meeting of unit U2,
# 14 00:30 on 01/01/2022.
EXPECTED_2022 = {
    "held": 1 + 4 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1,  # 14
    "pc_sessions": 1,
    "chaired_by_leaders": 4 + 1 + 1 + 1 + 1 + 1,  # series, postponed, co-chaired session, online, reception, field
    "other": 4,  # relayed (no chair), 23:30 31/12, unit U2, 00:30 01/01
    "co_chaired": 1,  # of the chaired ones: the working session co-chaired by VC1
    "cochaired_only": 1,  # the same: its chair (a director) is not one of the leaders
    "together": 0,
    "attended_only": 0,  # VC2 attends the online conference, but the Chairman chairs it
    "leaders_attended": 1,
    "in_person": 11,
    "online": 2,
    "hybrid": 1,
    "field_trips": 1,
    "working_sessions": 1,
    "working_sessions_foreign": 1,
    "citizen_receptions": 1,
    "people_received": 25,
    "online_conferences": 2,  # the hybrid working session and the online conference; the relayed one apart
    "conferences_without_points": 0,
    "hybrid_venue": 0,  # the hybrid working session has no head count at the venue
    "bridge_points": 3 + 3,
    "bridge_participants": (50 + 100 + 0) + (200 + 300 + 400),  # actual, else planned, else nothing
    "participants_actual": 50 + 200 + 300 + 400,
    "participants_planned_only": 100,
    "points_planned_only": 1,
    "points_without_figure": 1,
    "in_person_present": 30 + 1,  # PC session present_count; citizen reception: one attendee marked attended
    "participant_attendances": 1050 + 31,
    "relayed_conferences": 1,
    "relayed_bridge_points": 2,
    "relayed_participants": 1000 + 500,
    "cancelled": 2,  # a series occurrence and a single meeting
    "postponed": 1,  # still postponed (no new date), no history
    "upcoming": 0,
    "drafts": 1,
}
EXPECTED_2021 = {"held": 3, "pc_sessions": 1, "chaired_by_leaders": 1, "other": 1}


@pytest.fixture
def dataset(create_unit, create_leader, create_person, create_room, create_meeting, create_series):
    chairman = create_leader(full_name="Trần Chủ Tịch", title="Chủ tịch UBND Thành phố", leader_role="chairman",
                             leader_rank=1)
    vc1 = create_leader(full_name="Lê Phó Một", leader_rank=2)
    vc2 = create_leader(full_name="Phạm Phó Hai", title="Phó Chủ tịch Thường trực",
                        leader_role="standing_vice_chairman", leader_rank=2)
    director = create_person(full_name="Vũ Giám Đốc", title="Giám đốc Sở")
    citizen_a, citizen_b = create_person(), create_person()
    u1, u2 = create_unit(name="Sở Tài chính"), create_unit(name="Sở Xây dựng")
    r1, r2 = create_room(name="Phòng họp số 1"), create_room(name="Phòng họp số 2")

    def m(day, start="08:00", end="10:00", **kw):
        return create_meeting(day=day, start=start, end=end, **kw)

    # 1 PC session, 3 hours in room 1, 30 present
    m(date(2022, 1, 20), "08:00", "11:00", kind="pc_session", chair_id=chairman.id, room_id=r1.id, status="held",
      present_count=30, title="Phiên họp UBND Thành phố tháng 1")
    # 2 weekly briefing, 5 occurrences: the 3rd cancelled, the 4th moved to Tuesday afternoon (still held)
    _series, occ = create_series("FREQ=WEEKLY;COUNT=5", day=date(2022, 3, 7), start="08:00", end="09:00",
                                 kind="briefing", chair_id=vc1.id, room_id=r2.id, preparing_unit_id=u1.id,
                                 title="Giao ban tuần")
    occ[2].status = "cancelled"
    occ[3].start_at += timedelta(days=1, hours=6)
    occ[3].end_at += timedelta(days=1, hours=6)
    occ[3].is_detached = True
    # 3 postponed from 05/04 to 12/04: the postponed row does not count, the held one does
    m(date(2022, 4, 5), kind="work_resolution", chair_id=vc2.id, status="postponed", title="Họp dự án (hoãn)")
    m(date(2022, 4, 12), kind="work_resolution", chair_id=vc2.id, status="held", title="Họp dự án")
    # 4 hybrid working session with a foreign delegation: chaired by a director, co-chaired by VC1
    ws = m(date(2022, 5, 10), kind="working_session", chair_id=director.id, co_chairs=[vc1], is_foreign=True,
           mode="hybrid", counterpart="Đoàn JICA", title="Làm việc với đoàn JICA")
    # 5 online conference chaired by the Chairman; VC2 attends without chairing
    oc = m(date(2022, 6, 15), kind="online_conference", chair_id=chairman.id, attending=[vc2], mode="online",
           title="Hội nghị trực tuyến triển khai nhiệm vụ")
    # 6 relayed from the Party's network, no chair of ours
    rc = m(date(2022, 7, 1), kind="online_conference", mode="online", is_relayed=True, origin_network="Thành ủy",
           title="Hội nghị Thành ủy (truyền dẫn)")
    # 7 citizen reception: 25 people received; one attendee marked as attended
    cr = m(date(2022, 8, 15), kind="citizen_reception", chair_id=chairman.id, people_count=25,
           attendee_people=[citizen_a, citizen_b], title="Tiếp công dân định kỳ")
    cr.attendees[0].attended, cr.attendees[1].attended = True, False
    # 8 field trip, classified
    m(date(2022, 9, 9), kind="field_trip", chair_id=vc2.id, classification="mat", location="Khu công nghiệp",
      title="Kiểm tra dự án mật")
    # 9 / 10 the turn of the year in local time
    m(date(2022, 12, 31), "23:30", "23:59", title="Họp cuối năm 2022")
    m(date(2023, 1, 1), "00:30", "01:30", title="Họp đầu năm 2023")
    # 11 cancelled, 12 draft
    m(date(2022, 10, 10), chair_id=chairman.id, status="cancelled", title="Họp đã hủy")
    m(date(2022, 11, 11), status="draft", title="Họp dự thảo")
    # 13 an unchaired meeting prepared by U2, 14 00:30 on 1 January 2022
    m(date(2022, 11, 20), preparing_unit_id=u2.id, title="Họp Sở Xây dựng")
    m(date(2022, 1, 1), "00:30", "01:30", title="Họp đầu năm 2022")
    # 2021: a PC session, a working meeting of VC1, and 23:30 on 31/12/2021
    m(date(2021, 2, 1), kind="pc_session", chair_id=chairman.id, status="held", title="Phiên họp 2021")
    m(date(2021, 3, 3), chair_id=vc1.id, title="Họp 2021")
    m(date(2021, 12, 31), "23:30", "23:59", title="Họp cuối năm 2021")

    def point(meeting, name, planned, actual, host=False):
        db.session.add(BridgePoint(meeting_id=meeting.id, site_name=name, is_host=host,
                                   planned_participants=planned, actual_participants=actual))

    point(ws, "Điểm cầu chính", 60, 50, host=True)
    point(ws, "UBND quận Ba Đình", 100, None)
    point(ws, "UBND quận Hoàn Kiếm", None, None)
    point(oc, "Điểm cầu chính", 250, 200, host=True)
    point(oc, "UBND huyện Sóc Sơn", 250, 300)
    point(oc, "UBND huyện Đông Anh", None, 400)
    point(rc, "Thành ủy", 900, 1000, host=True)
    point(rc, "UBND quận Cầu Giấy", 400, 500)
    db.session.commit()
    return {"chairman": chairman, "vc1": vc1, "vc2": vc2, "director": director, "u1": u1, "u2": u2, "r1": r1,
            "r2": r2, "series": occ}


@pytest.fixture
def working_hours(app):
    """Set the working hours for one test: working_hours("07:30-11:30,13:30-17:00")."""
    saved = {k: app.config.get(k) for k in ("WORKING_PERIODS", "WORKING_HOURS")}

    def set_to(spec):
        app.config["WORKING_PERIODS"] = spec
        app.config["WORKING_HOURS"] = f"{spec.split(',')[0].split('-')[0]}-{spec.split(',')[-1].split('-')[1]}"

    set_to("07:30-17:00")
    yield set_to
    app.config.update(saved)


@pytest.fixture
def more(dataset, create_meeting, create_unit, create_user, working_hours):
    """The dataset and what the later rules need; every meeting in 2022 (see the comments for hand counts).

    Rooms (working hours 07:30-17:00 / with the lunch break 07:30-11:30,13:30-17:00):
    room 1: PC session 20/01 08-11 (3 h / 3 h), 'together' 20/06 11-14 (3 h / 1 h), an evening meeting 04/10
    19-21 (0), a meeting on National Day 02/09 (0), 30/12 15:00 to 03/01/2023 10:00 (2 h in 2022: 31/12 is a
    Saturday and the period ends) = 8 h / 6 h; room 2: the four briefings (4 h) and a training 14/09 13:00 to
    16/09 12:00 (4 + 9.5 + 4.5 = 18 h / 3.5 + 7.5 + 4 = 15 h) = 22 h / 19 h.
    """
    from meetingsvc.core.audit import AuditEntry
    from meetingsvc.meetings.services import postpone_meeting
    from tests.helpers import at_local

    chairman, vc1, vc2 = dataset["chairman"], dataset["vc1"], dataset["vc2"]
    r1, r2, u2 = dataset["r1"], dataset["r2"], dataset["u2"]

    def m(day, start="08:00", end="10:00", **kw):
        return create_meeting(day=day, start=start, end=end, **kw)

    # a: the Chairman and VC1 together
    m(date(2022, 6, 20), "11:00", "14:00", kind="thematic", chair_id=chairman.id, co_chairs=[vc1], room_id=r1.id,
      title="Họp chuyên đề liên ngành")
    # b: a Party conference the Standing Vice Chairman only attends (no chair of ours)
    m(date(2022, 7, 11), "14:00", "16:00", kind="conference", attending=[vc2], title="Hội nghị Thành ủy (dự)")
    # c: hybrid, 40 present at the venue (its main point, 35, is not added again) + a planned point of 20
    hy = m(date(2022, 8, 2), kind="review", chair_id=vc2.id, mode="hybrid", present_count=40,
           title="Sơ kết 6 tháng (kết hợp)")
    db.session.add(BridgePoint(meeting_id=hy.id, site_name="Hội trường UBND", is_host=True, actual_participants=35))
    db.session.add(BridgePoint(meeting_id=hy.id, site_name="UBND huyện Ba Vì", planned_participants=20))
    # d: an online conference with no bridge point recorded
    m(date(2022, 8, 9), "08:00", "09:00", kind="online_conference", chair_id=vc1.id, mode="online",
      title="Hội nghị trực tuyến chưa ghi điểm cầu")
    # e: a training over three days in room 2
    create_meeting(start_at=at_local(date(2022, 9, 14), "13:00"), end_at=at_local(date(2022, 9, 16), "12:00"),
                   kind="training_rollout", chair_id=vc1.id, room_id=r2.id, title="Tập huấn ba ngày")
    # f: evening, g: over the turn of the year, h: on National Day, all in room 1
    m(date(2022, 10, 4), "19:00", "21:00", chair_id=vc2.id, room_id=r1.id, title="Họp buổi tối")
    create_meeting(start_at=at_local(date(2022, 12, 30), "15:00"), end_at=at_local(date(2023, 1, 3), "10:00"),
                   chair_id=vc2.id, room_id=r1.id, kind="training_rollout", title="Tập huấn qua năm mới")
    m(date(2022, 9, 2), chair_id=vc2.id, room_id=r1.id, title="Họp ngày Quốc khánh")
    # j: postponed twice through the service (20/05 -> 27/05 -> 03/06), then held: postponed once, held once
    secretary = create_user(role="secretary", clearance="tuyet_mat")
    pj = m(date(2022, 5, 20), chair_id=vc1.id, title="Họp dời hai lần")
    for new_day in (date(2022, 5, 27), date(2022, 6, 3)):
        postpone_meeting(pj, "Lãnh đạo bận việc đột xuất", secretary, at_local(new_day, "08:00"),
                         at_local(new_day, "10:00"), accept_warnings=True)
    for entry in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_id == pj.id,
                                                                AuditEntry.object_type == "meetings")):
        entry.at = at_local(date(2022, 5, 18), "09:00")  # the office postponed it in May 2022
    # m: merged units: Sở Giao thông vận tải became Sở Xây dựng (u2); Sở Ngoại vụ became the PC Office
    transport = create_unit(name="Sở Giao thông vận tải", valid_to=date(2025, 2, 28))
    transport.successors.append(u2)
    foreign = create_unit(name="Sở Ngoại vụ", valid_to=date(2025, 2, 28))
    office = create_unit(name="Văn phòng UBND Thành phố")
    foreign.successors.append(office)
    m(date(2022, 4, 20), chair_id=vc2.id, preparing_unit_id=transport.id, title="Họp Sở Giao thông vận tải")
    m(date(2022, 4, 21), chair_id=vc2.id, preparing_unit_id=foreign.id, title="Họp Sở Ngoại vụ")
    db.session.commit()
    return {**dataset, "hybrid": hy, "postponed_twice": pj, "transport": transport, "foreign": foreign,
            "office": office}
