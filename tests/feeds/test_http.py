"""Feeds over HTTP: tokens, conditional requests, HEAD, gzip, caching headers, the page and the API."""

import gzip
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.http import http_date, parse_date

from meetingsvc.core.db import utcnow
from meetingsvc.extensions import db
from meetingsvc.feeds import services
from meetingsvc.feeds.models import FeedToken
from tests.feeds.helpers import age_everything
from tests.helpers import login


def _comparable(response, path):
    """Status, headers and body, without what differs by nature: the session cookie's and the CSRF token's
    random values, and the requested path echoed back by the language switch."""
    headers = {k: v for k, v in response.headers.items() if k not in ("Date", "Set-Cookie", "Content-Length")}
    cookies = sorted(c.split("=", 1)[0] + ";" + c.split(";", 1)[1] for c in response.headers.getlist("Set-Cookie"))
    body = response.get_data(as_text=True).replace(path.rstrip("?"), "PATH")
    body = re.sub(r'name="csrf_token" value="[^"]*"', "CSRF", body)
    return response.status_code, headers, cookies, body


def test_revoked_wrong_and_missing_tokens_get_the_same_404(app, client, feed_world, feed_token):
    w = feed_world
    token = feed_token(w.viewer)
    assert client.get(f"/feeds/{token}/leader/{w.a.id}.ics").status_code == 200
    revoked = token
    services.revoke_tokens(w.viewer)
    db.session.commit()
    inactive = feed_token(w.secretary)
    w.secretary.is_active_account = False
    db.session.commit()
    paths = {
        "revoked": f"/feeds/{revoked}/leader/{w.a.id}.ics",
        "wrong": f"/feeds/{'A' * 43}/leader/{w.a.id}.ics",
        "missing": f"/feeds/leader/{w.a.id}.ics",
        "empty": f"/feeds//leader/{w.a.id}.ics",
        "inactive user": f"/feeds/{inactive}/leader/{w.a.id}.ics",
        "unknown address": "/feeds/no/such/place.ics",
    }
    answers = {name: app.test_client().get(path) for name, path in paths.items()}  # each a new calendar client
    statuses = {name: r.status_code for name, r in answers.items()}
    assert set(statuses.values()) == {404}, statuses
    first = _comparable(answers["revoked"], paths["revoked"])
    for name, response in answers.items():
        assert _comparable(response, paths[name]) == first, name
    for feed in ("mine.ics", "all.ics", f"room/{w.r1.id}.ics", f"unit/{w.ward.id}.ics"):
        assert client.get(f"/feeds/{revoked}/{feed}").status_code == 404


def test_revoking_works_at_once_and_regenerating_gives_a_new_token(client, feed_world):
    w = feed_world
    login(client, w.viewer)
    assert client.post("/feeds/token").status_code == 302
    old = services.feeds_for(w.viewer, "http://localhost")["personal"][0]["url"]
    assert client.get(old.replace("http://localhost", "")).status_code == 200
    assert client.post("/feeds/token").status_code == 302
    new = services.feeds_for(w.viewer, "http://localhost")["personal"][0]["url"]
    assert new != old
    assert client.get(old.replace("http://localhost", "")).status_code == 404
    assert client.get(new.replace("http://localhost", "")).status_code == 200
    assert client.post("/feeds/token/revoke").status_code == 302
    assert client.get(new.replace("http://localhost", "")).status_code == 404
    assert services.feeds_for(w.viewer, "http://localhost")["has_token"] is False


def test_tokens_are_stored_hashed_with_256_bits(feed_world, feed_token):
    token = feed_token(feed_world.viewer)
    row = db.session.scalar(sa.select(FeedToken).where(FeedToken.user_id == feed_world.viewer.id))
    assert len(token) >= 43  # 32 bytes, base64url
    assert token not in row.token_hash and row.token_hash == services.hash_token(token)
    other = feed_token(feed_world.secretary)
    assert other != token


