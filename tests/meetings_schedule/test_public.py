"""The public page: the latest published revision, public meetings only, no login."""

from datetime import timedelta

from meetingsvc.meetings import schedule


def test_public_page_shows_only_public_meetings_of_the_latest_publication(client, create_meeting, create_leader,
                                                                          create_user, db, monday):
    leader = create_leader(full_name="Hà Minh Hải")
    public = create_meeting(title="Chủ tịch tiếp công dân định kỳ", day=monday, chair_id=leader.id,
                            classification="public")
    create_meeting(title="Giao ban nội bộ Văn phòng", day=monday, start="14:00", end="15:00",
                   classification="internal")
    create_meeting(title="Họp phương án tuyệt mật", day=monday + timedelta(days=1), chair_id=leader.id,
                   classification="tuyet_mat")
    create_meeting(title="Họp mật khác", day=monday + timedelta(days=2), classification="mat")
    schedule.publish_week(monday, create_user(role="secretary"))
    create_meeting(title="Công khai thêm sau khi phát hành", day=monday + timedelta(days=3), classification="public")

    response = client.get(f"/schedule/public?date={monday}")  # nobody signed in
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Chủ tịch tiếp công dân định kỳ" in html and "Hà Minh Hải" in html
    assert "Bản chính thức" in html and "Cập nhật lần cuối" in html
    for hidden in ("Giao ban nội bộ", "tuyệt mật", "Họp mật khác", "nội dung mật", "Công khai thêm"):
        assert hidden not in html, hidden
    assert f"/meetings/{public.id}" not in html  # no links into the signed-in pages
    assert 'class="mainnav"' not in html

    schedule.publish_week(monday)
    html = client.get(f"/schedule/public?week={schedule.iso_week(monday)}").get_data(as_text=True)
    assert "Công khai thêm sau khi phát hành" in html and "(Điều chỉnh lần 1)" in html
    assert "change-added" in html


def test_meeting_classified_after_publication_leaves_the_public_page_at_once(client, create_meeting, db, monday):
    meeting = create_meeting(title="Làm việc với đoàn công tác", day=monday, classification="public")
    schedule.publish_week(monday)
    assert "Làm việc với đoàn công tác" in client.get(f"/schedule/public?date={monday}").get_data(as_text=True)
    meeting.classification = "mat"
    db.session.commit()
    html = client.get(f"/schedule/public?date={monday}").get_data(as_text=True)
    assert "Làm việc với đoàn công tác" not in html and "nội dung mật" not in html


def test_unpublished_week_says_so(client, create_meeting, monday):
    create_meeting(title="Chưa phát hành", day=monday, classification="public")
    html = client.get(f"/schedule/public?date={monday}").get_data(as_text=True)
    assert "chưa được phát hành" in html and "Chưa phát hành<" not in html


def test_public_page_refuses_bad_dates(client):
    assert client.get("/schedule/public?date=2026-13-01").status_code == 400


def test_login_page_links_to_the_public_schedule(client):
    assert 'href="/schedule/public"' in client.get("/login").get_data(as_text=True)


def test_a_published_meeting_moved_to_another_week_and_classified_leaves_the_page_too(
        client, login_as, create_meeting, db, monday):
    # The current classification of the week's meetings is read by the week's time range; a meeting moved out of
    # it since is looked up on its own, and masked like the others.
    moved = create_meeting(title="Tiếp đoàn doanh nghiệp", day=monday, classification="public")
    schedule.publish_week(monday)
    moved.start_at += timedelta(days=14)
    moved.end_at += timedelta(days=14)
    moved.classification = "mat"
    db.session.commit()
    assert "Tiếp đoàn doanh nghiệp" not in client.get(f"/schedule/public?date={monday}").get_data(as_text=True)
    login_as("viewer", clearance="internal")
    html = client.get(f"/meetings/week?date={monday}&version=published").get_data(as_text=True)
    assert "Tiếp đoàn doanh nghiệp" not in html and "Họp (nội dung mật)" in html
