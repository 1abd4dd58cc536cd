"""A classified meeting never leaks: not through any feed, page or API answer a non-cleared user or the
public can reach. Positive controls make sure the meeting is really there for those who may see it."""

from datetime import timedelta

import pytest

from meetingsvc.core.time import local_today
from meetingsvc.extensions import db
from tests.feeds.conftest import SECRET_AGENDA, SECRET_PERSON, SECRET_PLACE, SECRET_TITLE
from tests.feeds.helpers import build, events, utc
from tests.helpers import at_local, login

SECRETS = [SECRET_TITLE, SECRET_PERSON, SECRET_PLACE, SECRET_AGENDA, "kin@hanoi.gov.vn", "XK-77", "ZX-Omega"]
# The attendee is a person of the directory: directory pages and people pickers (forms for new things) list
# people, which is no leak of the meeting.
PEOPLE = {SECRET_PERSON, "kin@hanoi.gov.vn"}
DIRECTORY_PREFIXES = ("/directory", "/users", "/api/v1/people", "/api/v1/units", "/api/v1/rooms", "/api/v1/groups")


def _unfolded(body: bytes) -> str:
    return body.replace(b"\r\n ", b"").decode("utf-8", "replace")


def _assert_clean(text: str, where: str, *, directory=False):
    found = [s for s in SECRETS if s.lower() in text.lower() and not (directory and s in PEOPLE)]
    assert not found, f"{where} leaks {found}"


@pytest.fixture
def secret_today(feed_world, create_meeting):
    """A second copy of the classified meeting today, so that today's and this week's pages show it."""
    w = feed_world
    today = local_today()
    return create_meeting(start_at=at_local(today, "20:00"), end_at=at_local(today, "21:00"), chair_id=w.c.id,
                          classification="tuyet_mat", title=SECRET_TITLE, agenda=SECRET_AGENDA,
                          location=SECRET_PLACE, attendee_people=[w.secret_person], day_part="evening")


def test_masked_in_every_feed_of_a_user_not_cleared(feed_world, secret_today):
    """Busy time in leaders' feeds, the room's feed and "everything"; left out of a unit's feed altogether
    (who is invited is neither the unit's business nor the reader's)."""
    w = feed_world
    for kind, subject in (("leader", w.c.id), ("room", w.r2.id), ("unit", w.ward.id), ("all", None), ("mine", None)):
        for user in (w.viewer, w.secretary, w.admin, w.user_d):
            body = build(kind, user, subject)
            _assert_clean(_unfolded(body), f"{kind} feed of {user.role}")
            if kind == "mine":
                continue
            busy = [e for e in events(body) if utc(e["DTSTART"]) == w.secret.start_at]
            if kind == "unit":
                assert not busy, f"the unit feed of {user.role} holds the classified meeting"
                assert f"meeting-{w.secret.id}@".encode() not in body
                continue
            assert len(busy) == 1, f"{kind}: the busy time must be there"
            [event] = busy
            assert str(event["SUMMARY"]) == "Bận"
            assert str(event["CLASS"]) == "CONFIDENTIAL" and str(event["TRANSP"]) == "OPAQUE"
            for absent in ("LOCATION", "DESCRIPTION", "ATTENDEE", "ORGANIZER", "URL", "CATEGORIES", "CONFERENCE"):
                assert absent not in event, f"{kind} feed of {user.role} has {absent}"


def test_never_in_the_public_feed(feed_world, secret_today):
    w = feed_world
    w.secret.classification = "mat"
    db.session.commit()
    body = build("public")
    _assert_clean(_unfolded(body), "public feed")
    assert all(utc(e["DTSTART"]) != w.secret.start_at for e in events(body))
    assert f"meeting-{w.secret.id}@".encode() not in body


def test_those_cleared_or_involved_see_it(feed_world, secret_today):
    w = feed_world
    secret_today.classification = "mat"
    db.session.commit()
    for user in (w.cleared, w.user_c):
        text = _unfolded(build("leader", user, w.c.id))
        for expected in (SECRET_TITLE, SECRET_PLACE, SECRET_PERSON, SECRET_AGENDA, "Phòng kín Omega-5\\, Khu B"):
            assert expected in text
        text = _unfolded(build("unit", user, w.ward.id))  # the ward prepares the first copy (in room Omega-5)
        for expected in (SECRET_TITLE, SECRET_PERSON, SECRET_AGENDA, "Phòng kín Omega-5\\, Khu B"):
            assert expected in text
    assert SECRET_TITLE in _unfolded(build("mine", w.user_c))


def test_a_unit_feed_validator_does_not_move_with_a_meeting_the_reader_may_not_see(feed_world):
    """Not even the ETag says that something the reader may not see changed in the unit's meetings."""
    from meetingsvc.feeds import services

    w = feed_world
    base = "https://lich.hanoi.gov.vn"
    spec = services.FeedSpec("unit", w.ward.id, w.viewer)
    before = services.validator(spec, base)
    cleared = services.validator(services.FeedSpec("unit", w.ward.id, w.cleared), base)
    w.secret.agenda = "Kế hoạch mới"
    db.session.commit()
    assert services.validator(spec, base).etag == before.etag
    assert services.validator(services.FeedSpec("unit", w.ward.id, w.cleared), base).etag != cleared.etag


def _fill(rule, values):
    missing = set(rule.arguments) - set(values)
    if missing:
        return None
    return rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1]


@pytest.mark.parametrize("who", ["anonymous", "viewer", "admin"])
def test_no_page_feed_or_api_answer_leaks(who, app, client, feed_world, secret_today, feed_token):
    """Walk every GET route of the app (with the secret meeting's ids, and with search/week parameters)."""
    w = feed_world
    user = {"viewer": w.viewer, "admin": w.admin}.get(who)
    token = feed_token(user or w.viewer)
    if user is not None:
        login(client, user)
    next_monday = w.monday.isoformat()
    values = {"meeting_id": w.secret.id, "person_id": w.c.id, "room_id": w.r2.id, "unit_id": w.ward.id,
              "token": token, "filename": "app.css", "code": "vi", "point_id": 1, "series_id": w.series.id,
              "day": next_monday, "week": next_monday, "year": w.monday.year}
    queries = ["", f"?q=PH%C3%92NG+TH%E1%BB%A6&week={next_monday}&day={next_monday}&date={next_monday}&start={next_monday}"
                   f"&from={next_monday}&to={(w.monday + timedelta(days=6)).isoformat()}&meeting_id={w.secret.id}"]
    fetched = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout"):
            continue
        path = _fill(rule, values)
        if path is None:
            continue
        for query in queries:
            response = client.get(path + query)
            if response.status_code >= 400 or response.status_code == 302:
                continue
            fetched += 1
            body = response.get_data()
            text = _unfolded(body) if response.mimetype == "text/calendar" else body.decode("utf-8", "replace")
            _assert_clean(text, f"{who}: {rule.endpoint} {path + query}", directory=path.startswith(DIRECTORY_PREFIXES) or path.endswith("/new"))
    assert fetched >= (5 if who == "anonymous" else 15)