def test_feed_headers_and_conditional_get(client, feed_world, feed_token):
    w = feed_world
    url = f"/feeds/{feed_token(w.viewer)}/leader/{w.a.id}.ics"
    age_everything()  # nothing changed in the last two minutes (see the same-second test below)
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert first.headers["Cache-Control"] == "private, max-age=300"
    assert "Accept-Encoding" in first.headers["Vary"]
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('"f') and last_modified.endswith("GMT")
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.get_data() == b""
    assert not_modified.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"f1-nothing"'}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status_code == 200
    future = http_date(utcnow() + timedelta(days=1))
    assert client.get(url, headers={"If-Modified-Since": future}).status_code == 200  # invalid: ignored

    w.plain.title = "Họp về dự án Vành đai 4 (đổi tên)"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "đổi tên" in changed.get_data(as_text=True)


DIRECTORY_CHANGES = {
    # change: (feed, what the new body must say)
    "room_name": ("all", "Phòng họp Đông Kinh"),
    "room_building": ("all", "Nhà C\\, 79 Đinh Tiên Hoàng"),
    "person_name": ("all", "Đỗ Minh Đạt"),
    "person_title": ("all", "Phó Giám đốc Sở Đỗ Minh Đức"),
    "person_email": ("all", "mailto:duc.moi@sxd.hanoi.gov.vn"),
    "preparing_unit_name": ("all", "Đơn vị chuẩn bị: Sở Quy hoạch – Kiến trúc"),
    "attendee_unit_name": ("all", "Phường Ba Đình mới"),
    "bridge_point_unit_name": ("all", "Phường Ba Đình mới"),
    "leader_role": ("leader", "X-WR-CALNAME:Lịch công tác – Phó Chủ tịch Thường trực Nguyễn Văn An"),
}


def _apply_directory_change(change, w):
    if change == "room_name":
        w.r1.name = "Phòng họp Đông Kinh"
    elif change == "room_building":
        w.r1.building = "Nhà C, 79 Đinh Tiên Hoàng"
    elif change == "person_name":
        w.d.full_name = "Đỗ Minh Đạt"
    elif change == "person_title":
        w.d.title = "Phó Giám đốc Sở"
    elif change == "person_email":
        w.d.email = "duc.moi@sxd.hanoi.gov.vn"
    elif change == "preparing_unit_name":
        w.prep.name = "Sở Quy hoạch – Kiến trúc"
    elif change in ("attendee_unit_name", "bridge_point_unit_name"):
        w.ward.name = "Phường Ba Đình mới"
    elif change == "leader_role":
        w.a.leader_role = "standing_vice_chairman"
    else:
        raise AssertionError(change)


@pytest.mark.parametrize("change", ["attendee", "bridge_point", "cancel", "clearance", "new_meeting",
                                    *DIRECTORY_CHANGES])
def test_every_kind_of_change_changes_the_etag(change, client, feed_world, feed_token, create_meeting):
    """Whatever a feed writes, changing it gives a new ETag, and a plain GET then serves the new text
    (never the body cached under the old validator)."""
    from meetingsvc.meetings.models import Attendee
    from meetingsvc.online.models import BridgePoint

    w = feed_world
    token = feed_token(w.viewer)
    feed, expected = DIRECTORY_CHANGES.get(change, ("all", None))
    url = f"/feeds/{token}/all.ics" if feed == "all" else f"/feeds/{token}/leader/{w.a.id}.ics"
    if change == "bridge_point_unit_name":  # the ward is then only a bridge point, not an attendee
        db.session.execute(sa.delete(Attendee).where(Attendee.unit_id == w.ward.id))
        db.session.commit()
    before = client.get(url)
    etag = before.headers["ETag"]
    if expected is not None:
        assert expected not in before.get_data(as_text=True).replace("\r\n ", "")
    if change == "attendee":
        db.session.add(Attendee(meeting_id=w.plain.id, person_id=w.c.id))
    elif change == "bridge_point":
        db.session.add(BridgePoint(meeting_id=w.online.id, site_name="UBND phường Hoàn Kiếm"))
    elif change == "cancel":
        w.plain.status = "cancelled"
    elif change == "clearance":
        w.viewer.clearance = "mat"
    elif change == "new_meeting":
        create_meeting(chair_id=w.c.id, title="Cuộc họp mới")
    else:
        _apply_directory_change(change, w)
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    after = client.get(url)
    assert after.headers["ETag"] != etag
    if expected is not None:
        assert expected in after.get_data(as_text=True).replace("\r\n ", "")


