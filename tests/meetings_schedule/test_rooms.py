"""The room view: rooms side by side, meetings placed on a 07:00-21:00 grid."""

from datetime import timedelta

from meetingsvc.meetings.schedule import grid_slots, room_days
from tests.helpers import at_local


def test_blocks_sit_in_their_room_column_at_their_time(client, login_as, create_meeting, create_room, monday):
    first, second = create_room(name="A. Phòng 101"), create_room(name="B. Phòng 202")
    meeting = create_meeting(title="Họp trong phòng 202", day=monday, start="08:00", end="10:00", room_id=second.id)
    create_meeting(title="Họp trong phòng 101", day=monday, start="13:30", end="14:15", room_id=first.id)
    (day,) = room_days(monday, monday, None, rooms=[first, second])
    blocks = {b.meeting.id: b for b in day.blocks}
    block = blocks[meeting.id]
    assert (block.column, block.row_start, block.row_end) == (2, 5, 13)  # 08:00 is 4 slots after 07:00
    assert grid_slots() == 56

    login_as("viewer")
    html = client.get(f"/meetings/rooms?date={monday}").get_data(as_text=True)
    assert html.index("A. Phòng 101") < html.index("B. Phòng 202")
    assert f'data-meeting-id="{meeting.id}"' in html
    assert "grid-column: 3; grid-row: 6 / 14" in html  # one header column and one header row
    assert "Họp trong phòng 202" in html and "08:00–10:00" in html


def test_cancelled_meetings_free_the_room_and_rooms_can_be_chosen(client, login_as, create_meeting, create_room,
                                                                  monday):
    room, other = create_room(), create_room()
    create_meeting(title="Đã hủy", day=monday, room_id=room.id, status="cancelled")
    create_meeting(title="Phòng khác", day=monday, room_id=other.id)
    login_as("viewer")
    html = client.get(f"/meetings/rooms?date={monday}").get_data(as_text=True)
    assert "Đã hủy" not in html and "Phòng khác" in html
    only = client.get(f"/meetings/rooms?date={monday}&room={room.id}").get_data(as_text=True)
    assert "Phòng khác</a>" not in only


def test_week_span_shows_every_day(client, login_as, create_meeting, create_room, monday):
    room = create_room()
    create_meeting(title="Thứ Tư họp", day=monday + timedelta(days=2), room_id=room.id)
    login_as("viewer")
    html = client.get(f"/meetings/rooms?date={monday + timedelta(days=4)}&span=week").get_data(as_text=True)
    assert html.count('class="room-day"') == 7
    assert "Thứ Tư họp" in html and "không có lịch" in html


def test_meeting_outside_grid_hours_is_clipped_to_the_edge(create_meeting, create_room, monday):
    room = create_room()
    early = create_meeting(title="Sớm", start_at=at_local(monday, "06:00"), end_at=at_local(monday, "08:00"),
                           room_id=room.id)
    late = create_meeting(title="Muộn", start_at=at_local(monday, "21:30"), end_at=at_local(monday, "22:00"),
                          room_id=room.id)
    (day,) = room_days(monday, monday, None, rooms=[room])
    blocks = {b.meeting.id: b for b in day.blocks}
    assert (blocks[early.id].row_start, blocks[early.id].row_end, blocks[early.id].clipped) == (1, 5, True)
    assert (blocks[late.id].row_start, blocks[late.id].row_end, blocks[late.id].clipped) == (56, 57, True)


def test_classified_block_shows_only_a_busy_slot(client, login_as, create_meeting, create_room, create_leader,
                                                 monday):
    room = create_room()
    leader = create_leader(full_name="Phạm Quang Mật")
    create_meeting(title="Đề án quốc phòng bí mật", agenda="Nội dung A", day=monday, room_id=room.id,
                   chair_id=leader.id, classification="mat")
    login_as("viewer", clearance="internal")
    html = client.get(f"/meetings/rooms?date={monday}").get_data(as_text=True)
    assert "Họp (nội dung mật)" in html and "Phạm Quang Mật" in html and "masked-block" in html
    assert "quốc phòng" not in html and "Nội dung A" not in html


def test_bad_date_or_span_is_refused(client, login_as):
    login_as("viewer")
    assert client.get("/meetings/rooms?date=tomorrow").status_code == 400
    assert client.get("/meetings/rooms?span=month").status_code == 400
