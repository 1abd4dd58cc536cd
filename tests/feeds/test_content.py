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
    assert event["CONFERENCE"].params["FEATURE"] == ["VIDEO", "AUDIO"]
    assert b"\r\nCONFERENCE;VALUE=URI;FEATURE=VIDEO,AUDIO;LABEL=Zoom:https://zoom.us/j/8812345?lang=vi\r\n" in \
        body.replace(b"\r\n ", b"")
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


JOIN_LINKS = [
    # (stored join link, what feeds and the .ics download write)
    (f"https://us02web.zoom.us/j/8812345?pwd={PASSCODE}", "https://us02web.zoom.us/j/8812345"),
    ("https://teams.microsoft.com/meet/4123456789?p=XyzTeamsHash&tid=abc",
     "https://teams.microsoft.com/meet/4123456789?tid=abc"),
    ("https://hanoi.webex.com/hanoi/j.php?MTID=m41817da6a55b0925530cb88b3577b1e",
     "https://hanoi.webex.com/hanoi/j.php?MTID=m41817da6a55b0925530cb88b3577b1e"),
    ("https://hanoi.webex.com/wbxmjs/joinservice/sites/hanoi/meeting/download/cdedf9ae?siteurl=hanoi"
     "&integrationJoinToken=QUhTSwAAAIVAFMmw",
     "https://hanoi.webex.com/wbxmjs/joinservice/sites/hanoi/meeting/download/cdedf9ae?siteurl=hanoi"),
    (f"https://dieuhanh:{PASSCODE}@hop.hanoi.gov.vn/phong/7?lang=vi", "https://hop.hanoi.gov.vn/phong/7?lang=vi"),
    ("https://meet.google.com/abc-defg-hij", "https://meet.google.com/abc-defg-hij"),
]


@pytest.mark.parametrize("stored, written", JOIN_LINKS)
def test_join_links_lose_every_passcode_in_feeds_and_the_download(stored, written, feed_world, client):
    """The feed and the "Add to calendar" file write the link online's shareable_join_url gives."""
    from meetingsvc.online.services import shareable_join_url
    from tests.helpers import login

    w = feed_world
    w.online.join_url = stored
    db.session.commit()
    assert shareable_join_url(stored, PASSCODE) == written
    login(client, w.admin)
    download = client.get(f"/feeds/meeting/{w.online.id}.ics").get_data()
    for body in (build("all", w.admin), download):
        event = by_summary(body)[w.online.title]
        assert str(event["CONFERENCE"]) == written
        assert f"Tham gia trực tuyến: {written}" in str(event["DESCRIPTION"])
        for secret in (PASSCODE, "XyzTeamsHash", "QUhTSwAAAIVAFMmw", "dieuhanh"):
            assert secret.encode() not in body


def test_the_timezone_carries_no_comment(feed_world):
    body = build("all", feed_world.admin)
    [zone] = parse(body).walk("VTIMEZONE")
    assert "COMMENT" not in zone and b"COMMENT" not in body


def test_a_leader_invited_as_an_ordinary_attendee_has_the_meeting_in_the_leaders_feed(feed_world, create_meeting):
    w = feed_world
    invited = create_meeting(chair_id=w.a.id, attendee_people=[w.c], title="Làm việc với Sở Tài chính",
                             day=w.monday, start="16:00", end="17:00")
    titles = set(by_summary(build("leader", w.viewer, w.c.id)))
    assert invited.title in titles
    assert w.secret.title not in titles and "Bận" in titles  # c chairs it; the viewer is not cleared
    assert invited.title not in by_summary(build("leader", w.viewer, w.b.id))


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


def _exdates(master):
    lines = master["EXDATE"] if isinstance(master["EXDATE"], list) else [master["EXDATE"]]
    return [utc(d) for line in lines for d in line.dts]


def _series_events(body, series):
    return [e for e in events(body) if str(e["UID"]) == f"series-{series.id}@{services.uid_domain()}"]


