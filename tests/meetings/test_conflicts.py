"""Each refusal and each warning, named with the other meeting; classified meetings stay masked."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.errors import ConflictError
from meetingsvc.core.workdays import CalendarDay
from meetingsvc.meetings import services
from meetingsvc.meetings.conflicts import WarningsNotAccepted
from meetingsvc.meetings.models import Meeting
from tests.helpers import BACKEND
from tests.meetings.conftest import clear_day


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_room_clash_is_refused_with_the_other_meeting_named(db, booking, secretary, create_leader):
    first = services.create_meeting(booking(title="Họp về giải phóng mặt bằng"), secretary)
    other_chair = create_leader()
    with pytest.raises(ConflictError) as refused:
        services.create_meeting(booking(start="09:00", end="11:00", chair_id=other_chair.id), secretary,
                                accept_warnings=True)
    assert "Phòng họp tầng 3" in refused.value.message
    assert "Họp về giải phóng mặt bằng" in refused.value.message
    assert [m.id for m in refused.value.conflicts] == [first.id]
    assert _count(db) == 1


def test_chair_clash_is_refused(db, booking, secretary, create_room):
    first = services.create_meeting(booking(title="Giao ban tuần"), secretary)
    with pytest.raises(ConflictError) as refused:
        services.create_meeting(booking(room_id=create_room().id, start="09:30", end="10:30"), secretary,
                                accept_warnings=True)
    assert "Trần Thị Hoa" in refused.value.message and "Giao ban tuần" in refused.value.message
    assert [m.id for m in refused.value.conflicts] == [first.id]


def test_touching_meetings_do_not_clash(db, booking, secretary):
    services.create_meeting(booking(), secretary)
    services.create_meeting(booking(start="10:00", end="11:00", title="Ngay sau"), secretary)
    assert _count(db) == 2


@pytest.mark.parametrize("status", ["cancelled", "postponed"])
def test_cancelled_and_postponed_meetings_free_their_slot(db, booking, secretary, create_meeting, day, status):
    create_meeting(room_id=booking.room.id, chair_id=booking.leader.id, day=day, status=status)
    services.create_meeting(booking(), secretary)
    assert _count(db) == 2


def test_a_classified_clash_is_named_only_as_a_busy_slot(db, booking, create_user, create_meeting, day):
    create_meeting(title="Phương án bảo vệ bí mật", classification="toi_mat", room_id=booking.room.id, day=day)
    clerk = create_user(role="secretary", clearance="internal")
    with pytest.raises(ConflictError) as refused:
        services.create_meeting(booking(chair_id=None), clerk, accept_warnings=True)
    assert "Phương án bảo vệ bí mật" not in refused.value.message
    assert "Họp (nội dung mật)" in refused.value.message
    assert refused.value.conflicts[0].is_masked


def test_a_cleared_user_sees_the_classified_title(db, booking, create_user, create_meeting, day):
    create_meeting(title="Phương án bảo vệ bí mật", classification="mat", room_id=booking.room.id, day=day)
    cleared = create_user(role="secretary", clearance="toi_mat")
    with pytest.raises(ConflictError) as refused:
        services.create_meeting(booking(chair_id=None), cleared, accept_warnings=True)
    assert "Phương án bảo vệ bí mật" in refused.value.message


def _warnings(booking_data, user):
    with pytest.raises(WarningsNotAccepted) as pending:
        services.create_meeting(booking_data, user)
    return pending.value.issues


def test_warnings_stop_the_booking_until_accepted(db, booking, secretary, create_person, create_meeting, day,
                                                  create_room):
    busy = create_person(full_name="Lê Văn Bận")
    create_meeting(title="Hội nghị tập huấn", attendee_people=[busy], day=day, room_id=create_room().id)
    issues = _warnings(booking(attendee_person_ids=[busy.id]), secretary)
    assert [i.code for i in issues] == ["person_busy"]
    assert "Lê Văn Bận" in issues[0].message and "Hội nghị tập huấn" in issues[0].message
    assert issues[0].meetings[0].title == "Hội nghị tập huấn"
    assert _count(db) == 1
    services.create_meeting(booking(attendee_person_ids=[busy.id]), secretary, accept_warnings=True)
    assert _count(db) == 2


def test_a_leader_co_chairing_elsewhere_is_a_warning(db, booking, secretary, create_leader, create_meeting, day,
                                                     create_room):
    other = create_leader(full_name="Phạm Minh Đức")
    create_meeting(title="Làm việc với Bộ Xây dựng", attending=[other], day=day, room_id=create_room().id)
    issues = _warnings(booking(co_chair_ids=[other.id]), secretary)
    assert issues[0].code == "person_busy" and "Phạm Minh Đức" in issues[0].message


def test_the_chair_attending_elsewhere_is_a_warning_not_a_refusal(db, booking, secretary, create_meeting, day,
                                                                  create_room):
    create_meeting(title="Hội nghị Thành ủy", attending=[booking.leader], day=day, room_id=create_room().id)
    issues = _warnings(booking(), secretary)
    assert [i.code for i in issues] == ["person_busy"]


def test_a_room_too_small_is_a_warning(db, booking, secretary, create_room, create_person, create_unit):
    small = create_room(name="Phòng nhỏ", capacity=2)
    people = [create_person().id for _ in range(2)]
    issues = _warnings(booking(room_id=small.id, attendee_person_ids=people, attendee_unit_ids=[create_unit().id]),
                       secretary)
    assert [i.code for i in issues] == ["capacity"]
    assert "Phòng nhỏ" in issues[0].message and "4" in issues[0].message


def test_a_weekend_is_a_warning(db, booking, secretary):
    saturday = clear_day(weekday=0) + timedelta(days=5)
    issues = _warnings(booking(date=saturday.isoformat()), secretary)
    assert "non_working_day" in [i.code for i in issues]


def test_a_public_holiday_is_named(db, booking, secretary):
    issues = _warnings(booking(date=date(2027, 9, 2).isoformat()), secretary)
    holiday = [i for i in issues if i.code == "non_working_day"]
    assert holiday and "02/09/2027" in holiday[0].message
    from meetingsvc.core.workdays import holiday_name

    assert holiday_name(date(2027, 9, 2)) in holiday[0].message


def test_an_office_day_off_is_a_warning_and_a_swapped_saturday_is_not(db, booking, secretary):
    day_off = clear_day(weeks_ahead=4)
    saturday = clear_day(weeks_ahead=5, weekday=0) + timedelta(days=5)
    db.session.add_all([CalendarDay(day=day_off, is_working_day=False, name="Nghỉ bù"),
                        CalendarDay(day=saturday, is_working_day=True, name="Làm bù")])
    db.session.commit()
    assert "Nghỉ bù" in _warnings(booking(date=day_off.isoformat()), secretary)[0].message
    services.create_meeting(booking(date=saturday.isoformat()), secretary)


def test_lead_time_is_a_warning_unless_urgent(db, booking, secretary, app):
    from meetingsvc.core.time import local_today
    from meetingsvc.core.workdays import add_working_days

    soon = add_working_days(local_today(), 1)
    issues = _warnings(booking(date=soon.isoformat()), secretary)
    assert [i.code for i in issues] == ["lead_time"]
    assert "45/2018" in issues[0].message
    urgent = services.create_meeting(booking(date=soon.isoformat(), is_urgent=True), secretary)
    assert urgent.is_urgent


def test_lead_time_follows_the_setting(db, booking, secretary, app):
    app.config["INVITATION_LEAD_WORKING_DAYS"] = 30
    try:
        assert "lead_time" in [i.code for i in _warnings(booking(), secretary)]
    finally:
        app.config["INVITATION_LEAD_WORKING_DAYS"] = 3


@pytest.mark.parametrize("kind,end,warned", [("briefing", "12:30", True), ("briefing", "12:00", False),
                                             ("thematic", "16:30", True), ("thematic", "16:00", False),
                                             ("workshop", "18:00", False)])
def test_duration_over_the_cap_for_its_kind_is_a_warning(db, booking, secretary, kind, end, warned):
    data = booking(kind=kind, start="08:00", end=end)
    if warned:
        assert [i.code for i in _warnings(data, secretary)] == ["duration"]
    else:
        services.create_meeting(data, secretary)


def test_a_two_day_training_is_within_its_cap(db, booking, secretary, day):
    end_day = day + timedelta(days=1)
    meeting = services.create_meeting(booking(kind="training_rollout", end_date=end_day.isoformat(),
                                              start="08:00", end="17:00"), secretary,
                                      accept_warnings=end_day.weekday() >= 5)
    assert meeting.day_part == "all_day"


def test_a_time_in_the_past_is_a_warning(db, booking, secretary):
    issues = _warnings(booking(date="2025-03-04"), secretary)
    assert "past" in [i.code for i in issues]


def test_warnings_name_classified_meetings_masked(db, booking, secretary, create_leader, create_meeting, day,
                                                  create_room):
    # A leader of the classified meeting: the busy slot names its leaders anyway (a plain attendee is not
    # named at all, see test_the_busy_warning_never_names_who_attends_a_meeting_the_user_may_not_see).
    busy = create_leader()
    create_meeting(title="Bí mật quốc phòng", classification="tuyet_mat", attending=[busy], day=day,
                   room_id=create_room().id)
    issues = _warnings(booking(attending_leader_ids=[busy.id]), secretary)
    assert "Bí mật quốc phòng" not in issues[0].message and "Họp (nội dung mật)" in issues[0].message


def test_a_series_is_refused_when_any_occurrence_clashes(db, booking, secretary, create_meeting, day):
    create_meeting(title="Vướng lịch", room_id=booking.room.id, day=day + timedelta(days=14))
    with pytest.raises(ConflictError) as refused:
        services.create_meeting(booking(repeat={"freq": "weekly", "count": 4}), secretary, accept_warnings=True)
    assert "Vướng lịch" in refused.value.message
    assert f"{day + timedelta(days=14):%d/%m/%Y}" in refused.value.message
    assert _count(db) == 1


@pytest.mark.parametrize("there,here", [("chair", "co_chair"), ("co_chair", "chair"), ("co_chair", "co_chair")])
def test_a_leader_chairing_or_co_chairing_elsewhere_is_refused(db, booking, secretary, create_leader,
                                                               create_meeting, create_room, day, there, here):
    leader = create_leader(full_name="Phạm Minh Đức")
    other_chair = create_leader()
    first = create_meeting(title="Làm việc với Bộ Xây dựng", day=day, start="09:00", end="11:00",
                           room_id=create_room().id,
                           **({"chair_id": leader.id} if there == "chair" else
                              {"chair_id": other_chair.id, "co_chairs": [leader]}))
    data = booking(chair_id=leader.id) if here == "chair" else booking(co_chair_ids=[leader.id])
    with pytest.raises(ConflictError) as refused:
        services.create_meeting(data, secretary, accept_warnings=True)
    assert "Phạm Minh Đức" in refused.value.message and "Làm việc với Bộ Xây dựng" in refused.value.message
    assert [m.id for m in refused.value.conflicts] == [first.id]
    assert refused.value.kinds == {first.id: ["co_chair"]}
    assert _count(db) == 1


def test_a_co_chair_clash_is_refused_on_edit_and_on_move_too(db, booking, secretary, create_leader, create_meeting,
                                                             create_room, day):
    leader = create_leader(full_name="Phạm Minh Đức")
    create_meeting(title="Buổi chiều", day=day, start="14:00", end="16:00", chair_id=leader.id,
                   room_id=create_room().id)
    meeting = services.create_meeting(booking(co_chair_ids=[leader.id]), secretary)
    with pytest.raises(ConflictError):
        services.update_meeting(meeting, {"start": "15:00", "end": "16:30"}, secretary, accept_warnings=True)
    with pytest.raises(ConflictError):
        services.move_meeting(meeting, meeting.start_at + timedelta(hours=7), meeting.end_at + timedelta(hours=7),
                              secretary, reason="Đổi giờ", accept_warnings=True)
    db.session.expire_all()
    assert [p.id for p in db.session.get(Meeting, meeting.id).co_chairs] == [leader.id]
    assert db.session.get(Meeting, meeting.id).start_at == meeting.start_at


def test_a_co_chair_clash_with_a_cancelled_meeting_is_no_clash(db, booking, secretary, create_leader, create_meeting,
                                                               create_room, day):
    leader = create_leader()
    create_meeting(day=day, chair_id=leader.id, room_id=create_room().id, status="cancelled")
    services.create_meeting(booking(co_chair_ids=[leader.id]), secretary)
    assert _count(db) == 2


def test_a_leader_attending_elsewhere_while_chairing_here_stays_a_warning(db, booking, secretary, create_meeting,
                                                                         create_room, day, create_leader):
    create_meeting(title="Hội nghị Thành ủy", chair_id=create_leader().id, attending=[booking.leader], day=day,
                   room_id=create_room().id)
    issues = _warnings(booking(), secretary)
    assert [i.code for i in issues] == ["person_busy"]


def test_the_busy_warning_never_names_who_attends_a_meeting_the_user_may_not_see(
        db, booking, create_user, create_person, create_leader, create_meeting, day, create_room):
    guest = create_person(full_name="Lê Văn Khách Mời")
    secret_leader = create_leader(full_name="Đinh Tiến Dũng")
    create_meeting(title="Họp tuyệt mật", classification="tuyet_mat", chair_id=create_leader().id,
                   attending=[secret_leader], attendee_people=[guest], day=day, room_id=create_room().id)
    clerk = create_user(role="secretary", clearance="internal")
    with pytest.raises(WarningsNotAccepted) as pending:
        services.create_meeting(booking(attendee_person_ids=[guest.id], attending_leader_ids=[secret_leader.id]),
                                clerk)
    text = " ".join(i.message for i in pending.value.issues)
    assert "Đinh Tiến Dũng" in text and "Họp (nội dung mật)" in text  # a leader of the busy slot may be named
    assert "Lê Văn Khách Mời" not in text and "tuyệt mật" not in text
    # a user cleared for it is told about the guest
    cleared = create_user(role="secretary", clearance="tuyet_mat")
    with pytest.raises(WarningsNotAccepted) as pending:
        services.create_meeting(booking(attendee_person_ids=[guest.id]), cleared)
    assert "Lê Văn Khách Mời" in pending.value.issues[0].message


def test_duration_caps_come_from_the_environment(monkeypatch, tmp_path):
    from meetingsvc import config

    monkeypatch.setenv("MEETINGSVC_DURATION_CAPS_HOURS", "briefing=3.5, workshop=6,thematic=none")
    caps = config.from_environment(str(tmp_path))["MEETING_DURATION_CAPS_HOURS"]
    assert caps["briefing"] == 3.5 and caps["workshop"] == 6 and "thematic" not in caps
    assert caps["technical"] == 8  # kinds not named keep their default
    for bad in ("briefing", "party=4", "briefing=0", "briefing=abc"):
        monkeypatch.setenv("MEETINGSVC_DURATION_CAPS_HOURS", bad)
        with pytest.raises(ValueError, match="MEETINGSVC_DURATION_CAPS_HOURS"):
            config.from_environment(str(tmp_path))


def test_the_duration_warning_follows_the_setting(db, app, booking, secretary):
    caps = app.config["MEETING_DURATION_CAPS_HOURS"]
    app.config["MEETING_DURATION_CAPS_HOURS"] = {**caps, "briefing": 1.5}
    try:
        issues = _warnings(booking(kind="briefing", start="08:00", end="10:00"), secretary)
    finally:
        app.config["MEETING_DURATION_CAPS_HOURS"] = caps
    assert [i.code for i in issues] == ["duration"] and "1,5" in issues[0].message


@pytest.mark.skipif(BACKEND != "sqlite", reason="reads SQLite's query plans; PostgreSQL's are checked by make bench")
def test_clash_lookups_read_the_time_range_not_the_history(db, booking, secretary, create_person, create_unit):
    # A fresh database has no statistics (no ANALYZE): the planner must still keep every clash lookup within
    # the booking's time range. Reading a person's or a status's whole history made booking 4x slower at
    # 100,000 meetings (docs/benchmarks.md).
    statements = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().startswith("SELECT") and "meetings.start_at < ?" in statement:
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        services.create_meeting(booking(co_chair_ids=[], attendee_person_ids=[create_person().id],
                                        attendee_unit_ids=[create_unit().id]), secretary, accept_warnings=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    assert len(statements) == 1  # room, chair, co-chairs and people busy: one lookup
    for statement, parameters in statements:
        plan = " | ".join(row[3] for row in db.session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters))
        for history_wide in ("ix_meetings_status", "ix_meeting_leaders_person_id", "ix_attendees_person_id"):
            assert history_wide not in plan, plan
        assert "start_at>? AND start_at<?" in plan, plan
