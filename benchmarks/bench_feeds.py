"""iCal feeds: cold generation speed, and requests per second under load against a real gunicorn.

1. Cold generation: the "everything" feed of 5,000 meetings (a year of them, with attendees, co-chairs,
   online meetings with bridge points and classified ones), built from the database with a fresh session
   each round, on SQLite and PostgreSQL. Target: at least 10,000 events/s.
2. Under load: gunicorn (several sync workers) on the SQLite database, loaded with wrk (or with threads
   if wrk is missing) over loopback, in rounds; each round measures /healthz, a 304 answer to a
   conditional GET of a leader's feed, and the full body of that unchanged feed (~300 events in a year),
   and reports their requests/s as ratios to /healthz of the same round. Targets: 304 >= 0.5, full >= 0.3.

Run: .venv/bin/python -m benchmarks feeds
     (MEETINGSVC_BENCH_POSTGRES_URL overrides the PostgreSQL server; MEETINGSVC_BENCH_FEEDS_ROUNDS the rounds)
"""

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("MEETINGSVC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROUNDS = int(os.environ.get("MEETINGSVC_BENCH_FEEDS_ROUNDS", "5"))
MEETINGS = 5000
DAYS = 365
SLOTS = [("08:00", "09:30"), ("10:00", "11:30"), ("14:00", "15:30"), ("16:00", "17:30")]
LEADERS, UNITS, PEOPLE, ROOMS = 20, 40, 300, 6
BENCH_LEADER = 1
WORKERS = int(os.environ.get("MEETINGSVC_BENCH_FEEDS_WORKERS", "4"))
LOAD_SECONDS = int(os.environ.get("MEETINGSVC_BENCH_FEEDS_SECONDS", "4"))
CONNECTIONS = 16
SECRET_KEY = "bench-feeds-secret-" + "0123456789abcdef" * 3  # long enough for feed tokens (>= 32 characters)


def _app(url, **extra):
    from meetingsvc import create_app

    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SQLITE_SERIALIZED_WRITES": False, **extra,
    })