@pytest.mark.parametrize("how", ["remove_points", "bulk_delete", "bulk_update", "bulk_update_by_id"])
def test_a_bridge_point_removed_or_renamed_in_bulk_changes_the_feed(how, client, feed_world, feed_token):
    """Statements run with session.execute (the online service removes points with one DELETE) bypass the
    flush: the meeting must still get a new updated_at, so that its feeds get new validators and new text."""
    from meetingsvc.online.models import BridgePoint
    from meetingsvc.online.services import remove_points

    w = feed_world
    url = f"/feeds/{feed_token(w.viewer)}/all.ics"
    age_everything()
    first = client.get(url)
    host = "Hội trường UBND Thành phố"
    assert host in first.get_data(as_text=True).replace("\r\n ", "")
    point_id = db.session.scalar(sa.select(BridgePoint.id).where(BridgePoint.site_name == host))
    if how == "remove_points":
        remove_points(w.online, [point_id], user=w.admin)
    elif how == "bulk_delete":
        db.session.execute(sa.delete(BridgePoint).where(BridgePoint.id == point_id))
    elif how == "bulk_update":
        db.session.execute(sa.update(BridgePoint).where(BridgePoint.id == point_id).values(site_name="Hội trường B"))
    else:
        db.session.execute(sa.update(BridgePoint), [{"id": point_id, "site_name": "Hội trường B"}])
    db.session.commit()
    for headers in ({"If-None-Match": first.headers["ETag"]}, {"If-Modified-Since": first.headers["Last-Modified"]}):
        assert client.get(url, headers=headers).status_code == 200
    after = client.get(url)
    assert after.headers["ETag"] != first.headers["ETag"]
    assert host not in after.get_data(as_text=True).replace("\r\n ", "")
    # Only the meeting of that point was touched.
    assert db.session.get(type(w.plain), w.plain.id).updated_at < utcnow() - timedelta(seconds=60)


@pytest.mark.parametrize("change", ["moved_to_another_leader", "made_internal", "renamed_room"])
def test_if_modified_since_is_not_answered_304_once_the_feed_changed(change, client, feed_world, feed_token):
    """Last-Modified moves when a meeting leaves a feed (which no aggregate of the feed's remaining meetings
    can see) and when the directory changes."""
    w = feed_world
    token = feed_token(w.viewer)
    feed = {"moved_to_another_leader": f"/feeds/{token}/leader/{w.a.id}.ics",
            "made_internal": "/feeds/public.ics",
            "renamed_room": f"/feeds/{token}/room/{w.r1.id}.ics"}[change]
    age_everything()
    first = client.get(feed)
    since = first.headers["Last-Modified"]
    assert client.get(feed, headers={"If-Modified-Since": since}).status_code == 304
    if change == "moved_to_another_leader":
        w.public.chair_id = w.c.id
    elif change == "made_internal":
        w.public.classification = "internal"
    else:
        w.r1.name = "Phòng họp Hồ Gươm"
    db.session.commit()
    answer = client.get(feed, headers={"If-Modified-Since": since})
    assert answer.status_code == 200
    assert w.public.title not in answer.get_data(as_text=True) or change == "renamed_room"
    assert parse_date(answer.headers["Last-Modified"]) >= parse_date(since)
    assert answer.headers["ETag"] != first.headers["ETag"]


