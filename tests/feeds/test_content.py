"""What a feed says: calendar properties, each event's fields, statuses, series, and who sees what."""

from datetime import timedelta

import pytest

from meetingsvc.core.db import utcnow
from meetingsvc.extensions import db
from meetingsvc.feeds import services
from tests.feeds.conftest import PASSCODE
from tests.feeds.helpers import build, by_summary, events, parse, utc


def test_calendar_has_every_property_clients_need(feed_world):
    cal = parse(build("leader", feed_world.viewer, feed_world.a.id))
    assert str(cal["PRODID"]) == services.PRODID
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Lịch công tác – Chủ tịch Nguyễn Văn An"
    assert str(cal["NAME"]) == str(cal["X-WR-CALNAME"])
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Ho_Chi_Minh"
    assert cal["REFRESH-INTERVAL"].to_ical() == b"PT15M"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(cal["X-PUBLISHED-TTL"]) == "PT15M"
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
    used = {e["DTSTART"].params.get("TZID") for e in cal.walk("VEVENT")}
    assert used == {"Asia/Ho_Chi_Minh"}


def test_an_event_carries_every_field(feed_world):
    w = feed_world
    event = by_summary(build("leader", w.viewer, w.a.id))[w.plain.title]
    assert str(event["UID"]) == f"meeting-{w.plain.id}@{services.uid_domain()}"
    assert utc(event["DTSTART"]) == w.plain.start_at and utc(event["DTEND"]) == w.plain.end_at
    assert event["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    assert event["DTSTAMP"].dt == w.plain.updated_at.replace(microsecond=0)
    assert event["LAST-MODIFIED"].dt == w.plain.updated_at.replace(microsecond=0)
    assert int(event["SEQUENCE"]) == w.plain.sequence
    assert str(event["LOCATION"]) == "Phòng họp số 1, Trụ sở UBND, 12 Lê Lai"
    description = str(event["DESCRIPTION"])
    for expected in ("Chủ trì: Chủ tịch UBND Thành phố Nguyễn Văn An", "Đồng chủ trì: Phó Chủ tịch UBND Thành phố Lê Thị Bình",
                     "Thành phần: Chuyên viên Đỗ Minh Đức; Phường Ba Đình", "Đơn vị chuẩn bị: Sở Xây dựng",
                     "Nội dung:\n1. Báo cáo của Sở Xây dựng\n2. Thảo luận; kết luận, giao nhiệm vụ",
                     f"Chi tiết: https://lich.hanoi.gov.vn/meetings/{w.plain.id}"):
        assert expected in description
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Họp giải quyết công việc"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["CLASS"]) == "PRIVATE"
    assert str(event["URL"]) == f"https://lich.hanoi.gov.vn/meetings/{w.plain.id}"
    assert str(event["ORGANIZER"]) == "mailto:an@hanoi.gov.vn"
    assert event["ORGANIZER"].params["CN"] == "Chủ tịch UBND Thành phố Nguyễn Văn An"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert attendees["mailto:binh@hanoi.gov.vn"]["ROLE"] == "CHAIR"
    assert attendees["mailto:duc@sxd.hanoi.gov.vn"]["PARTSTAT"] == "NEEDS-ACTION"


def test_online_meeting_has_conference_link_without_passcode_and_bridge_points(feed_world):
    w = feed_world
    body = build("leader", w.admin, w.b.id)
    assert PASSCODE.encode() not in body
    event = by_summary(body)[w.online.title]
    assert str(event["CONFERENCE"]) == "https://zoom.us/j/8812345?lang=vi"
    assert event["CONFERENCE"].params["VALUE"] == "URI"
    description = str(event["DESCRIPTION"])
    assert "Tham gia trực tuyến: https://zoom.us/j/8812345?lang=vi" in description
    assert "Điểm cầu (2): Hội trường UBND Thành phố (điểm cầu chính); Phường Ba Đình" in description
    assert str(event["LOCATION"]) == "Trực tuyến: Hội trường UBND Thành phố"
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Hội nghị trực tuyến"]


def test_a_passcode_hidden_under_another_parameter_name_is_removed_too(feed_world):
    w = feed_world
    w.online.join_url = f"https://meet.example.vn/room/77?token={PASSCODE}&x=1"
    db.session.commit()
    body = build("all", w.admin)
    assert PASSCODE.encode() not in body
    assert "https://meet.example.vn/room/77?x=1" in str(by_summary(body)[w.online.title]["CONFERENCE"])


@pytest.mark.parametrize("status, summary_prefix, ical_status", [
    ("scheduled", "", "CONFIRMED"), ("held", "", "CONFIRMED"), ("postponed", "(Hoãn) ", "TENTATIVE"),
    ("cancelled", "", "CANCELLED"), ("draft", "", "TENTATIVE"),
])
def test_statuses_map_to_ical(status, summary_prefix, ical_status, create_meeting, create_leader, create_user):
    leader = create_leader()
    meeting = create_meeting(chair_id=leader.id, status=status, title="Họp thử trạng thái")
    [event] = events(build("leader", create_user(role="secretary"), leader.id))
    assert str(event["SUMMARY"]) == summary_prefix + meeting.title
    assert str(event["STATUS"]) == ical_status


def test_a_cancelled_meeting_stays_thirty_days_then_drops_out(feed_world):
    w = feed_world
    titles = set(by_summary(build("leader", w.viewer, w.a.id)))
    assert w.cancelled.title in titles
    assert w.cancelled_old.title not in titles
    w.cancelled.updated_at = utcnow() - timedelta(days=29)
    db.session.commit()
    assert w.cancelled.title in by_summary(build("leader", w.viewer, w.a.id))
    w.cancelled.updated_at = utcnow() - timedelta(days=32)
    db.session.commit()
    assert w.cancelled.title not in by_summary(build("leader", w.viewer, w.a.id))


@pytest.mark.parametrize("role, sees_draft", [("admin", True), ("secretary", True), ("technician", False),
                                               ("leader", False), ("viewer", False)])
def test_drafts_only_in_feeds_of_admins_and_secretaries(role, sees_draft, feed_world, create_user):
    w = feed_world
    user = create_user(role=role)
    for kind, subject in (("leader", w.a.id), ("all", None)):
        assert (w.draft.title in by_summary(build(kind, user, subject))) is sees_draft
    assert w.draft.title not in by_summary(build("public"))


def test_uid_is_stable_and_sequence_grows_when_the_meeting_changes(feed_world):
    from meetingsvc.meetings.services import postpone_meeting

    w = feed_world
    before = by_summary(build("leader", w.viewer, w.a.id))[w.plain.title]
    postpone_meeting(w.plain, "Trùng lịch làm việc với Bộ", w.secretary)
    after = by_summary(build("leader", w.viewer, w.a.id))["(Hoãn) " + w.plain.title]
    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["LAST-MODIFIED"].dt >= before["LAST-MODIFIED"].dt


def test_series_is_one_event_with_rrule_exdate_and_overrides(feed_world):
    w = feed_world
    first, second, third, fourth, fifth = w.occurrences
    found = [e for e in events(build("room", w.viewer, w.r1.id)) if str(e["UID"]).startswith("series-")]
    master = [e for e in found if "RECURRENCE-ID" not in e]
    overrides = {utc(e["RECURRENCE-ID"]): e for e in found if "RECURRENCE-ID" in e}
    assert len(master) == 1
    master = master[0]
    assert str(master["UID"]) == f"series-{w.series.id}@{services.uid_domain()}"
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=5"
    assert utc(master["DTSTART"]) == first.start_at and utc(master["DTEND"]) == first.end_at
    exdates = [utc(d) for ex in ([master["EXDATE"]] if not isinstance(master["EXDATE"], list) else master["EXDATE"])
               for d in ex.dts]
    assert exdates == [second.original_start_at]
    assert set(overrides) == {third.original_start_at, fourth.original_start_at}
    moved = overrides[third.original_start_at]
    assert utc(moved["DTSTART"]) == third.start_at and str(moved["SUMMARY"]) == "Giao ban tuần (dời giờ)"
    assert str(overrides[fourth.original_start_at]["SUMMARY"]).startswith("(Hoãn) ")
    assert str(overrides[fourth.original_start_at]["STATUS"]) == "TENTATIVE"
    assert all(str(e["UID"]) == str(master["UID"]) for e in overrides.values())


def test_series_instances_outside_a_feed_are_excluded(feed_world, create_leader):
    """A leader who attends only one occurrence sees that one, not the whole rule."""
    from meetingsvc.meetings.models import MeetingLeader

    w = feed_world
    guest = create_leader(full_name="Hoàng Khách Mời")
    db.session.add(MeetingLeader(meeting_id=w.occurrences[4].id, person_id=guest.id, role="attend"))
    db.session.commit()
    found = events(build("leader", w.viewer, guest.id))
    [master] = [e for e in found if "RECURRENCE-ID" not in e]
    import recurring_ical_events

    occurrences = recurring_ical_events.of(parse(build("leader", w.viewer, guest.id))).between(
        w.monday, w.monday + timedelta(days=60))
    assert [utc(o["DTSTART"]) for o in occurrences] == [w.occurrences[4].start_at]


def test_a_normal_edit_moves_updated_at_of_the_meeting(feed_world):
    """Feeds' validators read updated_at: changing a field, an attendee or a bridge point must move it."""
    from meetingsvc.meetings.models import Attendee, Meeting
    from meetingsvc.online.models import BridgePoint

    w = feed_world
    old = utcnow() - timedelta(days=3)
    for change in (
        lambda m: setattr(m, "agenda", "Nội dung mới"),
        lambda m: db.session.add(Attendee(meeting_id=m.id, person_id=w.b.id)),
        lambda m: db.session.add(BridgePoint(meeting_id=m.id, site_name="Điểm cầu mới")),
    ):
        db.session.execute(db.update(Meeting).where(Meeting.id == w.plain.id).values(updated_at=old))
        db.session.commit()
        db.session.refresh(w.plain)
        change(w.plain)
        db.session.commit()
        db.session.refresh(w.plain)
        assert w.plain.updated_at > old + timedelta(days=2)
