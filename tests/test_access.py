"""Walk every route with every role and assert who may open it.

Every endpoint of the app must be listed in an ACCESS table (a new route without an entry fails the test),
with the roles that may use it; "public" means no login is needed. The core table is below; each domain
adds its own in tests/<domain>/access.py (ACCESS = {...}, and optionally url_values(getfixture) -> dict for
the URL parameters its routes need). Only GET is walked here; each domain's tests check its POST rules.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest

from tests.helpers import login

ROLES = ["admin", "secretary", "technician", "leader", "viewer"]
EVERYONE = set(ROLES)
PUBLIC = "public"

# endpoint -> set of roles allowed (GET), or PUBLIC
ACCESS = {
    "static": PUBLIC,
    "core.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": EVERYONE,
    "auth.set_language": PUBLIC,
    "core.dashboard": EVERYONE,
    "meetings.detail": EVERYONE,
    "api.openapi_json": PUBLIC,
}

DOMAIN_ACCESS = []
for _info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    _module_path = Path(__file__).parent / _info.name / "access.py"
    if _info.ispkg and _module_path.exists():
        DOMAIN_ACCESS.append(importlib.import_module(f"tests.{_info.name}.access"))
        ACCESS.update(DOMAIN_ACCESS[-1].ACCESS)


@pytest.fixture
def objects(request, create_meeting, create_room, create_unit, create_person):
    unit = create_unit()
    person = create_person(unit_id=unit.id)
    room = create_room()
    meeting = create_meeting(room_id=room.id, classification="internal")
    values = {"meeting_id": meeting.id, "unit_id": unit.id, "person_id": person.id, "room_id": room.id,
              "filename": "app.css", "code": "vi"}
    for module in DOMAIN_ACCESS:
        if hasattr(module, "url_values"):
            values.update(module.url_values(request.getfixturevalue))
    return values


def _get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods]


def test_every_endpoint_has_an_access_rule(app):
    unlisted = sorted({r.endpoint for r in app.url_map.iter_rules()} - set(ACCESS))
    assert not unlisted, f"add these endpoints to ACCESS in {__file__}: {unlisted}"


@pytest.mark.parametrize("role", ROLES + ["anonymous"])
def test_each_role_gets_the_expected_status(role, app, client, create_user, objects):
    if role != "anonymous":
        login(client, create_user(role=role))
    failures = []
    for rule in _get_rules(app):
        allowed = ACCESS.get(rule.endpoint)
        if allowed is None:
            continue
        values = {arg: objects[arg] for arg in rule.arguments if arg in objects}
        if set(rule.arguments) - set(values):
            failures.append(f"{rule.endpoint}: no value for {set(rule.arguments) - set(values)}")
            continue
        url = rule.build(values, append_unknown=False)[1]
        status = client.get(url).status_code
        if allowed == PUBLIC or (role != "anonymous" and role in allowed):
            ok = status < 400 or status in (404, 405) and rule.endpoint == "auth.set_language"
        elif role == "anonymous":
            ok = status in (302, 401, 404)
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{rule.endpoint} {url}: {status}")
    assert not failures, failures