def test_if_modified_since_is_not_answered_304_once_the_readers_account_changed(client, feed_world, feed_token):
    """Clearance decides what a private feed shows: an account changed through the app moves Last-Modified."""
    from meetingsvc.auth.admin_services import update_user, user_snapshot

    w = feed_world
    url = f"/feeds/{feed_token(w.viewer)}/leader/{w.c.id}.ics"
    age_everything()
    first = client.get(url)
    since = first.headers["Last-Modified"]
    assert "Bận" in first.get_data(as_text=True)
    assert client.get(url, headers={"If-Modified-Since": since}).status_code == 304
    update_user(w.viewer, {**user_snapshot(w.viewer), "clearance": "mat"}, w.admin)
    db.session.commit()
    answer = client.get(url, headers={"If-Modified-Since": since})
    assert answer.status_code == 200 and w.secret.title in answer.get_data(as_text=True).replace("\r\n ", "")


def test_a_body_served_in_the_second_of_its_newest_change_is_not_validated_by_date(client, feed_world,
                                                                                     feed_token):
    """HTTP dates have whole seconds: a body served in the same second as the newest change says it was
    modified a second earlier, so a second change in that same second can never be answered 304."""
    from meetingsvc.feeds.views import _last_modified_header

    w = feed_world
    url = f"/feeds/{feed_token(w.viewer)}/leader/{w.a.id}.ics"
    w.plain.title = "Đổi ngay trước khi đọc"
    db.session.commit()
    first = client.get(url)
    answer = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert answer.status_code == 200
    moment = utcnow().replace(microsecond=0)
    assert _last_modified_header(moment, moment + timedelta(milliseconds=400)) == http_date(moment - timedelta(seconds=1))
    assert _last_modified_header(moment, moment + timedelta(seconds=1)) == http_date(moment)
    assert _last_modified_header(moment + timedelta(seconds=30), moment) == http_date(moment - timedelta(seconds=1))


def test_etag_is_the_same_in_another_process_and_does_not_build_the_body(app, client, feed_world, feed_token,
                                                                         feed_cache):
    """The validator comes from the database alone: a fresh app (another process) derives the same one,
    and a 304 costs the token lookup and one aggregate query, never the feed's meetings."""
    from tests.conftest import make_app

    w = feed_world
    url = f"/feeds/{feed_token(w.viewer)}/leader/{w.a.id}.ics"
    etag = client.get(url).headers["ETag"]
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], FEEDS_CACHE_DIR=str(feed_cache.parent / "other"))
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    with other.app_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            response = other.test_client().get(url, headers={"If-None-Match": etag})
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 304
    assert len(statements) <= 2, statements
    assert not (feed_cache.parent / "other").exists()


def test_head_gives_headers_without_body(client, feed_world, feed_token):
    url = f"/feeds/{feed_token(feed_world.viewer)}/all.ics"
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert client.head(url, headers={"If-None-Match": get.headers["ETag"]}).status_code == 304


