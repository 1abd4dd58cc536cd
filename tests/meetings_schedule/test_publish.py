"""Publishing the week: revision numbering, the published version, change marks, concurrency, who may publish."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.audit import AuditEntry
from meetingsvc.core.errors import ConflictError
from meetingsvc.core.time import to_local
from meetingsvc.meetings import schedule
from meetingsvc.meetings.models import ScheduleRevision


def _publish(client, monday):
    return client.post("/meetings/week/publish", data={"week": schedule.iso_week(monday)})


def _marks(html: str) -> dict[str, str]:
    """{title: change class} for the rows of the rendered schedule."""
    import re

    marks = {}
    for classes, body in re.findall(r'<tr class="entry([^"]*)"[^>]*>(.*?)</tr>', html, re.S):
        title = re.search(r'class="title"[^>]*>([^<]+)<', body)
        change = re.search(r"change-(\w+)", classes)
        if title:
            marks[title[1]] = change[1] if change else None
    return marks


def test_publishing_numbers_revisions_and_shows_the_update_line(client, login_as, create_meeting, db, monday):
    meeting = create_meeting(title="Giao ban đầu tuần", day=monday)
    login_as("secretary")
    response = _publish(client, monday)
    assert response.status_code == 302 and "version=published" in response.location
    html = client.get(response.location).get_data(as_text=True)
    assert "Bản chính thức" in html and "Cập nhật lần cuối" in html and "Điều chỉnh lần" not in html.split(
        'id="publish"')[0].split("</h1>")[1]
    for title in ("Giao ban đầu tuần (sửa)", "Giao ban đầu tuần (sửa lần 2)"):
        meeting.title = title
        db.session.commit()
        _publish(client, monday)
    revisions = db.session.scalars(sa.select(ScheduleRevision.revision).where(
        ScheduleRevision.week_start == monday).order_by(ScheduleRevision.revision)).all()
    assert revisions == [0, 1, 2]
    latest = schedule.latest_revision(monday)
    html = client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)
    stamp = to_local(latest.published_at).strftime("%H:%M %d/%m/%Y")
    assert f"(Điều chỉnh lần 2)</strong>\n      — Cập nhật lần cuối: {stamp}" in html
    assert 'Phát hành điều chỉnh lần 3' in html  # the button says what the next publication will be
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "publish")).all()
    assert len(entries) == 3 and all(e.user_id for e in entries)


def test_next_revision_marks_added_changed_postponed_and_cancelled_entries(client, login_as, create_meeting, db,
                                                                          monday):
    same = create_meeting(title="Không đổi", day=monday, start="08:00", end="09:00")
    changed = create_meeting(title="Sẽ đổi giờ", day=monday, start="09:00", end="10:00")
    postponed = create_meeting(title="Sẽ hoãn", day=monday, start="14:00", end="15:00")
    cancelled = create_meeting(title="Sẽ hủy", day=monday, start="15:00", end="16:00")
    moved_away = create_meeting(title="Sẽ dời sang tuần sau", day=monday + timedelta(days=1))
    login_as("secretary")
    _publish(client, monday)
    first = client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)
    assert set(_marks(first).values()) == {None}  # the first official version marks nothing

    changed.start_at += timedelta(minutes=30)
    changed.end_at += timedelta(minutes=30)
    postponed.status, postponed.status_reason = "postponed", "Chờ ý kiến Thường trực"
    cancelled.status = "cancelled"
    moved_away.start_at += timedelta(days=7)
    moved_away.end_at += timedelta(days=7)
    added = create_meeting(title="Mới bổ sung", day=monday + timedelta(days=2))
    db.session.commit()

    expected = {same.title: None, changed.title: "changed", postponed.title: "postponed",
                cancelled.title: "cancelled", added.title: "added"}
    draft = client.get(f"/meetings/week?date={monday}&version=draft").get_data(as_text=True)
    assert _marks(draft) == expected  # the draft shows what the next publication will change
    assert "Không còn trong lịch tuần này" in draft and "Sẽ dời sang tuần sau" in draft.split(
        "Không còn trong lịch tuần này")[1]

    _publish(client, monday)
    published = client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)
    assert _marks(published) == expected
    assert "Đánh dấu so với lần phát hành trước" in published  # the legend
    assert "(Hoãn)" in published and "Chờ ý kiến Thường trực" in published and "(Hủy)" in published
    counts = schedule.count_changes(schedule.get_revision(monday, 0).entries,
                                    schedule.get_revision(monday, 1).entries)
    assert counts == {"added": 1, "changed": 1, "postponed": 1, "cancelled": 1, "removed": 1}

    # An older publication stays viewable as it was.
    older = client.get(f"/meetings/week?date={monday}&version=published&revision=0").get_data(as_text=True)
    assert "Mới bổ sung" not in older and "Bản chính thức" in older


def test_published_version_shows_what_was_published_not_the_live_data(client, login_as, create_meeting, db, monday):
    meeting = create_meeting(title="Tên khi phát hành", day=monday)
    login_as("secretary")
    _publish(client, monday)
    meeting.title = "Tên sửa sau khi phát hành"
    db.session.commit()
    published = client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)
    draft = client.get(f"/meetings/week?date={monday}&version=draft").get_data(as_text=True)
    assert "Tên khi phát hành" in published and "Tên sửa sau khi phát hành" not in published
    assert "Tên sửa sau khi phát hành" in draft and _marks(draft)["Tên sửa sau khi phát hành"] == "changed"


def test_drafts_are_not_published(client, login_as, create_meeting, monday):
    create_meeting(title="Còn dự kiến", day=monday, status="draft")
    create_meeting(title="Đã chốt", day=monday, start="14:00", end="15:00")
    login_as("secretary")
    _publish(client, monday)
    entries = schedule.latest_revision(monday).entries
    assert [e["title"] for e in entries.values()] == ["Đã chốt"]


def test_published_classified_entry_is_masked_for_users_not_cleared(client, login_as, create_meeting,
                                                                     create_leader, monday):
    leader = create_leader(full_name="Lê Hồng Sơn")
    create_meeting(title="Họp phương án mật Z", day=monday, chair_id=leader.id, classification="mat")
    login_as("admin", clearance="tuyet_mat")
    _publish(client, monday)
    login_as("viewer", clearance="internal")
    html = client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)
    assert "Họp (nội dung mật)" in html and "Lê Hồng Sơn" in html
    assert "phương án mật Z" not in html


@pytest.mark.parametrize("role", ["viewer", "leader", "technician"])
def test_only_secretaries_and_admins_publish(client, login_as, role, monday):
    login_as(role)
    assert _publish(client, monday).status_code == 403
    assert schedule.latest_revision(monday) is None


def test_anonymous_cannot_publish(client, monday):
    response = _publish(client, monday)
    assert response.status_code == 302 and "/login" in response.location
    assert schedule.latest_revision(monday) is None


def test_bad_week_is_refused_and_writes_nothing(client, login_as, monday):
    login_as("secretary")
    response = client.post("/meetings/week/publish", data={"week": "not-a-week"})
    assert response.status_code == 400
    assert schedule.latest_revision(monday) is None


def test_simultaneous_publications_never_share_a_revision_number(app, db, create_meeting, monday):
    meeting = create_meeting(title="Họp", day=monday)
    schedule.publish_week(monday)
    meeting.title = "Họp (đổi giờ)"
    db.session.commit()
    workers, barrier, results = 4, threading.Barrier(4), []

    def publish():
        with app.app_context():
            barrier.wait()
            try:
                results.append(schedule.publish_week(monday).revision)
            except (ConflictError, schedule.NothingToPublish) as exc:  # nothing is written then
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    stored = db.session.scalars(sa.select(ScheduleRevision.revision).where(
        ScheduleRevision.week_start == monday).order_by(ScheduleRevision.revision)).all()
    assert len(results) == workers
    # The same change published four times at once: one revision, the others are told nothing changed since.
    assert [r for r in results if isinstance(r, int)] == [1] and stored == [0, 1]
    assert any(isinstance(r, schedule.NothingToPublish) for r in results)


def test_publishing_again_without_a_change_is_refused_with_a_message(client, login_as, create_meeting, db, monday):
    create_meeting(title="Giao ban", day=monday)
    login_as("secretary")
    _publish(client, monday)
    response = _publish(client, monday)
    assert response.status_code == 302 and "version=draft" in response.location
    html = client.get(response.location).get_data(as_text=True)
    assert "Không có thay đổi nào kể từ lần phát hành gần nhất (Bản chính thức)" in html
    assert [r.revision for r in schedule.revisions_of(monday)] == [0]
    with pytest.raises(schedule.NothingToPublish):
        schedule.publish_week(monday)


def test_the_publish_button_asks_for_confirmation(client, login_as, monday):
    login_as("secretary")
    html = client.get(f"/meetings/week?date={monday}").get_data(as_text=True)
    assert 'id="publish-form"' in html and 'data-confirm="Phát hành bản chính thức' in html
    assert "schedule.js" in html


def test_a_meeting_moved_out_of_the_week_is_shown_with_its_new_date(client, login_as, create_meeting, db, monday):
    moved = create_meeting(title="Sẽ dời sang tuần sau", day=monday + timedelta(days=1))
    login_as("secretary")
    _publish(client, monday)
    moved.start_at += timedelta(days=8)
    moved.end_at += timedelta(days=8)
    db.session.commit()
    new_day = monday + timedelta(days=9)
    for version in ("draft", "published"):
        if version == "published":
            _publish(client, monday)
        html = client.get(f"/meetings/week?date={monday}&version={version}").get_data(as_text=True)
        removed = html.split("Không còn trong lịch tuần này")[1]
        assert "Sẽ dời sang tuần sau" in removed and f"dời sang Thứ Tư {new_day:%d/%m/%Y} 08:00" in removed, version


def test_a_published_meeting_classified_afterwards_is_masked_in_every_revision(client, login_as, create_meeting,
                                                                               create_leader, db, monday):
    leader = create_leader(full_name="Lê Hồng Sơn")
    meeting = create_meeting(title="Làm việc với đoàn thanh tra", day=monday, chair_id=leader.id,
                             classification="internal")
    moving = create_meeting(title="Họp sẽ dời và nâng mật", day=monday + timedelta(days=1))
    login_as("secretary")
    _publish(client, monday)
    meeting.title = "Làm việc với đoàn thanh tra (đổi giờ)"
    db.session.commit()
    _publish(client, monday)
    meeting.classification = "toi_mat"
    moving.start_at += timedelta(days=7)
    moving.end_at += timedelta(days=7)
    moving.classification = "mat"
    db.session.commit()
    login_as("viewer", clearance="internal")
    for revision in (0, 1):
        html = client.get(f"/meetings/week?date={monday}&version=published&revision={revision}").get_data(
            as_text=True)
        assert "đoàn thanh tra" not in html and "Họp (nội dung mật)" in html and "Lê Hồng Sơn" in html, revision
    draft = client.get(f"/meetings/week?date={monday}&version=draft").get_data(as_text=True)
    removed = draft.split("Không còn trong lịch tuần này")[1]
    assert "sẽ dời và nâng mật" not in removed and "Họp (nội dung mật)" in removed
    # the chair himself still sees it
    login_as("viewer", clearance="internal", person_id=leader.id)
    html = client.get(f"/meetings/week?date={monday}&version=published&revision=0").get_data(as_text=True)
    assert "Làm việc với đoàn thanh tra" in html


def test_a_publication_is_decoded_once_and_the_next_one_read_afresh(client, login_as, create_meeting, db, monday,
                                                                     count_queries):
    meeting = create_meeting(title="Giao ban", day=monday)
    login_as("secretary")
    _publish(client, monday)
    db.session.expire_all()  # as a new request's session: the publication is read from the database
    for version in ("draft", "published"):
        client.get(f"/meetings/week?date={monday}&version={version}")
    with count_queries() as counted:
        html = client.get(f"/meetings/week?date={monday}&version=draft").get_data(as_text=True)
    assert not any("entries" in s for s in counted.statements), counted.statements
    assert _marks(html) == {"Giao ban": None}
    meeting.title = "Giao ban (sửa)"
    db.session.commit()
    _publish(client, monday)
    meeting.title = "Giao ban (sửa lần 2)"
    db.session.commit()
    db.session.expire_all()
    assert _marks(client.get(f"/meetings/week?date={monday}&version=draft").get_data(as_text=True)) == {
        "Giao ban (sửa lần 2)": "changed"}
    assert _marks(client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)) == {
        "Giao ban (sửa)": "changed"}
