"""Fixtures for the feed tests: a private cache folder, feed tokens, and ical.js (installed when missing)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from meetingsvc.extensions import db as _db

JS_DIR = Path(__file__).resolve().parents[1] / "js"


@pytest.fixture(autouse=True)
def feed_cache(app, tmp_path):
    """Each test gets its own feed cache folder (the cache is keyed by validator, but keep tests independent)."""
    before = app.config.get("FEEDS_CACHE_DIR")
    app.config["FEEDS_CACHE_DIR"] = str(tmp_path / "feed-cache")
    yield tmp_path / "feed-cache"
    app.config["FEEDS_CACHE_DIR"] = before


@pytest.fixture
def feed_token():
    """feed_token(user) -> the token string of a fresh feed token of `user`."""
    from meetingsvc.feeds.services import issue_token

    def make(user):
        _row, token = issue_token(user)
        _db.session.commit()
        return token

    return make


@pytest.fixture(scope="session")
def icaljs():
    """parse(path, window=None) -> what ical.js understood; installs tests/js/node_modules when missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the ical.js conformance tests need Node.js (apt-get install nodejs)")
    if not (JS_DIR / "node_modules" / "ical.js").exists():
        npm = shutil.which("npm") or pytest.fail("npm is missing: cannot install ical.js for the conformance tests")
        subprocess.run([npm, "ci", "--prefix", str(JS_DIR), "--no-audit", "--no-fund"], check=True, timeout=300)

    def parse(path, window=None):
        args = [node, str(JS_DIR / "parse.mjs"), str(path)]
        if window:
            args += [w.isoformat() for w in window]
        result = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    return parse


class World:
    """Names for the objects of `feed_world`."""


SECRET_TITLE = "ĐỀ ÁN PHÒNG THỦ XK-77 Tuyệt mật"
SECRET_PERSON = "Trần Bímật Kín"
SECRET_PLACE = "Hầm chỉ huy số 9"
SECRET_AGENDA = "Kế hoạch ZX-Omega"
SECRET_ROOM = "Phòng kín Omega-5"
PASSCODE = "Pz7-SECRET-31"


@pytest.fixture
def feed_world(create_unit, create_person, create_leader, create_room, create_meeting, create_series, create_user):
    """Leaders, rooms, units, users and next week's meetings of every kind a feed must handle."""
    from datetime import timedelta

    from meetingsvc.core.db import utcnow
    from meetingsvc.online.models import BridgePoint
    from tests.helpers import next_weekday

    w = World()
    w.prep = create_unit(name="Sở Xây dựng", code="SXD")
    w.ward = create_unit(name="Phường Ba Đình", code="PBD", kind="ward")
    w.a = create_leader(full_name="Nguyễn Văn An", leader_role="chairman", leader_rank=1, title="Chủ tịch UBND Thành phố",
                        email="an@hanoi.gov.vn")
    w.b = create_leader(full_name="Lê Thị Bình", email="binh@hanoi.gov.vn")
    w.c = create_leader(full_name="Phạm Văn Cường")
    w.d = create_person(full_name="Đỗ Minh Đức", email="duc@sxd.hanoi.gov.vn", unit_id=w.prep.id)
    w.secret_person = create_person(full_name=SECRET_PERSON, email="kin@hanoi.gov.vn")
    w.r1 = create_room(name="Phòng họp số 1", building="Trụ sở UBND, 12 Lê Lai")
    w.r2 = create_room(name=SECRET_ROOM, building="Khu B")
    monday = next_weekday(0)
    w.monday = monday
    day = lambda n: monday + timedelta(days=n)  # noqa: E731
    w.plain = create_meeting(
        day=day(0), start="08:00", end="10:00", chair_id=w.a.id, room_id=w.r1.id, preparing_unit_id=w.prep.id,
        title="Họp về dự án đường Vành đai 4 – vùng Thủ đô Hà Nội; tiến độ giải phóng mặt bằng, tái định cư",
        agenda="1. Báo cáo của Sở Xây dựng\n2. Thảo luận; kết luận, giao nhiệm vụ", attendee_people=[w.d],
        attendee_units=[w.ward], co_chairs=[w.b])
    w.online = create_meeting(
        day=day(1), start="14:00", end="16:00", chair_id=w.b.id, mode="online", kind="online_conference",
        title="Hội nghị trực tuyến triển khai chuyển đổi số", online_provider="Zoom",
        join_url=f"https://zoom.us/j/8812345?pwd={PASSCODE}&lang=vi", passcode=PASSCODE, online_meeting_code="881 2345")
    _db.session.add_all([BridgePoint(meeting_id=w.online.id, site_name="Hội trường UBND Thành phố", is_host=True),
                         BridgePoint(meeting_id=w.online.id, unit_id=w.ward.id, sort_order=1)])
    _db.session.commit()
    w.public = create_meeting(day=day(2), start="08:00", end="11:30", chair_id=w.a.id, classification="public",
                              kind="citizen_reception", title="Tiếp công dân định kỳ tháng 12")
    w.draft = create_meeting(day=day(3), start="08:00", end="09:00", chair_id=w.a.id, status="draft",
                             title="Dự thảo: họp bàn kế hoạch Tết")
    w.postponed = create_meeting(day=day(3), start="14:00", end="15:00", chair_id=w.b.id, status="postponed",
                                 status_reason="Lãnh đạo bận đột xuất", title="Họp về giá đất năm 2027")
    w.cancelled = create_meeting(day=day(4), start="08:00", end="09:00", chair_id=w.a.id, status="cancelled",
                                 title="Họp đã hủy gần đây")
    w.cancelled_old = create_meeting(day=day(4), start="14:00", end="15:00", chair_id=w.a.id, status="cancelled",
                                     title="Họp đã hủy từ lâu")
    w.cancelled_old.updated_at = utcnow() - timedelta(days=40)
    _db.session.commit()
    w.secret = create_meeting(
        day=day(0), start="14:00", end="16:00", chair_id=w.c.id, room_id=w.r2.id, classification="mat",
        title=SECRET_TITLE, agenda=SECRET_AGENDA, location=SECRET_PLACE, attendee_people=[w.secret_person],
        preparing_unit_id=w.ward.id)
    w.series, w.occurrences = create_series(
        "FREQ=WEEKLY;COUNT=5", day=day(2), start="14:00", end="15:00", chair_id=w.a.id, room_id=w.r1.id,
        title="Giao ban tuần của Thường trực UBND")
    second, third, fourth = w.occurrences[1], w.occurrences[2], w.occurrences[3]
    second.status = "cancelled"
    from tests.helpers import at_local

    third.start_at = at_local(day(16), "16:00")
    third.end_at = at_local(day(16), "17:30")
    third.title = "Giao ban tuần (dời giờ)"
    third.is_detached = True
    third.sequence = 1
    fourth.status = "postponed"
    _db.session.commit()

    w.viewer = create_user(role="viewer")
    w.secretary = create_user(role="secretary")
    w.admin = create_user(role="admin")
    w.user_c = create_user(role="leader", person_id=w.c.id)
    w.user_d = create_user(role="viewer", person_id=w.d.id)
    w.cleared = create_user(role="viewer", clearance="mat")
    return w