def test_gzip_when_the_client_accepts_it(client, feed_world, feed_token):
    url = f"/feeds/{feed_token(feed_world.viewer)}/all.ics"
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data())
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": packed.headers["ETag"]}).status_code == 304
    refused = client.get(url, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_a_cached_body_is_served_and_matches_a_fresh_build(client, feed_world, feed_token, feed_cache):
    w = feed_world
    url = f"/feeds/{feed_token(w.viewer)}/leader/{w.a.id}.ics"
    first = client.get(url).get_data()
    cached = list(feed_cache.glob("*.ics"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    assert client.get(url).get_data() == first


def test_public_feed_needs_no_login_and_is_publicly_cacheable(client, feed_world):
    response = client.get("/feeds/public.ics")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    text = response.get_data(as_text=True)
    assert feed_world.public.title in text
    assert feed_world.plain.title not in text  # internal
    assert "ORGANIZER" not in text and "mailto:" not in text


def test_a_feed_of_an_unknown_leader_room_or_unit_is_404_even_when_conditional(app, client, feed_world,
                                                                               feed_token):
    token = feed_token(feed_world.viewer)
    bad_path = f"/feeds/{'A' * 43}/room/999999.ics"
    bad_token = _comparable(app.test_client().get(bad_path), bad_path)
    paths = [f"{kind}/{ident}.ics" for kind in ("leader", "room", "unit") for ident in ("999999", "2147483648", "9" * 25)]
    for path in paths:  # ids no database holds too (SQLite overflows past 2**63, PostgreSQL's integers end at 2**31)
        for headers in ({}, {"If-None-Match": "*"}, {"If-Modified-Since": http_date(utcnow())},
                        {"If-None-Match": '"f2-anything"', "Accept-Encoding": "gzip"}):
            url = f"/feeds/{token}/{path}"
            answer = app.test_client().get(url, headers=headers)
            assert answer.status_code == 404, (path, headers)
            assert _comparable(answer, url) == bad_token  # no ETag, no Last-Modified: nothing tells them apart
        assert client.head(f"/feeds/{token}/{path}", headers={"If-None-Match": "*"}).status_code == 404


def test_meeting_download_needs_login_and_masks(client, feed_world):
    w = feed_world
    assert client.get(f"/feeds/meeting/{w.plain.id}.ics").status_code == 302
    login(client, w.viewer)
    masked = client.get(f"/feeds/meeting/{w.secret.id}.ics").get_data(as_text=True)
    assert "SUMMARY:Bận" in masked and w.secret.title not in masked and "CLASS:CONFIDENTIAL" in masked
    assert client.get("/feeds/meeting/999999.ics").status_code == 404
    assert client.get(f"/feeds/meeting/{'9' * 25}.ics").status_code == 404


def test_the_download_speaks_the_language_of_the_page_it_was_taken_from(client, feed_world):
    """Subscribed feeds have no session and speak the account's language; the "Add to calendar" file is taken
    from a page, in the language the user chose for it."""
    w = feed_world
    login(client, w.viewer)
    assert "Chủ trì: " in client.get(f"/feeds/meeting/{w.plain.id}.ics").get_data(as_text=True)
    client.post("/language/en", data={"next": f"/meetings/{w.plain.id}"})
    english = client.get(f"/feeds/meeting/{w.plain.id}.ics").get_data(as_text=True)
    assert "Chair: " in english and "Chủ trì: " not in english
    assert "SUMMARY:Busy" in client.get(f"/feeds/meeting/{w.secret.id}.ics").get_data(as_text=True)


def test_meeting_page_links_the_download(client, feed_world):
    login(client, feed_world.viewer)
    page = client.get(f"/meetings/{feed_world.plain.id}").get_data(as_text=True)
    assert f"/feeds/meeting/{feed_world.plain.id}.ics" in page
    assert "Thêm vào lịch (.ics)" in page


def test_subscription_page_lists_feeds_with_webcal_https_and_qr(client, feed_world):
    w = feed_world
    login(client, w.user_d)
    page = client.get("/feeds").get_data(as_text=True)
    assert "Tạo liên kết lịch của tôi" in page and "/feeds/public.ics" in page
    client.post("/feeds/token")
    page = client.get(f"/feeds?unit={w.ward.id}").get_data(as_text=True)
    feeds = services.feeds_for(w.user_d, "http://localhost", unit_ids=[w.ward.id])
    for group in ("personal", "leaders", "rooms", "units"):
        for feed in feeds[group]:
            assert feed["url"] in page and feed["webcal_url"] in page
    assert feeds["personal"][0]["kind"] == "mine"
    assert {f["subject_id"] for f in feeds["units"]} == {w.prep.id, w.ward.id}  # own unit and the chosen one
    assert page.count("<svg") >= len(feeds["leaders"]) + len(feeds["rooms"])
    assert "Lịch công tác – Chủ tịch Nguyễn Văn An" in page
    assert "cdn" not in page.lower()
    for unknown in ("999999", "9" * 30, "-3", "abc"):  # no such unit: the page without it, never an error
        answer = client.get(f"/feeds?unit={unknown}")
        assert answer.status_code == 200 and "/unit/999999.ics" not in answer.get_data(as_text=True)


def test_api_lists_the_callers_feeds_for_session_and_bearer_clients(client, feed_world):
    from meetingsvc.auth.services import create_api_token

    w = feed_world
    _row, api_token = create_api_token(w.viewer, "integration")
    db.session.commit()
    bearer = {"Authorization": f"Bearer {api_token}"}
    listing = client.get("/api/v1/feeds", headers=bearer).get_json()
    assert listing["has_token"] is False and [f["kind"] for f in listing["feeds"]] == ["public"]
    created = client.post("/api/v1/feeds/token", headers=bearer)
    assert created.status_code == 201
    listing = client.get("/api/v1/feeds", headers=bearer).get_json()
    kinds = [f["kind"] for f in listing["feeds"]]
    assert "all" in kinds and "leader" in kinds and "room" in kinds
    leader_feed = next(f for f in listing["feeds"] if f["kind"] == "leader" and f["subject_id"] == w.a.id)
    assert leader_feed["webcal_url"].startswith("webcal://")
    assert client.get(leader_feed["url"].replace("http://localhost", "")).status_code == 200
    revoked = client.delete("/api/v1/feeds/token", headers=bearer).get_json()
    assert revoked["revoked"] == 1 and revoked["has_token"] is False
    assert client.get(leader_feed["url"].replace("http://localhost", "")).status_code == 404
    login(client, w.viewer)
    assert client.get("/api/v1/feeds").status_code == 200
    assert "/feeds" in client.get("/api/v1/openapi.json").get_json()["paths"]


def test_token_actions_are_audited(client, feed_world):
    from meetingsvc.core.audit import AuditEntry

    login(client, feed_world.viewer)
    client.post("/feeds/token")
    client.post("/feeds/token/revoke")
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["feed_token_issue", "feed_token_revoke"]


def test_old_cache_files_are_pruned(client, feed_world, feed_token, feed_cache):
    import os

    url = f"/feeds/{feed_token(feed_world.viewer)}/all.ics"
    client.get(url)
    stale = feed_cache / "f1-stale.ics"
    stale.write_bytes(b"x")
    old = (utcnow() - timedelta(days=3)).timestamp()
    os.utime(stale, (old, old))
    os.utime(feed_cache / ".pruned", (old, old))
    feed_world.plain.title = "Đổi để có validator mới"
    db.session.commit()
    client.get(url)
    assert not stale.exists()


def test_feed_tokens_are_refused_with_a_secret_key_too_short_for_128_bits(app, feed_world):
    """A token is as unpredictable as the key it is derived from: outside tests a short key is refused."""
    import secrets

    key, testing = app.config["SECRET_KEY"], app.config["TESTING"]
    app.config["TESTING"] = False
    try:
        app.config["SECRET_KEY"] = "x" * (services.MIN_SECRET_KEY_LENGTH - 1)
        with pytest.raises(RuntimeError, match="SECRET_KEY is too short"):
            services.issue_token(feed_world.viewer)
        db.session.rollback()
        app.config["SECRET_KEY"] = secrets.token_hex(32)
        row, token = services.issue_token(feed_world.viewer)
        db.session.commit()
        assert len(token) == 43 and services.token_owner(token)[0] == row.id
    finally:
        app.config["SECRET_KEY"], app.config["TESTING"] = key, testing
        db.session.rollback()


def test_test_apps_cache_feed_bodies_outside_the_checkout(database_url):
    """Every app the tests make writes its feed cache into a temporary folder, never into instance/."""
    from pathlib import Path

    from tests.conftest import make_app

    checkout = Path(__file__).resolve().parents[2]
    other = make_app(database_url)
    with other.app_context():
        folder = services.cache_dir().resolve()
        db.engine.dispose()
    assert checkout not in folder.parents and folder != checkout
