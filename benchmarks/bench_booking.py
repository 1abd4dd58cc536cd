"""Latency of booking a meeting with all its conflict checks, with 1k, 10k and 100k meetings already stored.

Run: .venv/bin/python -m benchmarks booking   (or: make bench)

For each backend (SQLite temp file; a uniquely named PostgreSQL database, created and dropped here) the
schema is migrated, background meetings are bulk-inserted (spread over rooms, chairs and years so that the
database's own no-overlap guards hold; a co-chair and an invited person on most of them), then SAMPLES
meetings are booked one by one through meetings.services.create_meeting (validation, room and chair
refusal checks, every warning check, the insert with the database guard, the audit entry, the commit) and
through the API (POST /api/v1/meetings with a Bearer token, in-process client). Medians, p95 and the
growth from 1k to 100k are printed; docs/benchmarks.md records a run.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

SIZES = [int(s) for s in os.environ.get("MEETINGSVC_BENCH_BOOKING_SIZES", "1000,10000,100000").split(",")]
SAMPLES = int(os.environ.get("MEETINGSVC_BENCH_BOOKING_SAMPLES", "200"))
WARMUP = 10  # bookings through each path before each size's measurement
POSTGRES_URL = os.environ.get("MEETINGSVC_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOMS = 25
LEADERS = 25
PEOPLE = 300
SLOTS = [("08:00", "10:00"), ("10:00", "11:30"), ("14:00", "15:30"), ("15:30", "17:00")]
PER_DAY = ROOMS * len(SLOTS)
FIRST_DAY = date(2020, 1, 6)


def _pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _app(url):
    from meetingsvc import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                       "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "TESTING": False})


def _seed_directory(db):
    from meetingsvc.auth.services import create_api_token, create_user
    from meetingsvc.directory.models import Person, Room, Unit

    unit = Unit(code="BENCH", name="Sở thử nghiệm", kind="department")
    db.session.add(unit)
    db.session.flush()
    leaders = [Person(full_name=f"Lãnh đạo {i}", title="Phó Chủ tịch", is_leader=True, leader_role="vice_chairman",
                      leader_rank=2, unit_id=unit.id) for i in range(LEADERS)]
    people = [Person(full_name=f"Chuyên viên {i}", title="Chuyên viên", unit_id=unit.id) for i in range(PEOPLE)]
    rooms = [Room(name=f"Phòng {i}", capacity=40, equipment=[]) for i in range(ROOMS)]
    db.session.add_all(leaders + people + rooms)
    user = create_user("bench-secretary", "bench-password-1", role="secretary")
    db.session.flush()
    _token, secret = create_api_token(user)
    db.session.commit()
    return [p.id for p in leaders], [p.id for p in people], [r.id for r in rooms], user, secret, unit.id


def _fill(db, start_index, end_index, leaders, people, rooms):
    """Background meetings start_index..end_index-1, inserted latest first (the SQLite guard then scans little)."""
    from meetingsvc.core.time import local_to_utc
    from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader
    from meetingsvc.meetings.validation import parse_time

    db.session.commit()  # the session must not hold SQLite's write lock while the engine writes
    meetings, links, invited = [], [], []
    now = datetime.now(UTC)
    for k in range(end_index - 1, start_index - 1, -1):
        day = FIRST_DAY + timedelta(days=k // PER_DAY)
        slot = (k % PER_DAY) // ROOMS
        j = k % ROOMS
        start, end = SLOTS[slot]
        mid = 10_000_000 + k
        meetings.append({
            "id": mid, "title": f"Họp nền {k}", "kind": "work_resolution", "start_at": local_to_utc(day, parse_time(start)),
            "end_at": local_to_utc(day, parse_time(end)), "day_part": "morning" if slot < 2 else "afternoon",
            "status": "scheduled" if k % 10 else "held", "mode": "in_person", "classification": "internal",
            "is_urgent": False, "is_foreign": False, "chair_id": leaders[j], "room_id": rooms[j], "location": "",
            "agenda": "", "notes": "", "status_reason": "", "sequence": 0, "created_at": now, "updated_at": now,
            "search_text": f"hop nen {k}", "online_provider": "", "join_url": "", "online_meeting_code": "",
            "passcode": "", "dial_in": "", "is_relayed": False, "origin_network": "", "is_detached": False,
        })
        if k % 5:
            links.append({"meeting_id": mid, "person_id": leaders[(j + 7) % LEADERS], "role": "co_chair"})
        invited.append({"meeting_id": mid, "person_id": people[(k * 7) % PEOPLE], "role": "participant",
                        "response": "pending", "note": ""})
    with db.engine.begin() as conn:
        # The background rows are clash-free by construction; SQLite's guard triggers are set aside while
        # they are loaded (they would check 100k rows one by one) and put back before anything is measured.
        triggers = conn.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'meetings_%_no_overlap_%'"
        )).all() if conn.dialect.name == "sqlite" else []
        for name, _sql in triggers:
            conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
        for chunk in range(0, len(meetings), 5000):
            conn.execute(Meeting.__table__.insert(), meetings[chunk:chunk + 5000])
        for chunk in range(0, len(links), 5000):
            conn.execute(MeetingLeader.__table__.insert(), links[chunk:chunk + 5000])
        for chunk in range(0, len(invited), 5000):
            conn.execute(Attendee.__table__.insert(), invited[chunk:chunk + 5000])
        for _name, sql in triggers:
            conn.execute(sa.text(sql))
        if triggers:
            restored = conn.execute(sa.text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                                            "AND name LIKE 'meetings_%_no_overlap_%'")).scalar()
            assert restored == len(triggers) == 4, "the no-overlap triggers must be back before measuring"


def _booking(i, size, leaders, people, rooms, unit_id):
    """A meeting in the evening of a day in the middle of the stored years (its room and chair busy by day)."""
    day = FIRST_DAY + timedelta(days=(size // PER_DAY) // 2 + i)
    return {"title": f"Cuộc họp đo {i}", "kind": "work_resolution", "date": day.isoformat(), "start": "19:00",
            "end": "20:30", "room_id": rooms[i % ROOMS], "chair_id": leaders[i % LEADERS],
            "co_chair_ids": [leaders[(i + 3) % LEADERS]], "attendee_person_ids": [people[i % PEOPLE],
                                                                                  people[(i + 1) % PEOPLE]],
            "attendee_unit_ids": [unit_id], "preparing_unit_id": unit_id, "agenda": "Nội dung đo hiệu năng"}


def _measure(app, db, size, seeded):
    from meetingsvc import ready_to_serve
    from meetingsvc.meetings import services
    from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader

    leaders, people, rooms, user, secret, unit_id = seeded
    ready_to_serve(app)  # as wsgi.py does for every serving process
    service_times, api_times, cpu_times = [], [], []
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    # Warm-up, not measured: a serving process has compiled its statements and prepared them on the server
    # (psycopg prepares a statement on its fifth use) long before it books its thousandth meeting.
    for i in range(2 * SAMPLES, 2 * SAMPLES + WARMUP):
        services.create_meeting(_booking(i, size, leaders, people, rooms, unit_id), user, accept_warnings=True)
        body = {**_booking(i + WARMUP, size, leaders, people, rooms, unit_id), "accept_warnings": True}
        assert client.post("/api/v1/meetings", json=body, headers=headers).status_code == 201
    for i in range(SAMPLES):
        data = _booking(i, size, leaders, people, rooms, unit_id)
        t0, c0 = time.perf_counter(), time.process_time()
        services.create_meeting(data, user, accept_warnings=True)
        service_times.append((time.perf_counter() - t0) * 1000)
        cpu_times.append((time.process_time() - c0) * 1000)
    for i in range(SAMPLES, 2 * SAMPLES):
        body = {**_booking(i, size, leaders, people, rooms, unit_id), "accept_warnings": True}
        t0 = time.perf_counter()
        response = client.post("/api/v1/meetings", json=body, headers=headers)
        api_times.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 201:
            raise RuntimeError(f"API booking failed: {response.status_code} {response.get_json()}")
    # Take the measured meetings out again, so that every size measures the same situation.
    db.session.commit()
    with db.engine.begin() as conn:
        measured = sa.select(Meeting.id).where(Meeting.title.like("Cuộc họp đo %"))
        for table in (Attendee.__table__, MeetingLeader.__table__):
            conn.execute(sa.delete(table).where(table.c.meeting_id.in_(measured)))
        conn.execute(sa.text("DELETE FROM audit_entries"))
        conn.execute(sa.delete(Meeting.__table__).where(Meeting.__table__.c.id.in_(measured)))
    return service_times, api_times, cpu_times


def _run_backend(name, url):
    from flask_migrate import upgrade

    from meetingsvc.extensions import db

    app = _app(url)
    results = {}
    with app.app_context():
        upgrade()
        seeded = _seed_directory(db)
        stored = 0
        for size in SIZES:
            t0 = time.perf_counter()
            _fill(db, stored, size, *seeded[:3])
            stored = size
            if db.engine.dialect.name == "postgresql":
                # VACUUM too: a database that grew over years has been vacuumed (hint bits set, visibility map
                # current); otherwise autovacuum starts on the fresh rows in the middle of the measurement.
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.execute(sa.text("VACUUM ANALYZE"))
            else:
                with db.engine.begin() as conn:
                    conn.execute(sa.text("ANALYZE"))
            fill_s = time.perf_counter() - t0
            service_times, api_times, cpu_times = _measure(app, db, size, seeded)
            results[size] = (service_times, api_times)
            print(f"{name:10} {size:>7} meetings (filled in {fill_s:5.1f} s) | service median "
                  f"{statistics.median(service_times):6.2f} ms p95 {_pct(service_times, .95):6.2f} ms "
                  f"(this process's CPU median {statistics.median(cpu_times):5.2f} ms) | API median "
                  f"{statistics.median(api_times):6.2f} ms p95 {_pct(api_times, .95):6.2f} ms | load average "
                  f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
        db.session.remove()
        db.engine.dispose()
    first, last = SIZES[0], SIZES[-1]
    for label, index in (("service", 0), ("API", 1)):
        m0, m1 = statistics.median(results[first][index]), statistics.median(results[last][index])
        p0, p1 = _pct(results[first][index], .95), _pct(results[last][index], .95)
        print(f"{name:10} {label:7} growth {first} -> {last} meetings ({last // first}x data): median x{m1 / m0:.2f}, "
              f"p95 x{p1 / p0:.2f}", flush=True)
    return results


def main():
    print(f"booking latency: {SAMPLES} bookings per size through the service and {SAMPLES} through the API; "
          f"sizes {SIZES}; python {sys.version.split()[0]}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        _run_backend("sqlite", "sqlite:///" + os.path.join(tmp, "bench.sqlite3"))

    import psycopg

    name = f"meetingsvc_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"postgresql: skipped, {POSTGRES_URL} unreachable ({exc})")
        return
    try:
        url = sa.engine.make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=name)
        _run_backend("postgresql", url.render_as_string(hide_password=False))
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
