"""Fixtures: a migrated database on the chosen backend, an app, clients, factories, a live server and a browser.

Backend: MEETINGSVC_TEST_BACKEND=sqlite (default) or postgres. PostgreSQL comes from MEETINGSVC_TEST_POSTGRES_URL
(default postgresql://postgres@127.0.0.1:5432/postgres); each run creates its own uniquely named database and
drops it at the end.
"""

import os
import shutil
import threading
import uuid

import psycopg
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from meetingsvc import create_app
from meetingsvc.core.i18n import compile_catalogs
from meetingsvc.extensions import db as _db
from tests.helpers import BACKEND, PASSWORD, at_local, login, next_weekday

POSTGRES_URL = os.environ.get("MEETINGSVC_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("MEETINGSVC_CHROMIUM", "/usr/bin/chromium")


def _loud(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n{message}\n{bar}\n", flush=True)


def pytest_report_header(config):
    return f"meetingsvc backend: {BACKEND}"


def pytest_sessionstart(session):
    compile_catalogs()
    if BACKEND == "postgres":
        try:
            psycopg.connect(POSTGRES_URL, connect_timeout=3).close()
        except psycopg.OperationalError as exc:
            if IN_CI:
                pytest.exit(f"PostgreSQL unreachable at {POSTGRES_URL} with CI=true: {exc}", returncode=3)
            _loud(f"SKIPPING THE POSTGRESQL RUN: {POSTGRES_URL} is unreachable ({exc})")
            pytest.exit("PostgreSQL unreachable", returncode=0)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if BACKEND == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    name = f"meetingsvc_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = sa.engine.make_url(POSTGRES_URL)
    yield base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_app(database_url, **overrides):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "DISPLAY_TIMEZONE": "Asia/Ho_Chi_Minh",
        "BABEL_DEFAULT_LOCALE": "vi",
        "SQLITE_SERIALIZED_WRITES": False,
        # Fast hashing for the many accounts tests create; production keeps werkzeug's default (scrypt).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Feed bodies are cached outside the checkout (created only when a test serves a feed).
        "FEEDS_CACHE_DIR": os.path.join(os.environ.get("TMPDIR", "/tmp"), f"meetingsvc-feeds-{uuid.uuid4().hex[:12]}"),
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture(scope="session")
def app(database_url):
    from flask_migrate import upgrade

    application = make_app(database_url)
    with application.app_context():
        upgrade()
    return application


@pytest.fixture(autouse=True)
def db(app):
    """An app context per test; every table is emptied afterwards (works across processes, unlike a rollback)."""
    with app.app_context():
        yield _db
        _db.session.remove()
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as conn:
            for name in tables:
                conn.execute(sa.text(f"DELETE FROM {name}"))


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (own db session, g, locale), as in production.

    The test's session is committed before (so it holds no lock) and expired after (so it sees what the
    request wrote).
    """

    def open(self, *args, **kwargs):
        _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        _db.session.expire_all()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


# ---- factories ---------------------------------------------------------------------------------------------


@pytest.fixture
def create_unit():
    from meetingsvc.directory.models import Unit

    counter = iter(range(1, 100000))

    def make(**kw):
        n = next(counter)
        kw.setdefault("code", f"U{n:04d}")
        kw.setdefault("name", f"Sở thử nghiệm {n}")
        kw.setdefault("kind", "department")
        unit = Unit(**kw)
        _db.session.add(unit)
        _db.session.commit()
        return unit

    return make


@pytest.fixture
def create_person():
    from meetingsvc.directory.models import Person

    counter = iter(range(1, 100000))

    def make(**kw):
        n = next(counter)
        kw.setdefault("full_name", f"Nguyễn Văn {n}")
        kw.setdefault("title", "Chuyên viên")
        person = Person(**kw)
        _db.session.add(person)
        _db.session.commit()
        return person

    return make


@pytest.fixture
def create_leader(create_person):
    def make(**kw):
        kw.setdefault("title", "Phó Chủ tịch UBND Thành phố")
        kw.setdefault("is_leader", True)
        kw.setdefault("leader_role", "vice_chairman")
        kw.setdefault("leader_rank", 2)
        return create_person(**kw)

    return make


@pytest.fixture
def create_room():
    from meetingsvc.directory.models import Room

    counter = iter(range(1, 100000))

    def make(**kw):
        n = next(counter)
        kw.setdefault("name", f"Phòng họp {n}")
        kw.setdefault("building", "Trụ sở UBND, 12 Lê Lai")
        kw.setdefault("capacity", 40)
        kw.setdefault("equipment", ["projector"])
        room = Room(**kw)
        _db.session.add(room)
        _db.session.commit()
        return room

    return make


@pytest.fixture
def create_user():
    from meetingsvc.auth.services import create_user as make_user

    def make(username=None, role="secretary", **kw):
        user = make_user(username or f"{role}-{uuid.uuid4().hex[:6]}", kw.pop("password", PASSWORD), role=role, **kw)
        _db.session.commit()
        return user

    return make


@pytest.fixture
def create_meeting():
    """A meeting next week on Tuesday 08:00-10:00 local unless told otherwise; leaders via co_chairs=[...]."""
    from meetingsvc.core.time import to_local
    from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader

    def make(co_chairs=(), attending=(), attendee_people=(), attendee_units=(), **kw):
        day = kw.pop("day", None) or next_weekday(1)
        kw.setdefault("start_at", at_local(day, kw.pop("start", "08:00")))
        kw.setdefault("end_at", at_local(day, kw.pop("end", "10:00")))
        kw.setdefault("title", "Họp giải quyết công việc")
        kw.setdefault("kind", "work_resolution")
        kw.setdefault("status", "scheduled")
        kw.setdefault("day_part", "morning" if to_local(kw["start_at"]).hour < 12 else "afternoon")
        meeting = Meeting(**kw)
        meeting.leaders = [MeetingLeader(person_id=p.id, role="co_chair") for p in co_chairs] + [
            MeetingLeader(person_id=p.id, role="attend") for p in attending
        ]
        meeting.attendees = [Attendee(person_id=p.id) for p in attendee_people] + [
            Attendee(unit_id=u.id) for u in attendee_units
        ]
        _db.session.add(meeting)
        _db.session.commit()
        return meeting

    return make


@pytest.fixture
def create_series(create_meeting):
    """A recurring series: create_series("FREQ=WEEKLY;COUNT=4", day=..., start=..., end=..., **meeting fields).

    Returns (series, occurrences); every occurrence is a Meeting row with original_start_at set.
    """
    from meetingsvc.meetings.models import MeetingSeries
    from meetingsvc.meetings.recurrence import occurrence_starts

    def make(rrule, **kw):
        first = create_meeting(**kw)
        duration = first.end_at - first.start_at
        series = MeetingSeries(rrule=rrule, first_start_at=first.start_at)
        _db.session.add(series)
        _db.session.flush()
        first.series_id, first.original_start_at = series.id, first.start_at
        occurrences = [first]
        fields = {k: v for k, v in kw.items() if k not in ("day", "start", "end", "start_at", "end_at")}
        for start in occurrence_starts(rrule, first.start_at)[1:]:
            occurrences.append(create_meeting(start_at=start, end_at=start + duration, series_id=series.id,
                                              original_start_at=start, **fields))
        _db.session.commit()
        return series, occurrences

    return make


@pytest.fixture
def login_as(client, create_user):
    """Sign the test client in with a new account of `role`; returns the user."""

    def do(role="secretary", **kw):
        user = create_user(role=role, **kw)
        login(client, user)
        return user

    return do


# ---- live server and browser -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app, database_url):
    """The app served over HTTP in a thread, with CSRF protection on, against the test database."""
    served = make_app(database_url, TESTING=False, WTF_CSRF_ENABLED=True, SQLITE_SERIALIZED_WRITES=True)
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true): browser tests cannot run")
        _loud(f"SKIPPING BROWSER TESTS: no Chromium at {CHROMIUM} (install the Debian package 'chromium')")
        pytest.skip("no Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    context.close()