def test_a_series_keeps_its_uid_when_every_occurrence_was_edited(feed_world, icaljs, tmp_path):
    """Once no occurrence keeps the series' slot and content, the series is still one VEVENT with its RRULE
    (every occurrence a RECURRENCE-ID override), never single events under new UIDs."""
    import recurring_ical_events

    w = feed_world
    first, second, third, fourth, fifth = w.occurrences
    for row in (first, fourth, fifth):
        row.title = f"{row.title} (đã sửa)"
        row.is_detached = True
    db.session.commit()
    body = build("room", w.viewer, w.r1.id)
    assert not [e for e in events(body) if "Giao ban" in str(e["SUMMARY"]) and str(e["UID"]).startswith("meeting-")]
    found = _series_events(body, w.series)
    [master] = [e for e in found if "RECURRENCE-ID" not in e]
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=5"
    assert utc(master["DTSTART"]) == first.original_start_at
    assert _exdates(master) == [second.original_start_at]
    assert {utc(e["RECURRENCE-ID"]) for e in found if "RECURRENCE-ID" in e} == {
        first.original_start_at, third.original_start_at, fourth.original_start_at, fifth.original_start_at}

    (tmp_path / "room.ics").write_bytes(body)
    window = (services.local_day_bounds(w.monday)[0], services.local_day_bounds(w.monday + timedelta(days=60))[0])
    js = [(o["start"], o["summary"]) for o in icaljs(tmp_path / "room.ics", window)["occurrences"]
          if o["uid"].startswith("series-")]
    python = sorted((utc(o["DTSTART"]).strftime("%Y-%m-%dT%H:%M:%S.000Z"), str(o["SUMMARY"]))
                    for o in recurring_ical_events.of(parse(body)).between(*window)
                    if str(o["UID"]).startswith("series-"))
    expected = sorted((m.start_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"), m.title if m.status != "postponed"
                       else "(Hoãn) " + m.title) for m in (first, third, fourth, fifth))
    assert sorted(js) == python == expected


def test_a_series_cancelled_as_a_whole_stays_one_cancelled_vevent(feed_world, icaljs, tmp_path):
    from meetingsvc.meetings.services import cancel_series_from

    w = feed_world
    cancel_series_from(w.occurrences[0], "Thay bằng giao ban trực tuyến", w.secretary)
    body = build("room", w.viewer, w.r1.id)
    found = _series_events(body, w.series)
    [master] = [e for e in found if "RECURRENCE-ID" not in e]
    assert str(master["STATUS"]) == "CANCELLED"
    assert sorted(_exdates(master)) == sorted(m.original_start_at for m in w.occurrences)
    assert not [e for e in events(body) if "Giao ban" in str(e["SUMMARY"]) and "series-" not in str(e["UID"])]
    (tmp_path / "room.ics").write_bytes(body)
    window = (services.local_day_bounds(w.monday)[0], services.local_day_bounds(w.monday + timedelta(days=60))[0])
    assert not [o for o in icaljs(tmp_path / "room.ics", window)["occurrences"] if o["uid"].startswith("series-")]


def test_series_sequence_and_last_modified_never_go_backwards(feed_world):
    """When the occurrence changed last drops out of the feed (cancelled more than 30 days ago), the series'
    SEQUENCE and LAST-MODIFIED stay where they were; a change to it later still reaches the validator."""
    from meetingsvc.core.time import local_today
    from meetingsvc.meetings.services import cancel_meeting, postpone_meeting
    from tests.feeds.helpers import age_everything

    w = feed_world
    fifth = w.occurrences[4]
    age_everything(3600)
    postpone_meeting(fifth, "Lãnh đạo đi công tác", w.secretary)
    cancel_meeting(fifth, "Trùng lịch tiếp khách quốc tế", w.secretary)
    assert fifth.sequence == 2 and all(m.sequence < 2 for m in w.occurrences if m is not fifth)
    spec = services.FeedSpec("room", w.r1.id, w.viewer)
    base = "https://lich.hanoi.gov.vn"
    today, later = local_today(), local_today() + timedelta(days=services.CANCELLED_KEPT_DAYS + 2)

    def master(day):
        body = services.build_feed(spec, base, today=day)
        return next(e for e in _series_events(body, w.series) if "RECURRENCE-ID" not in e)

    now_master, later_master = master(today), master(later)
    assert int(now_master["SEQUENCE"]) >= fifth.sequence
    assert now_master["LAST-MODIFIED"].dt == fifth.updated_at.replace(microsecond=0)
    assert int(later_master["SEQUENCE"]) >= int(now_master["SEQUENCE"])
    assert later_master["LAST-MODIFIED"].dt >= now_master["LAST-MODIFIED"].dt

    before = services.validator(spec, base, today=later)
    fifth.status_reason = "Trùng lịch tiếp đoàn công tác của Bộ"
    db.session.commit()
    assert services.validator(spec, base, today=later).etag != before.etag
    assert master(later)["LAST-MODIFIED"].dt >= later_master["LAST-MODIFIED"].dt
