"""Helpers for tests: local times, logins, screenshots."""

import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

BACKEND = os.environ.get("MEETINGSVC_TEST_BACKEND", "sqlite")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "correct horse 42"


def at_local(day: date, hhmm: str) -> datetime:
    """A UTC instant for a local date and 'HH:MM' in Asia/Ho_Chi_Minh."""
    from meetingsvc.core.time import local_to_utc

    hour, minute = map(int, hhmm.split(":"))
    return local_to_utc(day, time(hour, minute))


def next_weekday(weekday: int = 1, weeks_ahead: int = 1) -> date:
    """A date `weeks_ahead` weeks from now on `weekday` (0 = Monday)."""
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks_ahead)
    return monday + timedelta(days=weekday)


def login(client, user, password=PASSWORD):
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{BACKEND}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def browser_login(page, user, password=PASSWORD):
    page.goto("/login")
    page.fill("#username", user.username)
    page.fill("#password", password)
    page.click("form:has(#username) button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
