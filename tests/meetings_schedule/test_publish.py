"""Publishing the week: revision numbering, the published version, change marks, concurrency, who may publish."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.audit import AuditEntry
from meetingsvc.core.errors import ConflictError
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
    create_meeting(title="Giao ban đầu tuần", day=monday)
    login_as("secretary")
    response = _publish(client, monday)
    assert response.status_code == 302 and "version=published" in response.location
    html = client.get(response.location).get_data(as_text=True)
    assert "Bản chính thức" in html and "Cập nhật lần cuối" in html and "Điều chỉnh lần" not in html.split(
        'id="publish"')[0].split("</h1>")[1]
    _publish(client, monday)
    _publish(client, monday)
    revisions = db.session.scalars(sa.select(ScheduleRevision.revision).where(
        ScheduleRevision.week_start == monday).order_by(ScheduleRevision.revision)).all()
    assert revisions == [0, 1, 2]
    latest = schedule.latest_revision(monday)
    html = client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)
    stamp = schedule.to_local(latest.published_at).strftime("%H:%M %d/%m/%Y")
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
    create_meeting(title="Họp", day=monday)
    db.session.commit()
    workers, barrier, results = 4, threading.Barrier(4), []

    def publish():
        with app.app_context():
            barrier.wait()
            try:
                results.append(schedule.publish_week(monday).revision)
            except ConflictError as exc:  # allowed by the contract, but then nothing is written
                results.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    numbers = sorted(r for r in results if isinstance(r, int))
    stored = db.session.scalars(sa.select(ScheduleRevision.revision).where(
        ScheduleRevision.week_start == monday).order_by(ScheduleRevision.revision)).all()
    assert len(results) == workers
    assert numbers == list(range(len(numbers))) == stored
    assert len(numbers) == workers  # every one got through by retrying
