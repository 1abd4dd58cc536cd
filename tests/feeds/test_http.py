"""Feeds over HTTP: tokens, conditional requests, HEAD, gzip, caching headers, the page and the API."""

import gzip
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from meetingsvc.core.db import utcnow
from meetingsvc.extensions import db
from meetingsvc.feeds import services
from meetingsvc.feeds.models import FeedToken
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

    w.plain.title = "Họp về dự án Vành đai 4 (đổi tên)"
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "đổi tên" in changed.get_data(as_text=True)


@pytest.mark.parametrize("change", ["attendee", "bridge_point", "cancel", "clearance", "new_meeting"])
def test_every_kind_of_change_changes_the_etag(change, client, feed_world, feed_token, create_meeting):
    from meetingsvc.meetings.models import Attendee
    from meetingsvc.online.models import BridgePoint

    w = feed_world
    url = f"/feeds/{feed_token(w.viewer)}/all.ics"
    etag = client.get(url).headers["ETag"]
    if change == "attendee":
        db.session.add(Attendee(meeting_id=w.plain.id, person_id=w.c.id))
    elif change == "bridge_point":
        db.session.add(BridgePoint(meeting_id=w.online.id, site_name="UBND phường Hoàn Kiếm"))
    elif change == "cancel":
        w.plain.status = "cancelled"
    elif change == "clearance":
        w.viewer.clearance = "mat"
    else:
        create_meeting(chair_id=w.c.id, title="Cuộc họp mới")
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


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


def test_a_feed_of_an_unknown_leader_room_or_unit_is_404(client, feed_world, feed_token):
    token = feed_token(feed_world.viewer)
    for path in ("leader/999999.ics", "room/999999.ics", "unit/999999.ics"):
        assert client.get(f"/feeds/{token}/{path}").status_code == 404


def test_meeting_download_needs_login_and_masks(client, feed_world):
    w = feed_world
    assert client.get(f"/feeds/meeting/{w.plain.id}.ics").status_code == 302
    login(client, w.viewer)
    masked = client.get(f"/feeds/meeting/{w.secret.id}.ics").get_data(as_text=True)
    assert "SUMMARY:Bận" in masked and w.secret.title not in masked and "CLASS:CONFIDENTIAL" in masked
    assert client.get("/feeds/meeting/999999.ics").status_code == 404


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
