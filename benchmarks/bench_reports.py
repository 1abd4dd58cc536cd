"""A one-year report over ten years of meetings, on SQLite and PostgreSQL, at 1x, 10x (and 100x) the data.

1x = 10 years x 1,000 meetings, with on average 30 bridge points per meeting (half the meetings are online or
hybrid with 30-90 points each), i.e. 10,000 meetings and ~300,000 bridge points. The database is built by the
migrations, then bulk-loaded (SQLite: executemany in one transaction; PostgreSQL: COPY through psycopg), with
the real constraints, triggers and indexes in place. Then `build_report(year 2024)` runs RUNS times (after one
warm-up); the median and p95 are printed, and the ratio to 1x.

    .venv/bin/python -m benchmarks reports                       # 1x and 10x on both backends
    MEETINGSVC_BENCH_REPORTS_SCALES=1,10,100 MEETINGSVC_BENCH_REPORTS_BACKENDS=postgres .venv/bin/python -m benchmarks reports
"""

import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import psycopg
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("MEETINGSVC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
YEARS = range(2016, 2026)
PER_YEAR = 1000
CHAIRS = 30  # people who chair; the first 6 are the Chairman and Vice Chairmen
ROOMS = 30
UNITS = 40
RUNS = int(os.environ.get("MEETINGSVC_BENCH_REPORTS_RUNS", "7"))
KINDS = ["work_resolution", "briefing", "thematic", "technical", "conference", "online_conference", "review",
         "working_session", "field_trip", "citizen_reception", "coordination", "advisory"]
BATCH = 20000


def _meetings(scale: int):
    """Rows (id, …) for every meeting, and the bridge points, generated without any clash of chair or room.

    On day d the j-th meeting has chair and room (j + d) mod 30 and starts at 07:00 + 40 min x (j // 30) local,
    for 30 minutes: no two meetings of one day share a chair or a room in the same slot.
    """
    per_year = PER_YEAR * scale
    meeting_id = 0
    for year in YEARS:
        days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
        for n in range(per_year):
            day_index, j = n % days, n // days
            day = date(year, 1, 1) + timedelta(days=day_index)
            slot = j // CHAIRS
            local_start = datetime(day.year, day.month, day.day, 7, 0) + timedelta(minutes=40 * slot)
            start = (local_start - timedelta(hours=7)).replace(tzinfo=UTC)
            meeting_id += 1
            seat = (j + day_index) % CHAIRS
            kind = "pc_session" if day.day == 5 and j == 0 else KINDS[n % len(KINDS)]
            status = ("cancelled" if n % 20 == 7 else "postponed" if n % 33 == 5 else "draft" if n % 50 == 3
                      else "held")
            online = n % 2 == 0
            mode = ("online" if n % 4 == 0 else "hybrid") if online else "in_person"
            yield {
                "id": meeting_id, "title": f"Cuộc họp {meeting_id}", "kind": kind, "start_at": start,
                "end_at": start + timedelta(minutes=30), "day_part": "morning" if local_start.hour < 12 else "afternoon",
                "status": status, "mode": mode, "classification": "mat" if n % 40 == 1 else "internal",
                "chair_id": None if n % 10 == 9 else seat + 1, "room_id": None if online and n % 4 == 0 else seat + 1,
                "preparing_unit_id": n % UNITS + 1, "present_count": 20 if not online else None,
                "people_count": 30 if kind == "citizen_reception" else None, "is_relayed": n % 97 == 0,
                "is_foreign": kind == "working_session" and n % 3 == 0,
                "points": 30 + (n // 2) % 61 if online else 0,
            }


def _bridge_rows(meeting):
    for k in range(meeting["points"]):
        actual = None if k % 10 == 3 else 20 + k % 50
        yield (meeting["id"], f"Điểm cầu {k}", k == 0, 40, actual)


MEETING_COLUMNS = ("id", "title", "kind", "start_at", "end_at", "day_part", "status", "mode", "classification",
                   "chair_id", "room_id", "preparing_unit_id", "present_count", "people_count", "is_relayed",
                   "is_foreign", "created_at", "updated_at")
POINT_COLUMNS = ("meeting_id", "site_name", "is_host", "planned_participants", "actual_participants")


def _directory(conn, placeholder: str, now):
    """Units, people and rooms; `updated_at` is NOT NULL without a server default on PostgreSQL (the app sets it)."""
    roles = ["chairman", "standing_vice_chairman"] + ["vice_chairman"] * 4
    cur = conn.cursor()
    p = placeholder
    cur.executemany(f"INSERT INTO units (id, code, name, kind, updated_at) VALUES ({p}, {p}, {p}, {p}, {p})",
                    [(i, f"U{i:03d}", f"Sở {i}", "department", now) for i in range(1, UNITS + 1)])
    cur.executemany(
        f"INSERT INTO people (id, full_name, title, is_leader, leader_role, leader_rank, updated_at) "
        f"VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p})",
        [(i, f"Lãnh đạo {i}", "Lãnh đạo", i <= 6, roles[i - 1] if i <= 6 else None, (1 if i == 1 else 2) if i <= 6
          else None, now) for i in range(1, CHAIRS + 1)])
    cur.executemany(f"INSERT INTO rooms (id, name, capacity, equipment, updated_at) VALUES ({p}, {p}, {p}, {p}, {p})",
                    [(i, f"Phòng {i}", 40, "[]", now) for i in range(1, ROOMS + 1)])


def _sqlite_time(value: datetime) -> str:
    return value.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _load_sqlite(path: str, scale: int) -> tuple[int, int]:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    # The overlap triggers scan every earlier meeting of the room/chair (the index bounds start_at from above
    # only), which makes a bulk load quadratic; the generated data has no clash by construction, so they are
    # dropped for the load and created again, unchanged, before measuring.
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'meetings'"
                            ).fetchall()
    conn.execute("BEGIN")
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    now = _sqlite_time(datetime.now(UTC))
    _directory(conn, "?", now)
    meetings, points, leaders = [], [], []
    n_meetings = n_points = 0
    sql_m = f"INSERT INTO meetings ({', '.join(MEETING_COLUMNS)}) VALUES ({', '.join('?' * len(MEETING_COLUMNS))})"
    sql_p = f"INSERT INTO bridge_points ({', '.join(POINT_COLUMNS)}) VALUES (?, ?, ?, ?, ?)"
    for m in _meetings(scale):
        meetings.append(tuple(_sqlite_time(m[c]) if c in ("start_at", "end_at") else now if c.endswith("ed_at")
                              else m[c] for c in MEETING_COLUMNS))
        points.extend(_bridge_rows(m))
        if m["id"] % 20 == 0 and m["chair_id"] and m["chair_id"] > 6:
            leaders.append((m["id"], 1 + m["id"] % 6, "co_chair" if m["id"] % 40 == 0 else "attend"))
        if len(points) >= BATCH or len(meetings) >= BATCH:
            conn.executemany(sql_m, meetings)
            conn.executemany(sql_p, points)
            n_meetings, n_points = n_meetings + len(meetings), n_points + len(points)
            meetings, points = [], []
    conn.executemany(sql_m, meetings)
    conn.executemany(sql_p, points)
    conn.executemany("INSERT INTO meeting_leaders (meeting_id, person_id, role) VALUES (?, ?, ?)", leaders)
    for _name, sql in triggers:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return n_meetings + len(meetings), n_points + len(points)


def _load_postgres(url: str, scale: int) -> tuple[int, int]:
    n_meetings = n_points = 0
    now = datetime.now(UTC)
    with psycopg.connect(url) as conn:
        _directory(conn, "%s", now.replace(tzinfo=None))
        leaders = []
        with conn.cursor() as cur:
            with cur.copy(f"COPY meetings ({', '.join(MEETING_COLUMNS)}) FROM STDIN") as copy_m:
                points = []
                for m in _meetings(scale):
                    copy_m.write_row(tuple(m[c].replace(tzinfo=None) if c in ("start_at", "end_at")
                                           else now.replace(tzinfo=None) if c.endswith("ed_at") else m[c]
                                           for c in MEETING_COLUMNS))
                    n_meetings += 1
                    points.append(m)
                    if m["id"] % 20 == 0 and m["chair_id"] and m["chair_id"] > 6:
                        leaders.append((m["id"], 1 + m["id"] % 6, "co_chair" if m["id"] % 40 == 0 else "attend"))
            with cur.copy(f"COPY bridge_points ({', '.join(POINT_COLUMNS)}) FROM STDIN") as copy_p:
                for m in points:
                    for row in _bridge_rows(m):
                        copy_p.write_row(row)
                        n_points += 1
            cur.executemany("INSERT INTO meeting_leaders (meeting_id, person_id, role) VALUES (%s, %s, %s)", leaders)
            cur.execute("SELECT setval('meetings_id_seq', (SELECT max(id) FROM meetings))")
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return n_meetings, n_points


def _measure(url: str) -> dict:
    from flask_migrate import upgrade  # noqa: F401  (the schema is already there)

    from meetingsvc import create_app
    from meetingsvc.reports.periods import make_period
    from meetingsvc.reports.services import build_report

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SQLITE_SERIALIZED_WRITES": False})
    with app.app_context():
        period = make_period("year", 2024)
        report = build_report(period)  # warm-up
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            report = build_report(period)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        held = report.figures["held"].current
        participants = report.figures["participant_attendances"].current
    return {"median": statistics.median(times), "p95": times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))],
            "held": held, "participants": participants}


