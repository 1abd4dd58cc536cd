"""THE proof that nothing is double-booked: many simultaneous requests at a real multi-process server.

A gunicorn with 4 workers serves the app against the test database (the same SQLite file, or the same
PostgreSQL database). 24 threads wait at a barrier and then POST overlapping bookings together: exactly one
gets 201, every other 409 naming the winner. Once for a room, once for a chair, once for a leader who chairs
some of the requests and co-chairs the others (no constraint in the schema: the leader's row lock does it).
"""

import os
import socket
import subprocess
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from meetingsvc.auth.services import create_api_token
from meetingsvc.extensions import db as _db
from tests.meetings.conftest import clear_day

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
REQUESTS = 24


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """One gunicorn for both tests of this module (its start is the slow part); stopped in a finally."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    port = _free_port()
    env = {**os.environ, "MEETINGSVC_DATABASE_URL": database_url, "MEETINGSVC_SECRET_KEY": "concurrency-test-" + "0" * 32,
           "PYTHONPATH": str(ROOT)}
    log = open(tmp_path / "gunicorn.log", "w+")
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "4", "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"gunicorn exited with {process.returncode}:\n{log.read()[-3000:]}")
            try:
                if requests.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer /healthz within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _fire(url, token, bodies):
    """POST every body at the same moment (a barrier releases all threads together)."""
    barrier = threading.Barrier(len(bodies))
    results = [None] * len(bodies)

    def post(i):
        barrier.wait()
        try:
            response = requests.post(f"{url}/api/v1/meetings", json=bodies[i], timeout=90,
                                     headers={"Authorization": f"Bearer {token}"})
            results[i] = (response.status_code, response.json())
        except Exception as exc:  # recorded, so that the assertion shows it
            results[i] = (None, repr(exc))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def _token(create_user):
    user = create_user(role="secretary")
    _token_row, secret = create_api_token(user)
    _db.session.commit()
    return secret


def _assert_one_winner(results):
    statuses = [status for status, _body in results]
    assert statuses.count(201) == 1, results
    assert statuses.count(409) == len(results) - 1, results
    winner = next(body for status, body in results if status == 201)
    for status, body in results:
        if status == 409:
            assert winner["id"] in [c["id"] for c in body["conflicts"]], body
            assert winner["title"] in body["message"]


def test_simultaneous_bookings_of_one_room_give_exactly_one_success(server, create_user, create_room, create_leader):
    room = create_room(name="Phòng họp số 1", capacity=50)
    chairs = [create_leader().id for _ in range(REQUESTS)]
    token = _token(create_user)
    day = clear_day(weeks_ahead=4)
    bodies = [{"title": f"Cuộc họp {i}", "date": day.isoformat(), "start": f"08:{i:02d}", "end": "10:00",
               "room_id": room.id, "chair_id": chairs[i], "accept_warnings": True} for i in range(REQUESTS)]
    _assert_one_winner(_fire(server, token, bodies))


def test_simultaneous_bookings_of_one_chair_give_exactly_one_success(server, create_user, create_room, create_leader):
    chair = create_leader(full_name="Chủ tịch Nguyễn Văn A")
    rooms = [create_room().id for _ in range(REQUESTS)]
    token = _token(create_user)
    day = clear_day(weeks_ahead=4) + timedelta(days=1)
    bodies = [{"title": f"Làm việc {i}", "date": day.isoformat(), "start": "14:00", "end": f"15:{i:02d}",
               "room_id": rooms[i], "chair_id": chair.id, "accept_warnings": True} for i in range(REQUESTS)]
    _assert_one_winner(_fire(server, token, bodies))


def test_simultaneous_bookings_of_one_co_chair_give_exactly_one_success(server, create_user, create_room,
                                                                        create_leader):
    leader = create_leader(full_name="Phó Chủ tịch Lê Hồng Sơn")
    chairs = [create_leader().id for _ in range(REQUESTS)]
    rooms = [create_room().id for _ in range(REQUESTS)]
    token = _token(create_user)
    day = clear_day(weeks_ahead=4) + timedelta(days=2)

    def body(i):
        roles = {"chair_id": leader.id} if i % 6 == 0 else {"chair_id": chairs[i], "co_chair_ids": [leader.id]}
        return {"title": f"Đồng chủ trì {i}", "date": day.isoformat(), "start": f"09:{i:02d}", "end": "11:00",
                "room_id": rooms[i], "accept_warnings": True, **roles}

    _assert_one_winner(_fire(server, token, [body(i) for i in range(REQUESTS)]))
