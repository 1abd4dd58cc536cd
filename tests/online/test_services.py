"""Bridge points, the link, totals and the counting rule, called without HTTP."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.audit import AuditEntry
from meetingsvc.core.errors import ValidationError
from meetingsvc.extensions import db
from meetingsvc.meetings.models import Meeting
from meetingsvc.online import services
from meetingsvc.online.models import MAX_PARTICIPANTS_PER_POINT, BridgePoint
from tests.online.conftest import PAST_DAY


def _count_points(meeting):
    return db.session.scalar(sa.select(sa.func.count()).select_from(BridgePoint)
                             .where(BridgePoint.meeting_id == meeting.id))


# ---- the link -----------------------------------------------------------------------------------------------


def test_link_is_saved_with_the_passcode_kept_out_of_the_audit_log(online_meeting):
    meeting = online_meeting()
    services.update_link(meeting, {"online_provider": "Zoom", "join_url": "https://zoom.us/j/123456",
                                   "online_meeting_code": "123 456 789", "passcode": "s3cret",
                                   "dial_in": "+84 24 1234 5678"})
    db.session.expire_all()
    assert (meeting.online_provider, meeting.join_url, meeting.passcode) == ("Zoom", "https://zoom.us/j/123456",
                                                                             "s3cret")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "online_link"))
    assert entry is not None
    assert "s3cret" not in str(entry.after) and "s3cret" not in str(entry.before)



def test_a_passcode_inside_the_join_url_stays_out_of_the_audit_log(online_meeting):
    meeting = online_meeting()
    services.update_link(meeting, {"join_url": "https://zoom.us/j/123?pwd=Xq7pLm2", "passcode": "Xq7pLm2"})
    services.update_link(meeting, {"join_url": "https://zoom.us/j/456?pwd=Xq7pLm2&uname=HN"})
    services.update_link(meeting, {"join_url": "https://vc.gov.vn/r/9?k=Zz81", "passcode": "Zz81"})
    db.session.expire_all()
    assert meeting.join_url == "https://vc.gov.vn/r/9?k=Zz81"  # the link itself is kept whole
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "online_link")
                                 .order_by(AuditEntry.id)).all()
    assert len(entries) == 3
    for entry in entries:
        text = str(entry.before) + str(entry.after)
        assert "Xq7pLm2" not in text and "Zz81" not in text, text
    assert entries[1].after["join_url"] == "https://zoom.us/j/456?uname=HN"


@pytest.mark.parametrize("field", ["online_provider", "online_meeting_code", "passcode", "dial_in", "origin_network"])
def test_a_nul_character_in_the_link_is_refused_on_every_backend(online_meeting, field):
    meeting = online_meeting()
    with pytest.raises(ValidationError) as exc:
        services.update_link(meeting, {field: "ab\x00c"})
    assert field in exc.value.fields and "NUL" in exc.value.fields[field]
    db.session.rollback()
    db.session.expire_all()
    assert getattr(meeting, field) == ""

def test_a_new_join_link_or_mode_raises_the_sequence_subscribers_see_but_a_new_passcode_does_not(online_meeting):
    meeting = online_meeting()
    services.update_link(meeting, {"join_url": "https://zoom.us/j/1"})
    first = meeting.sequence
    services.update_link(meeting, {"join_url": "https://zoom.us/j/2"})
    assert meeting.sequence == first + 1
    services.update_link(meeting, {"mode": "hybrid"})
    assert meeting.sequence == first + 2
    services.update_link(meeting, {"passcode": "new-one", "mode": "hybrid"})  # not in any feed; mode unchanged
    assert meeting.sequence == first + 2


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "/relative/path",
    "zoom.us/j/1", "ftp://example.org/x", "https://", "http://exa mple.org", "https://example.org:99999/",
    "https://<script>.org", "vbscript:msgbox", "https://\nexample.org",
])
def test_join_url_that_is_not_http_is_refused_and_nothing_written(online_meeting, url):
    meeting = online_meeting(join_url="https://meet.google.com/abc-defg-hij", online_provider="Google Meet")
    with pytest.raises(ValidationError) as exc:
        services.update_link(meeting, {"join_url": url, "online_provider": "Zoom"})
    assert "join_url" in exc.value.fields
    db.session.rollback()
    db.session.expire_all()
    assert meeting.join_url == "https://meet.google.com/abc-defg-hij"
    assert meeting.online_provider == "Google Meet"


@pytest.mark.parametrize("url", ["https://zoom.us/j/123?pwd=abc", "http://10.0.0.5:8080/room/1",
                                 "https://hop.hanoi.gov.vn/phong/12", "https://meet.jit.si/UBND-Giao-ban"])
def test_http_and_https_urls_are_accepted(online_meeting, url):
    meeting = online_meeting()
    services.update_link(meeting, {"join_url": url})
    assert meeting.join_url == url


def test_relayed_meeting_needs_its_origin_network(online_meeting):
    meeting = online_meeting()
    with pytest.raises(ValidationError) as exc:
        services.update_link(meeting, {"is_relayed": True, "origin_network": ""})
    assert "origin_network" in exc.value.fields
    db.session.rollback()
    services.update_link(meeting, {"is_relayed": True, "origin_network": "Hệ thống của Thành ủy"})
    assert meeting.is_relayed and meeting.origin_network == "Hệ thống của Thành ủy"
    assert services.counts_in_joint_total(meeting) is False


def test_mode_must_be_known(online_meeting):
    meeting = online_meeting()
    with pytest.raises(ValidationError):
        services.update_link(meeting, {"mode": "telepathy"})


# ---- adding points --------------------------------------------------------------------------------------------


def test_one_unit_point_and_one_site_point(online_meeting, city):
    meeting = online_meeting()
    host = services.add_point(meeting, {"site_name": "Trụ sở UBND Thành phố", "is_host": True,
                                        "address": "Phòng họp tầng 3", "planned_participants": "40"})
    point = services.add_point(meeting, {"unit_id": city["districts"][0].id, "contact_name": "Anh Hùng",
                                         "contact_phone": "0912 345 678", "planned_participants": 25})
    assert host.is_host and host.planned_participants == 40
    assert point.unit_id == city["districts"][0].id and point.contact_phone == "0912 345 678"
    assert [p.id for p in services.points_of(meeting.id)] == [host.id, point.id]


def test_the_same_point_twice_is_refused(online_meeting, city):
    meeting = online_meeting()
    services.add_point(meeting, {"unit_id": city["districts"][0].id})
    services.add_point(meeting, {"site_name": "Trung tâm Hội nghị"})
    with pytest.raises(ValidationError) as exc:
        services.add_point(meeting, {"unit_id": city["districts"][0].id})
    assert "already" in exc.value.fields["unit_id"] or "đã" in exc.value.fields["unit_id"]
    db.session.rollback()
    with pytest.raises(ValidationError):
        services.add_point(meeting, {"site_name": "  trung tâm hội nghị "})
    db.session.rollback()
    assert _count_points(meeting) == 2


def test_a_second_host_is_refused(online_meeting, city):
    meeting = online_meeting()
    services.add_point(meeting, {"site_name": "Trụ sở", "is_host": True})
    with pytest.raises(ValidationError) as exc:
        services.add_point(meeting, {"unit_id": city["districts"][1].id, "is_host": True})
    assert "is_host" in exc.value.fields


def test_unit_that_did_not_exist_on_the_meeting_day_is_refused(online_meeting, city):
    meeting = online_meeting()  # next week: after the district was dissolved
    with pytest.raises(ValidationError) as exc:
        services.add_point(meeting, {"unit_id": city["districts"][2].id})
    assert "unit_id" in exc.value.fields
    db.session.rollback()
    past = online_meeting(day=date(2025, 3, 4))
    assert services.add_point(past, {"unit_id": city["districts"][2].id}).unit_id == city["districts"][2].id


@pytest.mark.parametrize("value", [-1, "-5", MAX_PARTICIPANTS_PER_POINT + 1, "abc", 2.5, "1e9"])
def test_negative_or_absurd_planned_numbers_are_refused(online_meeting, city, value):
    meeting = online_meeting()
    with pytest.raises(ValidationError) as exc:
        services.add_point(meeting, {"unit_id": city["districts"][0].id, "planned_participants": value})
    assert "planned_participants" in exc.value.fields
    db.session.rollback()
    assert _count_points(meeting) == 0


def test_points_need_an_online_or_hybrid_meeting(create_meeting, city):
    meeting = create_meeting(mode="in_person")
    with pytest.raises(ValidationError) as exc:
        services.add_point(meeting, {"unit_id": city["districts"][0].id})
    assert "mode" in exc.value.fields


def test_bulk_adds_district_level_units_valid_on_the_day_and_skips_those_present(online_meeting, city):
    meeting = online_meeting()
    services.add_point(meeting, {"unit_id": city["districts"][0].id, "planned_participants": 9})
    result = services.add_points_bulk(meeting, kind="district", planned_participants=20)
    assert [p.unit_id for p in result.added] == [city["districts"][1].id]  # Cầu Giấy was dissolved in 2025
    assert result.skipped == 1
    again = services.add_points_bulk(meeting, kind="district")
    assert (len(again.added), again.skipped) == (0, 2)
    planned = {p.unit_id: p.planned_participants for p in services.points_of(meeting.id)}
    assert planned == {city["districts"][0].id: 9, city["districts"][1].id: 20}


def test_bulk_in_the_past_takes_the_units_of_that_day(online_meeting, city):
    meeting = online_meeting(day=date(2025, 3, 4))
    result = services.add_points_bulk(meeting, kind="district")
    assert len(result.added) == 3
    communes = services.add_points_bulk(meeting, kind="commune")
    assert {p.unit_id for p in communes.added} == {w.id for w in city["wards"]}  # the new communes came later


def test_bulk_wards_of_one_unit_departments_and_groups(online_meeting, city):
    from meetingsvc.directory.models import UnitGroup

    meeting = online_meeting()
    wards = services.add_points_bulk(meeting, kind="commune", parent_id=city["districts"][0].id)
    assert {p.unit_id for p in wards.added} == {w.id for w in city["wards"]}
    departments = services.add_points_bulk(meeting, kind="department")
    assert {p.unit_id for p in departments.added} == {d.id for d in city["departments"]}
    group = UnitGroup(name="Các xã mới", units=city["communes"] + [city["wards"][0]])
    db.session.add(group)
    db.session.commit()
    grouped = services.add_points_bulk(meeting, group_id=group.id)
    assert {p.unit_id for p in grouped.added} == {c.id for c in city["communes"]}
    assert grouped.skipped == 1
    assert services.meeting_totals(meeting).points == 6


def test_bulk_with_an_unknown_selection_writes_nothing(online_meeting, city):
    meeting = online_meeting()
    for kwargs in ({"kind": "planets"}, {}, {"group_id": 999999}, {"kind": "district", "planned_participants": -3}):
        with pytest.raises(ValidationError):
            services.add_points_bulk(meeting, **kwargs)
        db.session.rollback()
    assert _count_points(meeting) == 0


def _refusal(function, *args, **kwargs) -> str:
    with pytest.raises(ValidationError) as exc:
        function(*args, **kwargs)
    db.session.rollback()
    return " ".join(exc.value.fields.values())


def test_remove_one_selected_or_all(online_meeting, city, add_points):
    meeting = online_meeting()
    points = add_points(meeting, city["districts"][:2] + city["wards"], sites=["Trụ sở"])
    other = online_meeting(title="Khác", day=date(2026, 1, 6))
    foreign = add_points(other, city["departments"][:1])[0]
    assert services.remove_points(meeting, [points[0].id]) == 1
    # Another meeting's point, one removed already, or something that is no id: refused whole, nothing removed.
    for ids in ([points[1].id, points[2].id, foreign.id], [points[1].id, points[0].id], [points[1].id, "abc"],
                [points[1].id, True], []):
        with pytest.raises(ValidationError) as exc:
            services.remove_points(meeting, ids)
        assert "points" in exc.value.fields
        db.session.rollback()
    assert str(foreign.id) in _refusal(services.remove_points, meeting, [points[1].id, foreign.id])
    assert _count_points(other) == 1  # another meeting's point is not touched
    assert _count_points(meeting) == 4
    assert services.remove_points(meeting, [points[1].id, points[2].id]) == 2
    assert services.remove_points(meeting, remove_all=True) == 2
    assert _count_points(meeting) == 0


# ---- checks and participants ---------------------------------------------------------------------------------


def test_connection_check_records_who_and_when(online_meeting, city, add_points, create_user):
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1])[0]
    tech = create_user(role="technician")
    services.update_point(point, {"connection_status": "ok"}, user=tech)
    assert point.connection_status == "ok" and point.checked_by_id == tech.id and point.checked_at is not None
    with pytest.raises(ValidationError) as exc:
        services.update_point(point, {"connection_status": "problem", "connection_note": ""}, user=tech)
    assert "connection_note" in exc.value.fields
    db.session.rollback()
    services.update_point(point, {"connection_status": "problem", "connection_note": "Mất tiếng"}, user=tech)
    assert (point.connection_status, point.connection_note) == ("problem", "Mất tiếng")
    with pytest.raises(ValidationError):
        services.update_point(point, {"connection_status": "excellent"}, user=tech)


def test_technician_may_not_change_planning_fields(online_meeting, city, add_points, create_user):
    meeting = online_meeting(day=PAST_DAY)
    point = add_points(meeting, city["districts"][:1], planned=10)[0]
    tech = create_user(role="technician")
    with pytest.raises(PermissionError):
        services.update_point(point, {"planned_participants": 99}, user=tech)
    services.update_point(point, {"actual_participants": 12}, user=tech)
    db.session.expire_all()
    assert (point.planned_participants, point.actual_participants) == (10, 12)


def test_record_results_is_all_or_nothing(online_meeting, city, add_points):
    meeting = online_meeting(day=PAST_DAY)
    a, b = add_points(meeting, city["districts"][:2], planned=30)
    with pytest.raises(ValidationError) as exc:
        services.record_results(meeting, {a.id: 25, b.id: -2})
    assert f"actual-{b.id}" in exc.value.fields
    db.session.rollback()
    db.session.expire_all()
    assert a.actual_participants is None
    assert services.record_results(meeting, {a.id: 25, b.id: "31"}) == 2
    assert services.meeting_totals(meeting) == services.Totals(2, 60, 56)


def test_record_results_refuses_points_of_another_meeting(online_meeting, city, add_points):
    meeting, other = online_meeting(), online_meeting(title="Khác", day=date(2026, 1, 6))
    add_points(meeting, city["districts"][:1])
    foreign = add_points(other, city["districts"][:1])[0]
    with pytest.raises(ValidationError):
        services.record_results(meeting, {foreign.id: 5})


def test_attendance_in_person_and_present_count(create_meeting, create_person):
    people = [create_person(), create_person()]
    meeting = create_meeting(mode="in_person", attendee_people=people, day=PAST_DAY)
    first, second = meeting.attendees
    services.record_results(meeting, {}, attended={first.id: True, second.id: False}, present_count="18",
                            set_present_count=True)
    db.session.expire_all()
    assert (first.attended, second.attended, meeting.present_count) == (True, False, 18)
    with pytest.raises(ValidationError):
        services.record_results(meeting, {}, present_count=-1, set_present_count=True)


# ---- totals -----------------------------------------------------------------------------------------------


def test_totals_for_meetings_in_one_query(online_meeting, city, add_points, app):
    m1, m2, m3 = (online_meeting(title=f"H{i}", day=date(2026, 1, 5 + i)) for i in range(3))
    add_points(m1, city["districts"][:2], planned=10, actual=7)
    add_points(m2, city["departments"], planned=5)
    ids = [m1.id, m2.id, m3.id]
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        totals = services.totals_for_meetings(ids)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1, statements
    assert totals[ids[0]] == (2, 20, 14)
    assert totals[ids[1]] == (2, 10, None)  # nothing recorded yet is None, not 0
    assert totals[ids[2]] == (0, None, None)
    assert services.totals_for_meetings([]) == {}


@pytest.mark.parametrize("url,shared", [
    ("https://us02web.zoom.us/j/8123456789?pwd=QWxhZGRpbjpvcGVu", "https://us02web.zoom.us/j/8123456789"),
    ("https://vc.gov.vn/r/1?lang=vi&PIN=1234", "https://vc.gov.vn/r/1?lang=vi"),
    ("https://meet.google.com/abc-defg-hij", "https://meet.google.com/abc-defg-hij"),
    ("https://teams.microsoft.com/meet/4123456789?p=XyzTeamsHash&tid=abc", "https://teams.microsoft.com/meet/4123456789?tid=abc"),
    ("https://x.webex.com/x/j.php?MTID=m1&integrationJoinToken=t0k", "https://x.webex.com/x/j.php?MTID=m1"),
    ("https://user:secret@vc.gov.vn/r/1", "https://vc.gov.vn/r/1"),
    ("https://vc.gov.vn/r/1?room=5&code=556677", "https://vc.gov.vn/r/1?room=5"),  # the stored passcode's value
    ("", ""),
])
def test_shareable_join_url_drops_a_passcode_in_the_query(url, shared):
    assert services.shareable_join_url(url, passcode="556677") == shared


def test_record_results_clears_a_figure_and_leaves_other_meetings_alone(online_meeting, city, add_points):
    meeting, other = online_meeting(day=PAST_DAY), online_meeting(title="Khác", day=date(2026, 1, 6))
    a, b = add_points(meeting, city["districts"][:2], actual=12)
    foreign = add_points(other, city["districts"][:1], actual=7)[0]
    assert services.record_results(meeting, {a.id: None, b.id: 13}) == 2
    db.session.expire_all()
    assert (a.actual_participants, b.actual_participants, foreign.actual_participants) == (None, 13, 7)


def test_recording_many_figures_moves_the_meeting_in_a_few_statements(online_meeting, city, add_points):
    # Feeds and caches key on updated_at, on both backends; and a figure per bridge point must not cost a
    # lookup per point (600 points were 1,200 extra statements on SQLite).
    meeting, other = online_meeting(day=PAST_DAY), online_meeting(title="Khác", day=date(2026, 1, 6))
    point_ids = [p.id for p in add_points(meeting, city["districts"][:3], actual=5)]
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.execute(sa.update(Meeting).where(Meeting.id.in_([meeting.id, other.id])).values(updated_at=long_ago))
    db.session.commit()
    statements = []

    def keep(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert services.record_results(meeting, {pid: 20 + k for k, pid in enumerate(point_ids)}) == 3
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    db.session.expire_all()
    assert meeting.updated_at > long_ago and other.updated_at == long_ago
    assert [s for s in statements if s.lstrip().startswith("SELECT") and "bridge_points.id = " in s] == []


def test_audit_log_names_the_points_not_their_ids(online_meeting, city, add_points):
    meeting = online_meeting(day=PAST_DAY)
    a = add_points(meeting, city["districts"][:1])[0]
    services.record_results(meeting, {a.id: 44})
    services.add_points_bulk(meeting, kind="department")
    entries = {e.action: e for e in db.session.scalars(sa.select(AuditEntry))}
    assert entries["participants_recorded"].after == {"Quận Ba Đình": 44}
    assert entries["bridge_point_bulk_add"].after == {"points": "Sở Nội vụ, Sở Tài chính"}


# ---- audit findings --------------------------------------------------------------------------------------------


def test_editing_a_point_keeps_who_checked_its_connection_and_when(online_meeting, city, add_points, create_user):
    meeting = online_meeting()
    point = add_points(meeting, city["districts"][:1], planned=10)[0]
    tech, secretary = create_user(role="technician"), create_user(role="secretary")
    services.update_point(point, {"connection_status": "ok"}, user=tech)
    checked_at = point.checked_at
    # What the edit page sends: every field, the connection status unchanged.
    services.update_point(point, {"contact_name": "Chị Lan", "planned_participants": 25, "connection_status": "ok",
                                  "connection_note": "", "is_host": False, "address": "Hội trường"},
                          user=secretary)
    db.session.expire_all()
    assert (point.checked_by_id, point.checked_at) == (tech.id, checked_at)
    assert (point.contact_name, point.planned_participants) == ("Chị Lan", 25)
    # A problem's note is corrected: still not a new check.
    services.update_point(point, {"connection_status": "problem", "connection_note": "Mất tiếng"}, user=tech)
    problem_at = point.checked_at
    services.update_point(point, {"connection_status": "problem", "connection_note": "Mất tiếng, có hình"},
                          user=secretary)
    assert (point.checked_by_id, point.checked_at) == (tech.id, problem_at)
    # A real change of status stamps who and when.
    services.update_point(point, {"connection_status": "ok"}, user=secretary)
    assert point.checked_by_id == secretary.id and point.connection_note == ""


def test_points_invalid_on_a_new_date(online_meeting, city, add_points):
    meeting = online_meeting(day=date(2025, 3, 4))
    services.add_points_bulk(meeting, kind="district")
    assert services.points_invalid_on(meeting) == []
    later = date(2025, 9, 9)  # after the reorganisation: Quận Cầu Giấy was dissolved on 30/6/2025
    rows = services.points_invalid_on(meeting, later)
    assert [(r.label, r.unit_code, r.valid_to) for r in rows] == [("Quận Cầu Giấy", "Q3", date(2025, 6, 30))]
    warning = services.invalid_points_warning(meeting, later)
    assert "Quận Cầu Giấy" in warning and "09/09/2025" in warning
    assert services.invalid_points_warning(meeting) is None


@pytest.mark.parametrize("kwargs,needle", [
    ({"kind": "district"}, "cấp huyện"),
    ({"kind": "commune", "parent_id": "district-3"}, "Quận Cầu Giấy"),
    ({"group_id": "old-group"}, "Các quận cũ"),
])
def test_a_bulk_selection_that_finds_nothing_says_why(online_meeting, city, create_unit, kwargs, needle):
    from meetingsvc.directory.models import UnitGroup

    # Nothing of the selection existed on the day: the districts were dissolved on 30/6/2025.
    for district in city["districts"][:2]:
        district.valid_to = date(2025, 6, 30)
    create_unit(code="P9", name="Phường Dịch Vọng", kind="ward", parent_id=city["districts"][2].id,
                valid_to=date(2025, 6, 30))
    group = UnitGroup(name="Các quận cũ", units=city["districts"])
    db.session.add(group)
    db.session.commit()
    kwargs = {k: {"district-3": city["districts"][2].id, "old-group": group.id}.get(v, v) for k, v in kwargs.items()}
    meeting = online_meeting(day=date(2026, 3, 10))
    with pytest.raises(ValidationError) as exc:
        services.add_points_bulk(meeting, **kwargs)
    message = exc.value.fields["selection"]
    assert needle in message and "10/03/2026" in message
    db.session.rollback()
    assert _count_points(meeting) == 0


def test_bulk_options_offer_only_what_exists_on_the_day(city):
    from meetingsvc.directory.models import UnitGroup

    db.session.add(UnitGroup(name="Các quận", units=city["districts"]))
    db.session.add(UnitGroup(name="Xã mới", units=city["communes"]))
    db.session.commit()
    before = {o.value.split(":")[0] if o.value.startswith("group:") else o.value: o
              for o in services.bulk_options(date(2025, 3, 4))}
    assert before["district"].count == 3 and "(3)" in before["district"].label
    assert before["commune"].count == 2  # the two wards; the new communes came on 1/7/2025
    assert [o.label for o in services.bulk_options(date(2025, 3, 4)) if o.value.startswith("group:")] == [
        "Nhóm: Các quận (3)"]
    after = services.bulk_options(date(2026, 3, 10))
    assert {o.value for o in after if not o.value.startswith("group:")} == {"district", "commune", "department"}
    for district in city["districts"]:
        district.valid_to = date(2025, 6, 30)
    db.session.commit()
    after = services.bulk_options(date(2026, 3, 10))
    assert "district" not in {o.value for o in after}
    assert [o.label for o in after if o.value.startswith("group:")] == ["Nhóm: Xã mới (2)"]


@pytest.mark.parametrize("value", ["false", "true", 0, 1, "", [], {"x": 1}])
def test_booleans_must_be_booleans(online_meeting, city, add_points, value):
    meeting = online_meeting()
    with pytest.raises(ValidationError) as exc:
        services.add_point(meeting, {"unit_id": city["districts"][0].id, "is_host": value})
    assert list(exc.value.fields) == ["is_host"]
    db.session.rollback()
    assert _count_points(meeting) == 0
    point = add_points(meeting, city["districts"][1:2])[0]
    with pytest.raises(ValidationError) as exc:
        services.update_point(point, {"is_host": value})
    assert list(exc.value.fields) == ["is_host"]
    db.session.rollback()
    with pytest.raises(ValidationError) as exc:
        services.update_link(meeting, {"is_relayed": value, "origin_network": "Thành ủy"})
    assert list(exc.value.fields) == ["is_relayed"]
    db.session.rollback()
    db.session.expire_all()
    assert point.is_host is False and meeting.is_relayed is False


def test_join_url_with_a_user_name_or_password_is_refused(online_meeting):
    meeting = online_meeting()
    for url in ("https://user:pass@zoom.us/j/1", "https://admin@vc.gov.vn/r/1", "https://:pin@meet.jit.si/x"):
        with pytest.raises(ValidationError) as exc:
            services.update_link(meeting, {"join_url": url})
        assert "join_url" in exc.value.fields
        db.session.rollback()
    db.session.expire_all()
    assert meeting.join_url == ""


def test_actual_figures_are_refused_before_the_meeting_starts(online_meeting, city, add_points, create_person):
    meeting = online_meeting(mode="hybrid", attendee_people=[create_person()])  # next week
    point = add_points(meeting, city["districts"][:1])[0]
    attendee = meeting.attendees[0]
    for call in (lambda: services.record_results(meeting, {point.id: 30}),
                 lambda: services.record_results(meeting, {}, attended={attendee.id: True}),
                 lambda: services.record_results(meeting, {}, present_count=12, set_present_count=True),
                 lambda: services.update_point(point, {"actual_participants": 30}),
                 lambda: services.add_point(meeting, {"site_name": "Trụ sở", "actual_participants": 5})):
        with pytest.raises(ValidationError) as exc:
            call()
        assert "08:00" in exc.value.fields["actual_participants"]
        db.session.rollback()
    db.session.expire_all()
    assert (point.actual_participants, attendee.attended, meeting.present_count) == (None, None, None)
    assert _count_points(meeting) == 1
    # Planned figures at any time.
    services.update_point(point, {"planned_participants": 40})
    services.add_point(meeting, {"site_name": "Trụ sở", "planned_participants": 15})
    assert services.meeting_totals(meeting) == (2, 55, None)


def test_hybrid_meeting_keeps_the_people_present_at_the_venue(online_meeting, city, add_points):
    meeting = online_meeting(mode="hybrid", day=PAST_DAY)
    point = add_points(meeting, city["districts"][:1])[0]
    services.record_results(meeting, {point.id: 30}, present_count="45", set_present_count=True)
    db.session.expire_all()
    assert (meeting.present_count, point.actual_participants) == (45, 30)


def test_history_labels_name_every_action_and_field_written(online_meeting, city, add_points, create_user,
                                                            create_person):
    from meetingsvc.online import imports

    meeting = online_meeting(mode="hybrid", day=PAST_DAY, attendee_people=[create_person(full_name="Lê Văn Nam")])
    tech = create_user(role="technician")
    services.update_link(meeting, {"online_provider": "Zoom", "join_url": "https://zoom.us/j/1", "passcode": "1",
                                   "online_meeting_code": "1", "dial_in": "024", "is_relayed": True,
                                   "origin_network": "Thành ủy", "mode": "online"})
    services.update_link(meeting, {"mode": "hybrid"})
    host = services.add_point(meeting, {"site_name": "Trụ sở", "is_host": True})
    services.add_points_bulk(meeting, kind="district")
    services.update_point(host, {"address": "Phòng 1", "contact_name": "A", "contact_phone": "1",
                                 "planned_participants": 3, "actual_participants": 2, "site_name": "Trụ sở chính",
                                 "is_host": False})
    services.update_point(host, {"connection_status": "problem", "connection_note": "Mất tiếng"}, user=tech)
    services.record_results(meeting, {host.id: 4}, attended={meeting.attendees[0].id: True}, present_count=9,
                            set_present_count=True)
    codes = ",".join(p.unit_code for p in services.point_rows(meeting.id) if p.unit_code)
    imports.import_actuals(meeting, "ket-qua.csv", ("unit_code,actual_participants\n" + "\n".join(
        f"{c},{i}" for i, c in enumerate(codes.split(","), start=1))).encode())
    services.remove_points(meeting, [host.id])
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_id == meeting.id,
                                                             AuditEntry.object_type == "meetings")).all()
    actions = {e.action for e in entries}
    assert actions == {"online_link", "bridge_point_add", "bridge_point_bulk_add", "bridge_point_update",
                       "connection_check", "participants_recorded", "participants_uploaded", "bridge_point_remove"}
    assert actions <= set(services.HISTORY_LABELS)
    point_labels = {p.label for p in services.point_rows(meeting.id)} | {"Trụ sở", "Trụ sở chính"}
    fields = {name for e in entries for name, _old, _new in e.changes} - point_labels
    attended = f"Dự họp: {meeting.attendees[0].label}"
    assert fields <= set(services.HISTORY_LABELS) | {attended}, fields
    check = next(e for e in entries if e.action == "connection_check")
    assert check.after == {"connection_status": "Có sự cố", "connection_note": "Mất tiếng"}
    assert check.before == {"connection_status": "Chưa kiểm tra", "connection_note": ""}
    recorded = next(e for e in entries if e.action == "participants_recorded")
    assert recorded.after == {"Trụ sở chính": 4, "present_count": 9, attended: "Có mặt"}


def test_an_upload_of_many_points_is_one_short_history_entry(online_meeting, add_points, create_unit):
    from meetingsvc.online import imports

    units = [create_unit(code=f"W{i:03d}", name=f"Phường {i}", kind="ward") for i in range(1, 131)]
    meeting = online_meeting(day=PAST_DAY)
    add_points(meeting, units, actual=10)
    rows = "\n".join(f"W{i:03d},{10 if i > 129 else 20}" for i in range(1, 131))
    assert imports.import_actuals(meeting, "ket-qua.csv", f"unit_code,actual_participants\n{rows}\n".encode()) == 130
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "participants_uploaded")).one()
    assert entry.summary == "Từ ket-qua.csv: 130 điểm cầu, 129 điểm cầu thay đổi"
    assert entry.before == {"actual_total": 1300} and entry.after == {"actual_total": 2590}
    assert len(entry.changes) == 1
    # A few changes are listed by name.
    imports.import_actuals(meeting, "sua.csv", b"unit_code,actual_participants\nW001,21\nW002,20\n")
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "participants_uploaded")
                               .order_by(AuditEntry.id.desc())).first()
    assert (entry.before, entry.after) == ({"Phường 1": 20}, {"Phường 1": 21})


# ---- copying a meeting --------------------------------------------------------------------------------------


def test_a_copy_takes_the_link_and_the_planned_bridge_points_valid_on_its_day(online_meeting, city, create_unit,
                                                                             create_user, create_leader):
    from meetingsvc.core.time import to_local
    from meetingsvc.meetings.services import duplicate_meeting

    secretary = create_user(role="secretary")
    meeting = online_meeting(chair_id=create_leader().id, join_url="https://meet.example.vn/j/123?pwd=bimat",
                             online_provider="Zoom", passcode="bimat", online_meeting_code="123")
    day = to_local(meeting.start_at).date()
    merged_away = create_unit(code="QX", name="Quận sáp nhập", kind="district", parent_id=city["root"].id,
                              valid_to=day)
    host = BridgePoint(meeting_id=meeting.id, site_name="Hội trường UBND thành phố", is_host=True,
                       planned_participants=80, actual_participants=75, connection_status="ok", sort_order=0)
    points = [host] + [BridgePoint(meeting_id=meeting.id, unit_id=u.id, planned_participants=30, actual_participants=28,
                                   connection_status="problem", connection_note="mất tiếng", sort_order=i)
                       for i, u in enumerate([*city["districts"][:2], merged_away], start=1)]
    db.session.add_all(points)
    db.session.commit()

    copy = duplicate_meeting(meeting, day + timedelta(days=7), secretary, accept_warnings=True)

    assert (copy.join_url, copy.online_provider, copy.passcode, copy.online_meeting_code) == (
        meeting.join_url, "Zoom", "bimat", "123")
    copied = db.session.scalars(sa.select(BridgePoint).where(BridgePoint.meeting_id == copy.id)
                                .order_by(BridgePoint.sort_order)).all()
    assert [p.label for p in copied] == ["Hội trường UBND thành phố", "Quận Ba Đình", "Quận Hoàn Kiếm"]
    assert [p.is_host for p in copied] == [True, False, False]
    assert [p.planned_participants for p in copied] == [80, 30, 30]
    # What happened at the first meeting is not the copy's: no attendance, no connection checks.
    assert {(p.actual_participants, p.connection_status, p.connection_note) for p in copied} == {(None, "not_checked", "")}
    assert services.points_left_out(meeting, day + timedelta(days=7)) == {points[3].id: "Quận sáp nhập"}
    actions = {e.action: e for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_id == copy.id))}
    assert {"create", "online_link", "bridge_point_bulk_add"} <= set(actions)
    assert "bimat" not in str(actions["online_link"].after)  # the passcode stays out of the audit log
    assert _count_points(meeting) == 4  # the source keeps its points


def test_a_copy_of_an_in_person_meeting_gets_no_online_entries(create_meeting, create_user, create_leader):
    from meetingsvc.core.time import to_local
    from meetingsvc.meetings.services import duplicate_meeting

    meeting = create_meeting(chair_id=create_leader().id)
    copy = duplicate_meeting(meeting, to_local(meeting.start_at).date() + timedelta(days=7),
                             create_user(role="secretary"), accept_warnings=True)
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == copy.id,
                                                                   AuditEntry.object_type == "meetings")).all()
    assert actions == ["create"] and _count_points(copy) == 0
