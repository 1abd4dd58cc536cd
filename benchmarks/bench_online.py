"""Server time of an online conference with 600 bridge points (a city's wards and communes), SQLite and PostgreSQL.

Builds its own databases (a temporary SQLite file; a uniquely named PostgreSQL database, dropped at the end),
fills them with a city directory (30 former district-level units, 600 wards/communes valid from 1/7/2025,
20 departments), 200 other online meetings with 40 bridge points each, and one conference whose 600 bridge
points are added with the bulk "all wards and communes" selection. Then, in-process with the Flask test
client, signed in as a secretary, it times the server's share of each request (a WSGI middleware around the
app: routing, the view, the database, rendering; not the test client building a 600-field form body):

  open      GET  /online/meetings/<id>              the link, the 600 points with their check forms, totals
  record    GET  /online/meetings/<id>/attendance   the participants page (600 inputs, totals)
  save      POST /online/meetings/<id>/attendance   actual participants for all 600 points (every one changes)
  upload    POST /online/meetings/<id>/attendance/upload   the same from a 600-row XLSX file
  api       GET  /api/v1/meetings/<id>/endpoints     the list with totals as JSON
  totals    online.services.totals_for_meetings for the week's 50 meetings (one aggregate query)

Run: .venv/bin/python -m benchmarks online   (MEETINGSVC_BENCH_POSTGRES_URL overrides the server address)
"""

import io
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
COMMUNES, DISTRICTS, DEPARTMENTS = 600, 30, 20
OTHER_MEETINGS, OTHER_POINTS = 200, 40
REQUESTS = int(os.environ.get("MEETINGSVC_BENCH_ONLINE_REQUESTS", "30"))
LIMIT_MS = 200
PASSWORD = "bench-password-1"
DAY = date(2026, 11, 18)


def _app(url, sqlite_serialized):
    from meetingsvc import create_app

    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SQLITE_SERIALIZED_WRITES": sqlite_serialized,
    })


def _seed(app) -> int:
    from meetingsvc.auth.services import create_user
    from meetingsvc.core.time import local_to_utc, parse_hhmm
    from meetingsvc.directory.models import Unit
    from meetingsvc.extensions import db
    from meetingsvc.meetings.models import Meeting
    from meetingsvc.online import services
    from meetingsvc.online.models import BridgePoint

    with app.app_context():
        units = [{"id": 1, "code": "HN", "name": "Thành phố Hà Nội", "kind": "city", "search_text": "ha noi"}]
        units += [{"id": 100 + i, "code": f"Q{i:02d}", "name": f"Quận/huyện {i}", "kind": "district", "parent_id": 1,
                   "valid_to": date(2025, 6, 30), "sort_order": i, "search_text": f"quan huyen {i}"}
                  for i in range(1, DISTRICTS + 1)]
        units += [{"id": 1000 + i, "code": f"X{i:03d}", "name": f"{'Phường' if i % 3 else 'Xã'} số {i}",
                   "kind": "ward" if i % 3 else "commune", "parent_id": 1, "valid_from": date(2025, 7, 1),
                   "sort_order": i, "search_text": f"xa phuong so {i}"} for i in range(1, COMMUNES + 1)]
        units += [{"id": 5000 + i, "code": f"S{i:02d}", "name": f"Sở số {i}", "kind": "department", "parent_id": 1,
                   "sort_order": i, "search_text": f"so {i}"} for i in range(1, DEPARTMENTS + 1)]
        db.session.execute(sa.insert(Unit), units)
        create_user("bench-secretary", PASSWORD, role="secretary")

        def meeting_row(mid, day, title):
            return {"id": mid, "title": title, "kind": "online_conference", "mode": "online", "status": "held",
                    "start_at": local_to_utc(day, parse_hhmm("08:00")), "end_at": local_to_utc(day, parse_hhmm("11:00")),
                    "day_part": "morning", "classification": "internal", "search_text": title}

        rows = [meeting_row(1, DAY, "Hội nghị trực tuyến toàn thành phố")]
        rows += [meeting_row(1 + i, DAY + timedelta(days=i % 90 - 45), f"Hội nghị trực tuyến số {i}")
                 for i in range(1, OTHER_MEETINGS + 1)]
        db.session.execute(sa.insert(Meeting), rows)
        db.session.execute(sa.insert(BridgePoint), [
            {"meeting_id": 1 + i, "unit_id": 1001 + (i * 7 + k) % COMMUNES, "planned_participants": 25,
             "actual_participants": 20 + k % 7, "sort_order": k}
            for i in range(1, OTHER_MEETINGS + 1) for k in range(OTHER_POINTS)])
        if db.engine.dialect.name == "postgresql":
            for table in ("units", "meetings", "bridge_points"):
                db.session.execute(sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        db.session.commit()
        meeting = db.session.get(Meeting, 1)
        services.add_point(meeting, {"site_name": "Trụ sở UBND Thành phố", "is_host": True, "planned_participants": 120})
        result = services.add_points_bulk(meeting, kind="commune", planned_participants=30)
        assert len(result.added) == COMMUNES, len(result.added)
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
        return meeting.id


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._hit)

    def _hit(self, *args):
        self.count += 1


