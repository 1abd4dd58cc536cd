"""Server time of the weekly schedule page with 300 meetings in the week, on SQLite and PostgreSQL.

Builds its own databases (a temporary SQLite file; a uniquely named PostgreSQL database, dropped at the end),
fills them with 300 meetings in the measured week and BACKGROUND_WEEKS other weeks of the same density (with
leaders, attendees, units and some classified meetings), then times GET /meetings/week in-process with the
Flask test client: the live draft and the published version, signed in as a secretary.

Run: .venv/bin/python -m benchmarks week   (MEETINGSVC_BENCH_POSTGRES_URL overrides the server address)
"""

import os
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("MEETINGSVC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PER_WEEK = 300
BACKGROUND_WEEKS = int(os.environ.get("MEETINGSVC_BENCH_WEEK_BACKGROUND", "60"))
REQUESTS = 30
ROOMS, LEADERS, UNITS, PEOPLE = 30, 30, 60, 300
PASSWORD = "bench-password-1"
MONDAY = date(2026, 11, 23)


def _app(url):
    from meetingsvc import create_app

    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SQLITE_SERIALIZED_WRITES": False,
    })


def _seed(app):
    """Directory, a secretary, and PER_WEEK meetings in each of the measured week and the background weeks."""
    from meetingsvc.auth.services import create_user
    from meetingsvc.core.time import local_to_utc, parse_hhmm
    from meetingsvc.directory.models import Person, Room, Unit
    from meetingsvc.extensions import db
    from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader

    with app.app_context():
        db.session.execute(sa.insert(Unit), [
            {"id": i, "code": f"U{i:03d}", "name": f"Sở ngành số {i}", "kind": "department",
             "search_text": f"so nganh so {i}", "sort_order": i} for i in range(1, UNITS + 1)])
        db.session.execute(sa.insert(Person), [
            {"id": i, "full_name": f"Lãnh đạo {i}", "title": "Phó Chủ tịch UBND Thành phố", "is_leader": True,
             "leader_role": "vice_chairman", "leader_rank": i, "unit_id": 1, "search_text": f"lanh dao {i}"}
            for i in range(1, LEADERS + 1)] + [
            {"id": i, "full_name": f"Chuyên viên {i}", "title": "Chuyên viên", "is_leader": False,
             "unit_id": 1 + i % UNITS, "search_text": f"chuyen vien {i}"}
            for i in range(LEADERS + 1, LEADERS + PEOPLE + 1)])
        db.session.execute(sa.insert(Room), [
            {"id": i, "name": f"Phòng họp {i}", "building": "Trụ sở UBND", "capacity": 30 + i, "equipment": [],
             "search_text": f"phong hop {i}"} for i in range(1, ROOMS + 1)])
        create_user("bench-secretary", PASSWORD, role="secretary")
        db.session.commit()

        starts = [("08:00", "10:00"), ("14:00", "16:00")]
        weeks = [MONDAY] + [MONDAY + timedelta(weeks=w) for w in range(-BACKGROUND_WEEKS // 2, BACKGROUND_WEEKS // 2 + 1)
                            if w != 0][:BACKGROUND_WEEKS]
        meeting_id = 0
        for monday in weeks:
            meetings, leaders, attendees = [], [], []
            for i in range(PER_WEEK):
                day = monday + timedelta(days=(i // (ROOMS * 2)) % 5)
                room = 1 + i % ROOMS
                start, end = starts[(i // ROOMS) % 2]
                meeting_id += 1
                classification = "mat" if i % 20 == 0 else ("public" if i % 3 == 0 else "internal")
                title = f"Họp giải quyết công việc số {meeting_id} về dự án hạ tầng"
                meetings.append({
                    "id": meeting_id, "title": title, "kind": "work_resolution", "status": "scheduled",
                    "start_at": local_to_utc(day, parse_hhmm(start)), "end_at": local_to_utc(day, parse_hhmm(end)),
                    "day_part": "morning" if start < "12" else "afternoon", "classification": classification,
                    "chair_id": room, "room_id": room, "preparing_unit_id": 1 + i % UNITS,
                    "agenda": "Nghe báo cáo tiến độ, tháo gỡ vướng mắc giải phóng mặt bằng.",
                    "search_text": f"hop giai quyet cong viec so {meeting_id}",
                })
                leaders.append({"meeting_id": meeting_id, "person_id": 1 + (room + 7) % LEADERS, "role": "attend"})
                for k in range(3):
                    attendees.append({"meeting_id": meeting_id, "person_id": LEADERS + 1 + (i * 3 + k) % PEOPLE})
                for k in range(2):
                    attendees.append({"meeting_id": meeting_id, "unit_id": 1 + (i + 11 * k) % UNITS})
            db.session.execute(sa.insert(Meeting), meetings)
            db.session.execute(sa.insert(MeetingLeader), leaders)
            db.session.execute(sa.insert(Attendee), attendees)
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("units", "people", "rooms", "meetings", "attendees"):
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
            db.session.commit()
        return meeting_id


def _measure(client, url):
    """Median and p95 of wall time, and median CPU time of this process (less sensitive to a busy machine;
    it leaves out the PostgreSQL server's own work), in ms; and the rows the page showed."""
    for _ in range(3):  # warm up: templates compiled, connections open
        assert client.get(url).status_code == 200
    wall, cpu = [], []
    for _ in range(REQUESTS):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    body = response.get_data(as_text=True)
    rows = body.count('<tr class="entry') or body.count('class="room-block')
    wall.sort()
    return statistics.median(wall), wall[int(len(wall) * 0.95) - 1], statistics.median(cpu), rows


def _database_size(app, url):
    from meetingsvc.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            return db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
        db.session.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        path = Path(sa.engine.make_url(url).database)
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def run(label, url):
    from flask_migrate import upgrade

    from meetingsvc import ready_to_serve
    from meetingsvc.extensions import db
    from meetingsvc.meetings.schedule import publish_week

    app = _app(url)
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    total = _seed(app)
    seeded = time.perf_counter() - started
    with app.app_context():
        publish_week(MONDAY)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    size = _database_size(app, url)
    client = app.test_client()
    response = client.post("/login", data={"username": "bench-secretary", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    ready_to_serve(app)  # as wsgi.py does for every serving process
    results = {}
    for version in ("draft", "published"):
        results[version] = _measure(client, f"/meetings/week?date={MONDAY}&version={version}")
    results["public"] = _measure(app.test_client(), f"/schedule/public?date={MONDAY}")
    results["rooms"] = _measure(client, f"/meetings/rooms?date={MONDAY}&span=week")
    with app.app_context():
        db.engine.dispose()
    print(f"{label}: {total:,} meetings in the database ({PER_WEEK} in the week), {size / 1e6:.1f} MB, "
          f"seeded in {seeded:.1f} s")
    for version, (median, p95, cpu, rows) in results.items():
        print(f"  week page {version:<9} median {median:6.1f} ms   p95 {p95:6.1f} ms   "
              f"CPU median {cpu:6.1f} ms   rows {rows}")
    return results


def main():
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", "sqlite:///" + str(Path(folder) / "bench_week.sqlite3"))
    name = f"meetingsvc_bench_week_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL: skipped, {POSTGRES_URL} unreachable ({exc})")
        return
    try:
        url = sa.engine.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=name)
        run("PostgreSQL", url.render_as_string(hide_password=False))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