def _seed(app):
    """A year of 5,000 meetings; leader 1 chairs about 300 of them. Returns (admin id, viewer id)."""
    from meetingsvc.auth.services import create_user
    from meetingsvc.core.time import local_to_utc, local_today, parse_hhmm
    from meetingsvc.directory.models import Person, Room, Unit
    from meetingsvc.extensions import db
    from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader
    from meetingsvc.online.models import BridgePoint

    with app.app_context():
        db.session.execute(sa.insert(Unit), [
            {"id": i, "code": f"U{i:03d}", "name": f"Ủy ban nhân dân phường số {i}", "kind": "ward",
             "search_text": f"ubnd phuong {i}", "sort_order": i} for i in range(1, UNITS + 1)])
        db.session.execute(sa.insert(Person), [
            {"id": i, "full_name": f"Nguyễn Văn Lãnh Đạo {i}", "title": "Phó Chủ tịch UBND Thành phố",
             "is_leader": True, "leader_role": "vice_chairman", "leader_rank": i, "unit_id": 1,
             "email": f"ld{i}@hanoi.gov.vn", "search_text": f"lanh dao {i}"} for i in range(1, LEADERS + 1)] + [
            {"id": i, "full_name": f"Trần Thị Chuyên Viên {i}", "title": "Chuyên viên", "is_leader": False,
             "unit_id": 1 + i % UNITS, "email": f"cv{i}@hanoi.gov.vn" if i % 2 else None,
             "search_text": f"chuyen vien {i}"} for i in range(LEADERS + 1, LEADERS + PEOPLE + 1)])
        db.session.execute(sa.insert(Room), [
            {"id": i, "name": f"Phòng họp số {i}", "building": "Trụ sở UBND, 12 Lê Lai", "capacity": 40,
             "equipment": [], "search_text": f"phong hop {i}"} for i in range(1, ROOMS + 1)])
        admin = create_user("bench-admin", "bench-password-1", role="admin")
        viewer = create_user("bench-viewer", "bench-password-1", role="viewer")
        db.session.commit()

        first_day = local_today() - timedelta(days=30)
        now = datetime.now(UTC)
        meetings, leaders, attendees, points = [], [], [], []
        meeting_id = 0
        for lane in range(4):
            for day_index in range(DAYS):
                for slot, (start, end) in enumerate(SLOTS):
                    if meeting_id >= MEETINGS:
                        break
                    meeting_id += 1
                    day = first_day + timedelta(days=day_index)
                    combo = day_index * len(SLOTS) + slot
                    chair = BENCH_LEADER if lane == 0 and combo % 5 == 0 else 2 + (lane * 5 + combo) % (LEADERS - 1)
                    online = meeting_id % 10 == 0
                    start_at = local_to_utc(day, parse_hhmm(start))
                    meetings.append({
                        "id": meeting_id, "kind": "online_conference" if online else "work_resolution",
                        "title": f"Họp giải quyết công việc số {meeting_id} về tiến độ dự án hạ tầng giao thông",
                        "status": "held" if start_at < now else ("cancelled" if meeting_id % 97 == 0 else "scheduled"),
                        "start_at": start_at, "end_at": local_to_utc(day, parse_hhmm(end)),
                        "day_part": "morning" if slot < 2 else "afternoon",
                        "classification": "mat" if meeting_id % 25 == 0 else "internal",
                        "mode": "online" if online else "in_person", "chair_id": chair,
                        "room_id": None if online else 1 + lane, "preparing_unit_id": 1 + meeting_id % UNITS,
                        "agenda": "1. Báo cáo tiến độ; 2. Thảo luận, kiến nghị; 3. Kết luận của lãnh đạo",
                        "join_url": f"https://meet.hanoi.gov.vn/{meeting_id}" if online else "",
                        "online_provider": "Hệ thống họp trực tuyến Thành phố" if online else "",
                        "sequence": meeting_id % 3, "updated_at": now - timedelta(hours=meeting_id % 500),
                        "created_at": now - timedelta(days=40),
                    })
                    if meeting_id % 4 == 0:
                        leaders.append({"meeting_id": meeting_id, "person_id": 2 + (chair + 7) % (LEADERS - 1),
                                        "role": "co_chair"})
                    for k in range(2):
                        attendees.append({"meeting_id": meeting_id,
                                          "person_id": LEADERS + 1 + (meeting_id * 2 + k) % PEOPLE})
                    attendees.append({"meeting_id": meeting_id, "unit_id": 1 + (meeting_id * 3) % UNITS})
                    if online:
                        points.append({"meeting_id": meeting_id, "site_name": "Hội trường UBND Thành phố",
                                       "is_host": True})
                        points += [{"meeting_id": meeting_id, "unit_id": 1 + (meeting_id + k) % UNITS,
                                    "sort_order": k + 1} for k in range(4)]
        for table, rows in ((Meeting, meetings), (MeetingLeader, leaders), (Attendee, attendees),
                            (BridgePoint, points)):
            for start in range(0, len(rows), 1000):
                db.session.execute(sa.insert(table), rows[start:start + 1000])
        db.session.commit()
        return admin.id, viewer.id


def _migrate(app):
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _cold_generation(app, admin_id) -> dict:
    from meetingsvc import ready_to_serve
    from meetingsvc.auth.models import User
    from meetingsvc.extensions import db
    from meetingsvc.feeds import services

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would have: without statistics the attendees' query runs as 5,000 index probes.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
    ready_to_serve(app)  # as wsgi.py does for every serving process (templates compiled, heap frozen)
    timings, events = [], 0
    for _ in range(ROUNDS):
        with app.test_request_context("/"):
            db.session.remove()
            user = db.session.get(User, admin_id)
            spec = services.FeedSpec("all", None, user)
            started = time.perf_counter()
            body = services.build_feed(spec, "https://lich.hanoi.gov.vn")
            timings.append(time.perf_counter() - started)
            events = body.count(b"BEGIN:VEVENT")
            db.session.remove()
    median = statistics.median(timings)
    return {"events": events, "median_s": median, "events_per_s": events / median, "bytes": len(body)}


# ---- load against gunicorn ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url, process, timeout=180.0):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
        try:
            if requests.get(url + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not come up")


def _wrk(url, headers) -> float:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{LOAD_SECONDS}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, timeout=LOAD_SECONDS + 30, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} error answers\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def _threads(url, headers) -> float:
    """Fallback load generator: CONNECTIONS threads with keep-alive sessions (client-bound: prefer wrk)."""
    import requests

    stop = time.monotonic() + LOAD_SECONDS
    counts = [0] * CONNECTIONS

    def run(i):
        with requests.Session() as session:
            while time.monotonic() < stop:
                response = session.get(url, headers=headers)
                assert response.status_code in (200, 304), response.status_code
                counts[i] += 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(CONNECTIONS)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return sum(counts) / LOAD_SECONDS