def _migrate(url: str) -> None:
    from flask_migrate import upgrade

    from meetingsvc import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SQLITE_SERIALIZED_WRITES": False})
    with app.app_context():
        upgrade()


def run(backend: str, scale: int) -> dict:
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench_reports_")
        path = os.path.join(folder, "bench.sqlite3")
        url = f"sqlite:///{path}"
        _migrate(url)
        started = time.perf_counter()
        meetings, points = _load_sqlite(path, scale)
        load = time.perf_counter() - started
        try:
            result = _measure(url)
        finally:
            for name in os.listdir(folder):
                os.remove(os.path.join(folder, name))
            os.rmdir(folder)
    else:
        name = f"meetingsvc_bench_reports_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = sa.engine.make_url(POSTGRES_URL)
        url = base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
        raw = base.set(database=name).render_as_string(hide_password=False)
        try:
            _migrate(url)
            started = time.perf_counter()
            meetings, points = _load_postgres(raw, scale)
            load = time.perf_counter() - started
            result = _measure(url)
        finally:
            sa.orm.close_all_sessions()
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    result.update(backend=backend, scale=scale, meetings=meetings, points=points, load_s=load)
    return result


def main():
    scales = [int(s) for s in os.environ.get("MEETINGSVC_BENCH_REPORTS_SCALES", "1,10").split(",")]
    backends = os.environ.get("MEETINGSVC_BENCH_REPORTS_BACKENDS", "sqlite,postgres").split(",")
    print(f"one-year report (2024) over {len(YEARS)} years; {RUNS} runs after a warm-up; target < 500 ms at 1x")
    print(f"{'backend':<9} {'scale':>5} {'meetings':>10} {'bridge pts':>11} {'load s':>8} {'median ms':>10} "
          f"{'p95 ms':>8} {'x 1x':>6}  held/participants in 2024")
    for backend in backends:
        base = None
        for scale in scales:
            r = run(backend, scale)
            base = base or r["median"]
            print(f"{backend:<9} {scale:>4}x {r['meetings']:>10,} {r['points']:>11,} {r['load_s']:>8.1f} "
                  f"{r['median']:>10.1f} {r['p95']:>8.1f} {r['median'] / base:>6.1f}  "
                  f"{r['held']:,} / {r['participants']:,}", flush=True)


if __name__ == "__main__":
    main()
