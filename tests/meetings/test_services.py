"""Booking services without HTTP: create, edit, cancel, postpone, move, duplicate; audit and sequence."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.audit import AuditEntry, history
from meetingsvc.core.errors import ConflictError
from meetingsvc.core.time import to_local
from meetingsvc.meetings import services
from meetingsvc.meetings.models import Meeting
from tests.helpers import at_local


def _count(db):
    return db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))


def test_create_writes_the_meeting_its_people_and_an_audit_entry(db, booking, secretary, create_leader,
                                                                  create_person, create_unit, day):
    co_chair, attending = create_leader(), create_leader()
    person, unit = create_person(), create_unit()
    meeting = services.create_meeting(booking(co_chair_ids=[co_chair.id], attending_leader_ids=[attending.id],
                                              attendee_person_ids=[person.id], attendee_unit_ids=[unit.id],
                                              preparing_unit_id=unit.id, agenda="1. Báo cáo\n2. Kết luận"),
                                      secretary)
    assert meeting.id and meeting.status == "scheduled" and meeting.sequence == 0
    assert meeting.start_at == at_local(day, "08:00") and meeting.end_at == at_local(day, "10:00")
    assert meeting.day_part == "morning"
    assert meeting.chair_id == booking.leader.id and meeting.room_id == booking.room.id
    assert [p.id for p in meeting.co_chairs] == [co_chair.id]
    assert [p.id for p in meeting.attending_leaders] == [attending.id]
    assert {a.person_id for a in meeting.attendees if a.person_id} == {person.id}
    assert {a.unit_id for a in meeting.attendees if a.unit_id} == {unit.id}
    assert meeting.created_by_id == secretary.id
    entries = history(meeting)
    assert [e.action for e in entries] == ["create"]
    assert entries[0].user_id == secretary.id
    assert entries[0].after["room"] == "Phòng họp tầng 3"


@pytest.mark.parametrize("part,start,end", [("morning", "08:00", "11:30"), ("afternoon", "14:00", "17:00"),
                                            ("evening", "19:00", "21:00"), ("all_day", "08:00", "17:00")])
def test_a_day_part_without_times_gives_the_configured_times(db, booking, secretary, day, part, start, end):
    meeting = services.create_meeting(booking(start="", end="", day_part=part), secretary, accept_warnings=True)
    assert meeting.day_part == part
    assert (to_local(meeting.start_at).strftime("%H:%M"), to_local(meeting.end_at).strftime("%H:%M")) == (start, end)


@pytest.mark.parametrize("start,end,part", [("7h30", "9h", "morning"), ("14:00", "16:30", "afternoon"),
                                            ("19:30", "21:00", "evening"), ("08:00", "17:00", "all_day")])
def test_times_give_the_day_part_and_8h30_is_understood(db, booking, secretary, start, end, part):
    meeting = services.create_meeting(booking(start=start, end=end), secretary, accept_warnings=True)
    assert meeting.day_part == part


def test_a_significant_edit_bumps_the_sequence_and_records_before_and_after(db, booking, secretary, create_room):
    meeting = services.create_meeting(booking(), secretary)
    other = create_room(name="Hội trường lớn", capacity=200)
    services.update_meeting(meeting, {"room_id": other.id, "start": "09:00", "end": "11:00"}, secretary)
    assert meeting.sequence == 1
    entry = history(meeting)[0]
    assert entry.action == "update"
    assert entry.before["room"] == "Phòng họp tầng 3" and entry.after["room"] == "Hội trường lớn"
    assert entry.before["start"].endswith("08:00") and entry.after["start"].endswith("09:00")


def test_an_agenda_edit_is_audited_but_keeps_the_sequence(db, booking, secretary):
    meeting = services.create_meeting(booking(), secretary)
    services.update_meeting(meeting, {"agenda": "Nội dung mới"}, secretary)
    assert meeting.sequence == 0
    assert history(meeting)[0].after == {"agenda": "Nội dung mới"}


def test_an_edit_that_changes_nothing_writes_nothing(db, booking, secretary):
    meeting = services.create_meeting(booking(), secretary)
    services.update_meeting(meeting, {"title": meeting.title}, secretary)
    assert len(history(meeting)) == 1


def test_cancel_keeps_the_record_frees_the_slot_and_is_audited(db, booking, secretary):
    first = services.create_meeting(booking(), secretary)
    services.cancel_meeting(first, "Lãnh đạo bận đột xuất", secretary)
    assert db.session.get(Meeting, first.id).status == "cancelled"
    assert first.status_reason == "Lãnh đạo bận đột xuất" and first.sequence == 1
    entry = history(first)[0]
    assert (entry.action, entry.summary, entry.before["status"], entry.after["status"]) == (
        "cancel", "Lãnh đạo bận đột xuất", "scheduled", "cancelled")
    second = services.create_meeting(booking(title="Họp khác cùng phòng"), secretary)
    assert second.id != first.id


def test_postpone_without_a_new_time_frees_the_slot(db, booking, secretary):
    first = services.create_meeting(booking(), secretary)
    services.postpone_meeting(first, "Chờ ý kiến Bộ", secretary)
    assert first.status == "postponed"
    services.create_meeting(booking(title="Họp khác"), secretary)


def test_postpone_to_a_new_time_keeps_the_old_time_in_the_history(db, booking, secretary, day):
    meeting = services.create_meeting(booking(), secretary)
    new_day = day + timedelta(days=7)
    services.postpone_meeting(meeting, "Đổi lịch", secretary, at_local(new_day, "14:00"), at_local(new_day, "16:00"))
    assert meeting.start_at == at_local(new_day, "14:00") and meeting.day_part == "afternoon"
    assert meeting.status == "scheduled" and meeting.sequence == 1
    entry = history(meeting)[0]
    assert entry.action == "postpone"
    assert entry.before["start"] == f"{day:%d/%m/%Y} 08:00"
    assert entry.after["start"] == f"{new_day:%d/%m/%Y} 14:00"


def test_move_into_a_booked_slot_is_refused_and_nothing_changes(db, booking, secretary):
    services.create_meeting(booking(start="14:00", end="16:00", title="Buổi chiều"), secretary)
    meeting = services.create_meeting(booking(), secretary)
    start = meeting.start_at
    with pytest.raises(ConflictError) as refused:
        services.move_meeting(meeting, start + timedelta(hours=6), start + timedelta(hours=7), secretary)
    assert "Buổi chiều" in refused.value.message
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).start_at == start


def test_duplicate_copies_people_and_room_to_another_day(db, booking, secretary, create_person, day):
    person = create_person()
    meeting = services.create_meeting(booking(attendee_person_ids=[person.id]), secretary)
    copy = services.duplicate_meeting(meeting, day + timedelta(days=1), secretary)
    assert copy.id != meeting.id
    assert to_local(copy.start_at).date() == day + timedelta(days=1)
    assert to_local(copy.start_at).strftime("%H:%M") == "08:00"
    assert copy.room_id == meeting.room_id and copy.chair_id == meeting.chair_id
    assert [a.person_id for a in copy.attendees] == [person.id]
    assert history(meeting)[0].action == "duplicate"


def test_duplicate_onto_the_same_slot_is_refused(db, booking, secretary, day):
    meeting = services.create_meeting(booking(), secretary)
    with pytest.raises(ConflictError):
        services.duplicate_meeting(meeting, day, secretary)
    assert _count(db) == 1


def test_restore_brings_a_cancelled_meeting_back_with_its_slot_and_keeps_the_cancellation_in_the_history(
        db, booking, secretary):
    meeting = services.create_meeting(booking(), secretary)
    services.cancel_meeting(meeting, "Lãnh đạo bận đột xuất", secretary)
    sequence = meeting.sequence
    services.restore_meeting(meeting, "", secretary)
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "scheduled" and meeting.status_reason == ""
    assert meeting.sequence == sequence + 1  # subscribed calendars take it back
    assert [e.action for e in history(meeting)][:2] == ["restore", "cancel"]
    with pytest.raises(ConflictError):  # it holds its room again
        services.create_meeting(booking(title="Họp khác cùng phòng"), secretary)


def test_restore_into_a_slot_booked_since_is_refused_naming_that_meeting_and_changes_nothing(db, booking, secretary,
                                                                                             create_room):
    meeting = services.create_meeting(booking(), secretary)
    services.cancel_meeting(meeting, "Hoãn vô thời hạn", secretary)
    services.create_meeting(booking(title="Họp thay vào chỗ trống", room_id=create_room().id), secretary)
    with pytest.raises(ConflictError) as refused:  # the chair chairs the other meeting now
        services.restore_meeting(meeting, "Vẫn họp", secretary)
    assert "Họp thay vào chỗ trống" in refused.value.message
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "cancelled" and meeting.status_reason == "Hoãn vô thời hạn"
    assert history(meeting)[0].action == "cancel"


def test_only_a_cancelled_or_postponed_meeting_is_restored(db, booking, secretary):
    from meetingsvc.core.errors import ValidationError

    meeting = services.create_meeting(booking(), secretary)
    with pytest.raises(ValidationError) as refused:
        services.restore_meeting(meeting, "", secretary)
    assert "status" in refused.value.fields
    services.postpone_meeting(meeting, "Chờ báo cáo", secretary)
    assert services.restore_meeting(meeting, "Đã có báo cáo", secretary).status == "scheduled"


def test_the_database_guard_refuses_a_race_the_check_did_not_see(db, booking, secretary, create_meeting, day):
    """Simulates the losing request: its check ran before the winner committed, then it writes."""
    from meetingsvc.meetings.conflicts import Candidate

    winner = create_meeting(title="Người thắng", room_id=booking.room.id, day=day)
    loser = Meeting(title="Người thua", kind="work_resolution", start_at=winner.start_at, end_at=winner.end_at,
                    day_part="morning", status="scheduled", room_id=booking.room.id)
    db.session.add(loser)
    candidate = Candidate(start_at=winner.start_at, end_at=winner.end_at, room_id=booking.room.id)
    with pytest.raises(ConflictError) as refused:
        services._flush_guarded([candidate], secretary, commit=True)
    assert "Người thắng" in refused.value.message
    assert [m.id for m in refused.value.conflicts] == [winner.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1


def test_audit_entries_name_the_user(db, booking, secretary):
    meeting = services.create_meeting(booking(), secretary)
    services.cancel_meeting(meeting, "Trùng lịch", secretary)
    users = db.session.scalars(sa.select(AuditEntry.user_id).where(AuditEntry.object_id == meeting.id)).all()
    assert users == [secretary.id, secretary.id]


@pytest.mark.parametrize("change", [{"mode": "online"}, {"classification": "mat"}, {"location": "Hiện trường"},
                                    {"title": "Tên mới"}, {"start": "08:30"}, {"day_part": "afternoon"},
                                    {"room_id": None}])
def test_every_change_a_subscriber_sees_bumps_the_sequence(db, booking, secretary, change):
    meeting = services.create_meeting(booking(), secretary)
    services.update_meeting(meeting, change, secretary, accept_warnings=True)
    assert meeting.sequence == 1, change


def test_bump_sequence_is_there_for_changes_made_elsewhere(db, booking, secretary):
    meeting = services.create_meeting(booking(), secretary)
    services.bump_sequence(meeting)
    db.session.commit()
    assert db.session.get(Meeting, meeting.id).sequence == 1