def _load(url, headers=None) -> float:
    return (_wrk if shutil.which("wrk") else _threads)(url, headers or {})


def _under_load(database_url, viewer_id, cache_dir) -> dict:
    import requests

    from meetingsvc.auth.models import User
    from meetingsvc.extensions import db
    from meetingsvc.feeds import services

    app = _app(database_url)
    with app.app_context():
        _row, token = services.issue_token(db.session.get(User, viewer_id))
        db.session.commit()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, MEETINGSVC_DATABASE_URL=database_url, MEETINGSVC_SECRET_KEY=SECRET_KEY,
               MEETINGSVC_FEEDS_CACHE_DIR=str(cache_dir), MEETINGSVC_PUBLIC_BASE_URL="https://lich.hanoi.gov.vn")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_up(base, process)
        feed_url = f"{base}/feeds/{token}/leader/{BENCH_LEADER}.ics"
        first = requests.get(feed_url, timeout=30)
        first.raise_for_status()
        events = first.content.count(b"BEGIN:VEVENT")
        etag = first.headers["ETag"]
        for _ in range(WORKERS * 2):  # warm every worker (imports, templates, connections)
            requests.get(base + "/healthz", timeout=5)
            requests.get(feed_url, timeout=30)
        rounds = []
        for _ in range(ROUNDS):
            health = _load(base + "/healthz")
            not_modified = _load(feed_url, {"If-None-Match": etag})
            full = _load(feed_url)
            rounds.append({"healthz": health, "304": not_modified, "full": full,
                           "ratio_304": not_modified / health, "ratio_full": full / health})
        return {"events": events, "bytes": len(first.content), "rounds": rounds,
                "tool": "wrk" if shutil.which("wrk") else "threads+requests",
                **{key: statistics.median(r[key] for r in rounds)
                   for key in ("healthz", "304", "full", "ratio_304", "ratio_full")}}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def main():
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        sqlite_url = "sqlite:///" + str(Path(tmp) / "feeds.sqlite3")
        app = _app(sqlite_url, FEEDS_CACHE_DIR=str(Path(tmp) / "cache"))
        _migrate(app)
        admin_id, viewer_id = _seed(app)
        results["sqlite"] = _cold_generation(app, admin_id)
        print(f"cold generation, SQLite: {results['sqlite']['events']} events in "
              f"{results['sqlite']['median_s'] * 1000:.0f} ms (median of {ROUNDS}) = "
              f"{results['sqlite']['events_per_s']:,.0f} events/s (target >= 10,000)", flush=True)

        name = f"meetingsvc_bench_feeds_{uuid.uuid4().hex[:8]}"
        try:
            with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as exc:
            print(f"PostgreSQL unreachable ({exc}): cold generation measured on SQLite only")
        else:
            try:
                pg_url = sa.engine.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=name)
                pg_app = _app(pg_url.render_as_string(hide_password=False))
                _migrate(pg_app)
                pg_admin, _pg_viewer = _seed(pg_app)
                results["postgres"] = _cold_generation(pg_app, pg_admin)
                print(f"cold generation, PostgreSQL: {results['postgres']['events']} events in "
                      f"{results['postgres']['median_s'] * 1000:.0f} ms = "
                      f"{results['postgres']['events_per_s']:,.0f} events/s", flush=True)
                with pg_app.app_context():
                    from meetingsvc.extensions import db

                    db.engine.dispose()
            finally:
                with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        with app.app_context():
            from meetingsvc.extensions import db

            db.engine.dispose()
        load = _under_load(sqlite_url, viewer_id, Path(tmp) / "served-cache")
        results["load"] = load
        print(f"under load (gunicorn {WORKERS} workers, SQLite, {load['tool']}, {CONNECTIONS} connections, "
              f"{LOAD_SECONDS:g}s x {ROUNDS} rounds; leader feed of {load['events']} events, {load['bytes']:,} bytes):")
        for index, r in enumerate(load["rounds"], 1):
            print(f"  round {index}: healthz {r['healthz']:,.0f}/s, 304 {r['304']:,.0f}/s "
                  f"({r['ratio_304']:.2f}), full {r['full']:,.0f}/s ({r['ratio_full']:.2f})")
        print(f"  median: healthz {load['healthz']:,.0f}/s; 304 {load['304']:,.0f}/s = {load['ratio_304']:.2f} "
              f"(target >= 0.5); full body {load['full']:,.0f}/s = {load['ratio_full']:.2f} (target >= 0.3)")
    return results


if __name__ == "__main__":
    main()
