"""Every kind of feed read by three independent parsers (icalendar, vobject, ical.js), which must agree
with each other and with the database on the events, their instants and the occurrences of series."""

from datetime import UTC, timedelta

import pytest
import recurring_ical_events
import vobject
from icalendar import Calendar

from meetingsvc.core.time import local_today
from meetingsvc.feeds import services
from tests.helpers import login


def _iso(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _feeds(w, token_of):
    return {
        "leader": (f"/feeds/{token_of(w.viewer)}/leader/{w.a.id}.ics", w.viewer, "leader", w.a.id),
        "room": (f"/feeds/{token_of(w.viewer)}/room/{w.r1.id}.ics", w.viewer, "room", w.r1.id),
        "unit": (f"/feeds/{token_of(w.admin)}/unit/{w.ward.id}.ics", w.admin, "unit", w.ward.id),
        "mine": (f"/feeds/{token_of(w.user_c)}/mine.ics", w.user_c, "mine", None),
        "all": (f"/feeds/{token_of(w.secretary)}/all.ics", w.secretary, "all", None),
        "public": ("/feeds/public.ics", None, "public", None),
    }


def _icalendar_events(body):
    out = set()
    for e in Calendar.from_ical(body).walk("VEVENT"):
        rid = _iso(e["RECURRENCE-ID"].dt) if "RECURRENCE-ID" in e else None
        out.add((str(e["UID"]), rid, _iso(e["DTSTART"].dt), _iso(e["DTEND"].dt), str(e["SUMMARY"]), str(e["STATUS"])))
    return out


def _vobject_events(body):
    cal = vobject.readOne(body.decode("utf-8"))
    out = set()
    for e in cal.vevent_list:
        rid = _iso(e.recurrence_id.value) if hasattr(e, "recurrence_id") else None
        out.add((e.uid.value, rid, _iso(e.dtstart.value), _iso(e.dtend.value), e.summary.value, e.status.value))
    return out


def _icaljs_events(parsed):
    return {(e["uid"], e["recurrenceId"], e["start"], e["end"], e["summary"], e["status"]) for e in parsed["events"]}


def _expected_occurrences(spec):
    """What the database says the feed's occurrences are (series rows that are cancelled are EXDATEs)."""
    meetings = services.load_meetings(services.meeting_conditions(spec, local_today()))
    return sorted((_iso(m.start_at), _iso(m.end_at)) for m in meetings if not (m.series_id and m.status == "cancelled"))


@pytest.mark.parametrize("kind", ["leader", "room", "unit", "mine", "all", "public"])
def test_three_parsers_agree_on_every_kind_of_feed(kind, feed_world, feed_token, client, icaljs, tmp_path):
    w = feed_world
    tokens = {}

    def token_of(user):
        if user.id not in tokens:
            tokens[user.id] = feed_token(user)
        return tokens[user.id]

    path, user, feed_kind, subject = _feeds(w, token_of)[kind]
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_data()
    ics = tmp_path / f"{kind}.ics"
    ics.write_bytes(body)
    window = (w.monday - timedelta(days=7), w.monday + timedelta(days=70))
    window_utc = tuple(services.local_day_bounds(d)[0] for d in window)
    parsed = icaljs(ics, window_utc)

    from_icalendar, from_vobject, from_icaljs = _icalendar_events(body), _vobject_events(body), _icaljs_events(parsed)
    assert from_icalendar, "the feed should not be empty"
    assert from_icalendar == from_vobject == from_icaljs

    cal = Calendar.from_ical(body)
    python_occurrences = sorted(
        (str(o["UID"]), _iso(o["DTSTART"].dt), _iso(o["DTEND"].dt), str(o["SUMMARY"]))
        for o in recurring_ical_events.of(cal).between(*window_utc))
    js_occurrences = sorted((o["uid"], o["start"], o["end"], o["summary"]) for o in parsed["occurrences"])
    assert python_occurrences == js_occurrences
    spec = services.FeedSpec(feed_kind, subject, user)
    assert sorted((start, end) for _uid, start, end, _summary in python_occurrences) == _expected_occurrences(spec)
    assert parsed["calendar"]["method"] == "PUBLISH"
    assert parsed["calendar"]["timezones"] == ["Asia/Ho_Chi_Minh"]


def test_series_occurrences_agree_between_recurring_ical_events_and_icaljs(feed_world, feed_token, client, icaljs,
                                                                         tmp_path):
    w = feed_world
    body = client.get(f"/feeds/{feed_token(w.viewer)}/room/{w.r1.id}.ics").get_data()
    (tmp_path / "room.ics").write_bytes(body)
    window = (services.local_day_bounds(w.monday)[0], services.local_day_bounds(w.monday + timedelta(days=60))[0])
    js = [o for o in icaljs(tmp_path / "room.ics", window)["occurrences"] if o["uid"].startswith("series-")]
    python = [o for o in recurring_ical_events.of(Calendar.from_ical(body)).between(*window)
              if str(o["UID"]).startswith("series-")]
    first, second, third, fourth, fifth = w.occurrences
    expected = [(_iso(m.start_at), _iso(m.end_at)) for m in (first, third, fourth, fifth)]
    assert [(o["start"], o["end"]) for o in js] == expected
    assert sorted((_iso(o["DTSTART"].dt), _iso(o["DTEND"].dt)) for o in python) == expected
    assert [o["recurrenceId"] for o in js] == [_iso(m.original_start_at) for m in (first, third, fourth, fifth)]
    assert [o["summary"] for o in js] == [first.title, "Giao ban tuần (dời giờ)", "(Hoãn) " + fourth.title, fifth.title]
    assert [o["status"] for o in js] == ["CONFIRMED", "CONFIRMED", "TENTATIVE", "CONFIRMED"]
    # vobject expands the rule itself: its instances minus the EXDATE are the instances the others produced.
    master = next(e for e in vobject.readOne(body.decode()).vevent_list
                  if e.uid.value.startswith("series-") and not hasattr(e, "recurrence_id"))
    assert [_iso(d) for d in master.getrruleset()] == [_iso(m.original_start_at) for m in (first, third, fourth, fifth)]


def test_the_add_to_calendar_file_parses_everywhere(feed_world, client, icaljs, tmp_path):
    w = feed_world
    login(client, w.viewer)
    response = client.get(f"/feeds/meeting/{w.online.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data()
    (tmp_path / "one.ics").write_bytes(body)
    assert _icalendar_events(body) == _vobject_events(body) == _icaljs_events(icaljs(tmp_path / "one.ics")) == {
        (f"meeting-{w.online.id}@{_domain(client)}", None, _iso(w.online.start_at), _iso(w.online.end_at),
         w.online.title, "CONFIRMED")}


def _domain(client):
    with client.application.app_context():
        return services.uid_domain()


def test_until_rules_expand_identically_in_every_parser(create_series, create_leader, create_user, feed_token, client,
                                                       icaljs, tmp_path):
    """A rule with a date UNTIL is rewritten so that every client expands what the office materialised."""
    from tests.helpers import next_weekday

    leader = create_leader()
    start_day = next_weekday(0)
    until = (start_day + timedelta(days=14)).strftime("%Y%m%d")
    _series, rows = create_series(f"FREQ=WEEKLY;UNTIL={until}", day=start_day, start="08:00", end="09:00",
                                  chair_id=leader.id, title="Họp định kỳ có ngày kết thúc")
    body = client.get(f"/feeds/{feed_token(create_user(role='viewer'))}/leader/{leader.id}.ics").get_data()
    (tmp_path / "until.ics").write_bytes(body)
    window = (services.local_day_bounds(start_day)[0], services.local_day_bounds(start_day + timedelta(days=60))[0])
    js = [o["start"] for o in icaljs(tmp_path / "until.ics", window)["occurrences"]]
    python = sorted(_iso(o["DTSTART"].dt) for o in recurring_ical_events.of(Calendar.from_ical(body)).between(*window))
    assert js == python == [_iso(r.start_at) for r in rows]
    rule = body.split(b"RRULE:")[1].split(b"\r\n")[0].decode()
    assert f"UNTIL={rows[-1].start_at:%Y%m%dT%H%M%SZ}" in rule
