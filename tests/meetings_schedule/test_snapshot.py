"""The schedule's column queries say the same as the models: labels, leaders, attendees, place."""

from datetime import timedelta

from meetingsvc.meetings.schedule import ScheduleEntry, schedule_snapshots, week_bounds


def _from_models(meeting) -> dict:
    """The snapshot written with the models' own properties (Person.label, Attendee.label, location_label)."""
    return {
        "start_at": meeting.start_at.isoformat(), "end_at": meeting.end_at.isoformat(),
        "day_part": meeting.day_part, "title": meeting.title, "agenda": meeting.agenda, "kind": meeting.kind,
        "mode": meeting.mode, "status": meeting.status, "status_reason": meeting.status_reason,
        "classification": meeting.classification, "location": meeting.location_label, "room_id": meeting.room_id,
        "chair_id": meeting.chair_id, "chair": meeting.chair.label if meeting.chair else "",
        "leaders": sorted([link.person_id, link.role, link.person.label] for link in meeting.leaders),
        "attendees": [[a.person_id, a.unit_id, a.label] for a in meeting.attendees],
        "preparing_unit_id": meeting.preparing_unit_id,
        "preparing_unit": meeting.preparing_unit.name if meeting.preparing_unit else "",
    }


def test_snapshots_match_the_models(create_meeting, create_leader, create_person, create_unit, create_room, monday):
    unit = create_unit(name="Sở Nội vụ")
    room = create_room(name="Phòng 305", building="Nhà B")
    full = create_meeting(title="Đầy đủ", agenda="Nội dung", day=monday, chair_id=create_leader().id,
                          co_chairs=[create_leader(), create_leader()], attending=[create_leader(title="")],
                          attendee_people=[create_person(title="")], attendee_units=[create_unit()],
                          room_id=room.id, preparing_unit_id=unit.id, status="postponed", status_reason="Bận")
    bare = create_meeting(title="Tối thiểu", day=monday + timedelta(days=1), location="Hiện trường dự án")
    snapshots = schedule_snapshots(*week_bounds(monday))
    assert snapshots == {full.id: _from_models(full), bare.id: _from_models(bare)}
    entry = ScheduleEntry(full.id, snapshots[full.id])
    assert entry.start_at == full.start_at and entry.location_label == "Phòng 305, Nhà B"
    assert sorted(p.label for p in entry.co_chairs) == sorted(p.label for p in full.co_chairs)
    assert entry.involved_person_ids() == full.involved_person_ids()


def test_a_filtered_week_keeps_every_leader_and_attendee_of_the_meetings_it_finds(
        create_meeting, create_leader, create_person, create_unit, monday):
    from meetingsvc.meetings.schedule import WeekFilters

    leader, co_chair, other = create_leader(), create_leader(), create_leader()
    unit, guest = create_unit(), create_unit()
    person = create_person()
    found = create_meeting(day=monday, chair_id=other.id, co_chairs=[co_chair], attending=[leader],
                           attendee_people=[person], attendee_units=[unit, guest])
    create_meeting(day=monday + timedelta(days=1), attending=[other], attendee_units=[guest])
    everything = schedule_snapshots(*week_bounds(monday))
    # The leader and unit filters match on a meeting's leaders and attendees; the snapshot still lists all of them.
    for filters in (WeekFilters(leader_id=leader.id), WeekFilters(unit_id=unit.id)):
        assert schedule_snapshots(*week_bounds(monday), filters=filters) == {found.id: everything[found.id]}
    assert len(everything[found.id]["leaders"]) == 2 and len(everything[found.id]["attendees"]) == 3