def _stats(times):
    times = sorted(times)
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


class ServerTimer:
    """WSGI middleware: the time the app spends on a request, without the test client's own work (building a
    600-field form body, reading the response)."""

    def __init__(self, wsgi_app):
        self.wsgi_app, self.last_ms, self.last_cpu_ms = wsgi_app, None, None

    def __call__(self, environ, start_response):
        started, cpu = time.perf_counter(), time.thread_time()
        body = list(self.wsgi_app(environ, start_response))
        self.last_ms = (time.perf_counter() - started) * 1000
        self.last_cpu_ms = (time.thread_time() - cpu) * 1000
        return body


def _time(timer, call, expect, n=REQUESTS, warmup=3):
    for i in range(warmup):
        assert call(-1 - i).status_code == expect
    times, cpu = [], []
    for i in range(n):
        response = call(i)
        times.append(timer.last_ms)
        cpu.append(timer.last_cpu_ms)
        assert response.status_code == expect, (response.status_code, response.get_data(as_text=True)[:300])
    return (*_stats(times), statistics.median(cpu))


def _xlsx(codes, offset) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Mã đơn vị", "Số đại biểu thực tế"])
    for k, code in enumerate(codes):
        sheet.append([code, 10 + (k + offset) % 40])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(label, url, sqlite_serialized=False):
    from flask_migrate import upgrade

    from meetingsvc.directory.models import Unit
    from meetingsvc.extensions import db
    from meetingsvc.online import services
    from meetingsvc.online.models import BridgePoint

    app = _app(url, sqlite_serialized)
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    meeting_id = _seed(app)
    seeded = time.perf_counter() - started
    with app.app_context():
        point_ids = list(db.session.scalars(sa.select(BridgePoint.id).where(BridgePoint.meeting_id == meeting_id)))
        codes = list(db.session.scalars(sa.select(Unit.code).join(BridgePoint, BridgePoint.unit_id == Unit.id)
                                        .where(BridgePoint.meeting_id == meeting_id)))
        week_ids = [meeting_id] + list(range(2, 51))
    from meetingsvc import ready_to_serve

    ready_to_serve(app)  # as wsgi.py does for every serving process
    timer = app.wsgi_app = ServerTimer(app.wsgi_app)
    client = app.test_client()
    assert client.post("/login", data={"username": "bench-secretary", "password": PASSWORD}).status_code == 302
    base = f"/online/meetings/{meeting_id}"

    def save(i):
        return client.post(f"{base}/attendance", data={f"actual-{pid}": str(10 + (k + i) % 50 + (i % 2))
                                                       for k, pid in enumerate(point_ids)})

    uploads = [_xlsx(codes, i) for i in range(-3, REQUESTS)]

    def upload(i):
        return client.post(f"{base}/attendance/upload", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(uploads[i + 3]), "ket-qua.xlsx")})

    results = {
        "open": _time(timer, lambda i: client.get(base), 200),
        "record": _time(timer, lambda i: client.get(f"{base}/attendance"), 200),
        "save": _time(timer, save, 302),
        "upload": _time(timer, upload, 302, n=max(5, REQUESTS // 3)),
        "api": _time(timer, lambda i: client.get(f"/api/v1/meetings/{meeting_id}/endpoints"), 200),
    }
    with app.app_context():
        times = []
        for _ in range(REQUESTS + 3):
            started = time.perf_counter()
            totals = services.totals_for_meetings(week_ids)
            times.append((time.perf_counter() - started) * 1000)
        results["totals"] = (*_stats(times[3:]), None)
        assert totals[meeting_id].points == COMMUNES + 1
        page_size = len(client.get(base).data)
        queries = {}
        for name, call in (("open", lambda: client.get(base)), ("save", lambda: save(1000)),
                           ("record", lambda: client.get(f"{base}/attendance"))):
            with QueryCounter(db.engine) as counter:
                call()
            queries[name] = counter.count
        db.engine.dispose()
    print(f"{label}: {COMMUNES + 1} bridge points on the measured conference, "
          f"{OTHER_MEETINGS * OTHER_POINTS:,} on {OTHER_MEETINGS} others; seeded in {seeded:.1f} s; "
          f"online page {page_size / 1024:.0f} KiB")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"  (load average {load:.1f} on {os.cpu_count()} CPUs; 'cpu' is the request thread's CPU time, which"
          f" leaves out waiting for the machine and, on PostgreSQL, the server's own work)")
    for name, (median, p95, cpu) in results.items():
        flag = "" if p95 < LIMIT_MS else f"   OVER {LIMIT_MS} ms"
        extra = f"   {queries[name]} queries" if name in queries else ""
        cpu_text = f"   cpu {cpu:6.1f} ms" if cpu is not None else ""
        print(f"  {name:<7} median {median:7.1f} ms   p95 {p95:7.1f} ms{cpu_text}{extra}{flag}")
    return results


def main():
    with tempfile.TemporaryDirectory() as folder:
        run("SQLite", "sqlite:///" + str(Path(folder) / "bench_online.sqlite3"), sqlite_serialized=True)
    name = f"meetingsvc_bench_online_{uuid.uuid4().hex[:8]}"
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
