"""iCal feeds: which meetings a feed holds, its validators, its calendar text, and the per-user feed tokens.

A feed is a `FeedSpec` (kind, subject, the user reading it). `validator()` answers ETag and Last-Modified
from ONE query: aggregates over the feed's meetings and their series (count, newest change, highest
sequence, sum of ids), the newest change of the whole directory (people, rooms, units: their names and
titles are written into feeds) and of all meetings (indexed maxima), and whether the feed's leader, room
or unit exists. A client polling an unchanged feed costs a token lookup and that query; `feed_body()`
builds the text only when the validator is new, and keeps it in a file cache keyed by the validator
(every process and host derives the same key from the database and the deployment, so the cache holds no
truth of its own and is never stale).

- ETag: a hash of everything the text depends on: the aggregates above, the reader (account, role,
  clearance, person, language), the day (the feed's window moves daily), the base URL, the UID domain,
  the office's zone and name, and the feed's words and VTIMEZONE (so a new translation or tz database
  changes it too).
- Last-Modified: the newest change of any meeting, of the feed's series and of the directory, and never
  earlier than today's local midnight: global maxima, so it moves whenever a meeting leaves a feed (moved
  to another leader, made internal) as well as when one changes; for a private feed also the newest
  audit entry of the reader's account (read with the token: users have no updated_at, and every change
  of an account through the app is audited).

Decisions (see also docs in the views):
- Drafts appear only in feeds read by admins and secretaries; the public feed shows only public
  meetings that are scheduled, held, postponed or recently cancelled.
- A classified meeting the reader is not cleared for is busy time in leaders' feeds, "my meetings", the
  room's feed and "everything": SUMMARY "Bận", CLASS:CONFIDENTIAL, TRANSP:OPAQUE, its times and status,
  nothing else (no title, people, place, text, link, category). A unit's feed leaves it out altogether
  (who is invited is neither the unit's nor the reader's business).
- A leader's feed holds the meetings the leader chairs, co-chairs, attends as a leader or is invited to.
- Feeds hold meetings that ended at most PAST_DAYS ago and everything later; a cancelled meeting stays
  (STATUS:CANCELLED) until CANCELLED_KEPT_DAYS after it was cancelled (its updated_at), so clients remove it.
- A series is always one VEVENT under its own UID (RRULE, EXDATE for cancelled or missing occurrences,
  RECURRENCE-ID overrides), whatever was edited; its SEQUENCE and LAST-MODIFIED are the highest over the
  series and every one of its occurrences in the database, so they never go backwards.
- The meeting's passcode is never written; a join link goes through online's shareable_join_url (no passcode
  parameter, no parameter holding the passcode, no credentials in the address).
- Feed tokens are HMACs of their row under the secret key, not stored random values: the page can show
  the links again while the database holds only their hashes (why this is sound: `token_string`).
"""

import base64
import gc
import gzip
import hashlib
import hmac
import os
import time as time_module
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import BinaryIO, NamedTuple
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from meetingsvc.auth.models import CLASSIFICATIONS, SECRET_LEVELS, User, classification_rank, hash_token
from meetingsvc.core.audit import AuditEntry, record
from meetingsvc.core.auth import BOOKING_ROLES, can_see_meeting
from meetingsvc.core.db import utcnow
from meetingsvc.core.time import local_day_bounds, local_today, office_zone
from meetingsvc.directory.models import LEADER_ROLES, Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.feeds.ics import (
    Writer,
    clean_text,
    escape_text,
    fold,
    local_stamp,
    normalise_rrule,
    param_value,
    text_line,
    utc_stamp,
    vtimezone,
)
from meetingsvc.feeds.loading import load_meetings
from meetingsvc.feeds.models import FeedToken
from meetingsvc.meetings.models import KINDS, Attendee, Meeting, MeetingLeader, MeetingSeries
from meetingsvc.meetings.recurrence import occurrence_starts
from meetingsvc.meetings.visibility import present
from meetingsvc.online.models import BridgePoint
from meetingsvc.online.services import shareable_join_url

# Bump both when the text a feed holds changes for the same data: every validator changes with them
# (FORMAT_CHANGED_AT keeps Last-Modified ahead of every body written by the previous format).
FORMAT_VERSION = 2
FORMAT_CHANGED_AT = datetime(2026, 12, 1, tzinfo=UTC)
PRODID = "-//meetingsvc//Lich cong tac//VI"
REFRESH = "PT15M"
PAST_DAYS = 366
CANCELLED_KEPT_DAYS = 30
BRIDGE_POINTS_LISTED = 30
KINDS_WITH_SUBJECT = ("leader", "room", "unit")
PRIVATE_KINDS = ("leader", "room", "unit", "mine", "all")
SHOWN_STATUSES = ("scheduled", "held", "postponed")
STATUS_MAP = {"draft": "TENTATIVE", "scheduled": "CONFIRMED", "held": "CONFIRMED", "postponed": "TENTATIVE",
              "cancelled": "CANCELLED"}
CLASS_MAP = {"public": "PUBLIC", "internal": "PRIVATE"}
PARTSTAT = {"pending": "NEEDS-ACTION", "accepted": "ACCEPTED", "declined": "DECLINED", "delegated": "DELEGATED"}


@dataclass(frozen=True)
class FeedSpec:
    """What a feed is: its kind, its subject (leader person, room or unit id) and who reads it."""

    kind: str
    subject_id: int | None = None
    user: User | None = None
    token_id: int | None = None

    @property
    def is_public(self) -> bool:
        return self.kind == "public"


@dataclass(frozen=True)
class Validator:
    etag: str  # without quotes
    last_modified: datetime  # whole seconds
    count: int
    today: date  # the office day the feed's window was taken on


# ---- which meetings a feed holds --------------------------------------------------------------------------


def _window(today: date) -> tuple[datetime, datetime]:
    """(oldest end shown, oldest cancellation kept), both at local midnight so the set moves once a day."""
    return _day_bounds(today, office_zone().key)[:2]


@lru_cache(maxsize=8)
def _day_bounds(today: date, zone_key: str) -> tuple[datetime, datetime, datetime]:
    """(oldest end shown, oldest cancellation kept, today's local midnight) in UTC."""
    return (local_day_bounds(today - timedelta(days=PAST_DAYS))[0],
            local_day_bounds(today - timedelta(days=CANCELLED_KEPT_DAYS))[0], local_day_bounds(today)[0])


def _involving(person_id: int, *, attendees: bool):
    # A UNION of indexed look-ups rather than an OR across tables, which would scan every meeting; UNION ALL,
    # since IN removes duplicates anyway (a second de-duplication costs SQLite a temporary B-tree).
    parts = [sa.select(Meeting.id).where(Meeting.chair_id == person_id),
             sa.select(MeetingLeader.meeting_id).where(MeetingLeader.person_id == person_id)]
    if attendees:
        parts.append(sa.select(Attendee.meeting_id).where(Attendee.person_id == person_id))
    return Meeting.id.in_(sa.union_all(*parts))


def _conditions(kind: str, drafts: bool, subject, oldest_end, oldest_cancellation, hidden=(),
                reader_person=None) -> list:
    """The feed's meetings; `hidden`: classification levels a unit feed leaves out unless `reader_person`
    is involved in the meeting (chair, co-chair, attending leader or attendee)."""
    statuses = list(SHOWN_STATUSES) + (["draft"] if drafts else [])
    # The status test is wrapped so that SQLite's planner doesn't pick the status index (which holds almost
    # every meeting) over the feed's own narrow look-up (chair, room, unit...).
    status = sa.func.coalesce(Meeting.status, "")
    conditions = [
        Meeting.end_at >= oldest_end,
        # Plain equalities rather than IN (...): an IN list is re-expanded on every execution.
        sa.or_(*(status == value for value in statuses),
               sa.and_(status == "cancelled", Meeting.updated_at >= oldest_cancellation)),
    ]
    if kind == "public":
        conditions.append(Meeting.classification == "public")
    elif kind == "leader":
        conditions.append(_involving(subject, attendees=True))
    elif kind == "room":
        conditions.append(Meeting.room_id == subject)
    elif kind == "unit":
        conditions.append(Meeting.id.in_(sa.union_all(
            sa.select(Meeting.id).where(Meeting.preparing_unit_id == subject),
            sa.select(Attendee.meeting_id).where(Attendee.unit_id == subject),
            sa.select(BridgePoint.meeting_id).where(BridgePoint.unit_id == subject),
        )))
        if hidden:
            conditions.append(sa.or_(sa.and_(*(Meeting.classification != level for level in hidden)),
                                     _involving(reader_person, attendees=True)))
    elif kind == "mine":
        conditions.append(_involving(subject, attendees=True))
    elif kind != "all":
        raise ValueError(f"unknown feed kind {kind!r}")
    return conditions


def _drafts(spec: FeedSpec) -> bool:
    """Drafts are shown only to admins and secretaries, never in the public feed."""
    return spec.user is not None and not spec.is_public and spec.user.role in BOOKING_ROLES


def _subject(spec: FeedSpec) -> int:
    if spec.kind == "mine":
        return spec.user.person_id or -1  # a user with no person: nobody's meetings
    return spec.subject_id if spec.subject_id is not None else -1


def _hidden(spec: FeedSpec) -> tuple[str, ...]:
    """The classification levels a unit feed leaves out for its reader (those above the reader's clearance)."""
    if spec.kind != "unit":
        return ()
    rank = classification_rank(spec.user.clearance) if spec.user is not None else 0
    return tuple(level for level in SECRET_LEVELS if classification_rank(level) > rank)


def _reader_person(spec: FeedSpec) -> int:
    return (spec.user.person_id if spec.user is not None else None) or -1


def meeting_conditions(spec: FeedSpec, today: date) -> list:
    """SQL conditions selecting the meetings of feed `spec` on `today`."""
    return _conditions(spec.kind, _drafts(spec), _subject(spec), *_window(today), hidden=_hidden(spec),
                       reader_person=_reader_person(spec))


_SUBJECT_TABLES = {"leader": Person, "room": Room, "unit": Unit}


def _newest(column):
    """The newest value of an indexed column over its whole table (an index lookup on both backends)."""
    return sa.select(sa.func.max(column)).scalar_subquery()


@lru_cache(maxsize=64)
def _aggregate_statement(kind: str, drafts: bool, hidden: tuple[str, ...] = ()):
    """The validator query of a kind of feed, built once (values are bound per request)."""
    conditions = _conditions(kind, drafts, sa.bindparam("subject"), sa.bindparam("oldest_end"),
                             sa.bindparam("oldest_cancellation"), hidden, sa.bindparam("reader_person"))
    model = _SUBJECT_TABLES.get(kind)
    subject_exists = sa.exists().where(model.id == sa.bindparam("subject")) if model is not None else sa.true()
    return (
        sa.select(
            sa.func.count(Meeting.id),
            sa.func.max(Meeting.updated_at),
            sa.func.max(Meeting.sequence),
            sa.func.sum(Meeting.id),
            sa.func.max(MeetingSeries.updated_at),
            sa.func.max(MeetingSeries.sequence),
            _newest(Meeting.updated_at),
            _newest(Person.updated_at),
            _newest(Room.updated_at),
            _newest(Unit.updated_at),
            subject_exists,
        )
        .select_from(Meeting)
        .outerjoin(MeetingSeries, MeetingSeries.id == Meeting.series_id)
        .where(*conditions)
    )


# ---- validators ---------------------------------------------------------------------------------------------


def uid_domain() -> str:
    configured = current_app.config.get("FEEDS_UID_DOMAIN") or os.environ.get("MEETINGSVC_FEEDS_UID_DOMAIN")
    if configured:
        return configured
    return urlsplit(current_app.config.get("PUBLIC_BASE_URL") or "").hostname or "meetingsvc"


def base_url() -> str:
    """Where links point: PUBLIC_BASE_URL if configured, else the address the request came to."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return "http://localhost"


def _language(spec: FeedSpec) -> str:
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")
    if spec.user is None or spec.is_public:
        return default
    return spec.user.language or default


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def validator(spec: FeedSpec, base: str, today: date | None = None) -> Validator | None:
    """ETag and Last-Modified of a feed from one query, the same in every process and host; None if the
    feed's leader, room or unit does not exist."""
    today = today or local_today()
    zone = office_zone()
    oldest_end, oldest_cancellation, floor = _day_bounds(today, zone.key)
    hidden = _hidden(spec)
    row = db.session.connection().execute(_aggregate_statement(spec.kind, _drafts(spec), hidden), {
        "subject": _subject(spec), "oldest_end": oldest_end, "oldest_cancellation": oldest_cancellation,
        "reader_person": _reader_person(spec),
    }).one()
    (count, newest, max_sequence, id_sum, series_newest, series_sequence,
     any_meeting, any_person, any_room, any_unit, subject_exists) = row
    if not subject_exists:
        return None
    user = spec.user
    reader = "" if user is None or spec.is_public else (
        f"{user.id}|{user.role}|{user.clearance}|{user.person_id}|{user.display_name}|{user.username}")
    language = _language(spec)
    key = "\x1f".join(str(part) for part in (
        FORMAT_VERSION, spec.kind, spec.subject_id, reader, spec.token_id, language, base, uid_domain(),
        zone.key, current_app.config.get("OFFICE_NAME", ""), _words(language, zone.key), today.isoformat(),
        count, _iso(newest), max_sequence, id_sum, _iso(series_newest), series_sequence,
        _iso(any_person), _iso(any_room), _iso(any_unit),
    ))
    account_changed = getattr(user, "changed_at", None) if reader else None
    last_modified = max(filter(None, (any_meeting, series_newest, any_person, any_room, any_unit, floor,
                                      FORMAT_CHANGED_AT, account_changed))).replace(microsecond=0)
    etag = f"f{FORMAT_VERSION}-" + hashlib.sha256(key.encode()).hexdigest()[:40]
    return Validator(etag=etag, last_modified=last_modified, count=count, today=today)


@lru_cache(maxsize=16)
def _words(language: str, zone_key: str) -> str:
    """A digest of the words and the VTIMEZONE feeds write in `language`: a new translation or tz database
    gives every feed a new validator (the same on every host of one deployment)."""
    with force_locale(language):
        labels = _Labels()
        words = [repr(sorted((k, str(v)) for k, v in vars(labels).items() if isinstance(v, str)))]
        words += [repr(sorted(labels.kinds.items())), repr(sorted(labels.classifications.items())),
                  labels.more_points(0)]
        words += [str(label) for label in CALENDAR_NAMES.values()]
        words += [str(label) for label in LEADER_ROLES.values()]
    return hashlib.sha256("\x1f".join(words).encode() + vtimezone(zone_key)).hexdigest()[:16]


# ---- the calendar text ----------------------------------------------------------------------------------------


class EventContent(NamedTuple):
    """Everything a VEVENT says except its identity and times (equal contents = same series instance).

    A named tuple rather than a frozen dataclass: one is built per event, and the dataclass's __init__ (an
    object.__setattr__ per field) took four times as long."""

    summary: str
    status: str
    classification: str
    transp: str
    location: str = ""
    description: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    organizer: tuple[str, str] | None = None
    attendees: tuple[tuple[str, str, str, str], ...] = ()
    conference: tuple[str, str] | None = None
    priority: int | None = None


class _Labels:
    """The words a feed uses, translated once per feed rather than once per event."""

    def __init__(self):
        self.busy = _("Busy")
        self.postponed = _("(Postponed)")
        self.chair = _("Chair")
        self.co_chairs = _("Co-chairs")
        self.attending = _("Leaders attending")
        self.attendees = _("Attendees")
        self.preparing_unit = _("Preparing unit")
        self.agenda = _("Agenda")
        self.bridge_points = _("Bridge points")
        self.host = _("host")
        self.join = _("Join online")
        self.online = _("Online")
        self.details = _("Details")
        self.reason = _("Reason")
        self.classification = _("Classification")
        self.kinds = {code: str(label) for code, label in KINDS.items()}
        self.classifications = {code: str(label) for code, label in CLASSIFICATIONS.items()}

    def more_points(self, count: int) -> str:
        return _("and %(count)s more", count=count)


@dataclass
class _Context:
    base: str
    domain: str
    zone: object
    labels: _Labels
    public: bool
    user: User | None
    # What recurs across the events of one calendar, worked out once for it: a person's mailto (by person
    # object), local times (by instant) and written lines (a place, categories, a chair, an attendee; by value).
    mails: dict = field(default_factory=dict)
    local_times: dict = field(default_factory=dict)
    location_lines: dict = field(default_factory=dict)
    category_lines: dict = field(default_factory=dict)
    organizer_lines: dict = field(default_factory=dict)
    attendee_lines: dict = field(default_factory=dict)


def _mailto(person) -> str | None:
    email = (person.email or "").strip() if person is not None else ""
    return f"mailto:{email}" if email and "@" in email else None


def _mail_of(person, mails: dict) -> str | None:
    try:
        return mails[person]
    except KeyError:
        mail = mails[person] = _mailto(person)
        return mail


def event_content(shown, ctx: _Context) -> EventContent:
    labels = ctx.labels
    status = STATUS_MAP.get(shown.status, "CONFIRMED")
    if getattr(shown, "is_masked", False):
        return EventContent(labels.busy, status, "CONFIDENTIAL", "OPAQUE")
    meeting = shown
    title, chair, attendee_rows, classification = meeting.title, meeting.chair, meeting.attendees, meeting.classification
    summary = title if meeting.status != "postponed" else f"{labels.postponed} {title}"
    lines = []
    if chair:
        lines.append(f"{labels.chair}: {chair.label}")
    co_chairs, attending = [], []
    for link in meeting.leaders:
        (co_chairs if link.role == "co_chair" else attending).append(link.person)
    if co_chairs:
        lines.append(f"{labels.co_chairs}: " + ", ".join([p.label for p in co_chairs]))
    if attending:
        lines.append(f"{labels.attending}: " + ", ".join([p.label for p in attending]))
    if attendee_rows:
        lines.append(f"{labels.attendees}: " + "; ".join([a.label for a in attendee_rows]))
    unit = meeting.preparing_unit
    if unit:
        lines.append(f"{labels.preparing_unit}: {unit.name}")
    if classification in SECRET_LEVELS:
        lines.append(f"{labels.classification}: {labels.classifications[classification]}")
    is_online = meeting.is_online
    points = meeting.bridge_points if is_online else ()
    if points:
        names = [f"{p.label} ({labels.host})" if p.is_host else p.label for p in points[:BRIDGE_POINTS_LISTED]]
        if len(points) > BRIDGE_POINTS_LISTED:
            names.append(labels.more_points(len(points) - BRIDGE_POINTS_LISTED))
        lines.append(f"{labels.bridge_points} ({len(points)}): " + "; ".join(names))
    conference = None
    if is_online and meeting.join_url and not ctx.public:
        link = shareable_join_url(meeting.join_url, meeting.passcode)
        lines.append(f"{labels.join}: {link}")
        conference = (link, meeting.online_provider or labels.online)
    reason = clean_text(meeting.status_reason) if meeting.status in ("postponed", "cancelled") else ""
    if reason:
        lines.append(f"{labels.reason}: {reason}")
    agenda = clean_text(meeting.agenda)
    if agenda:
        lines.append(f"{labels.agenda}:\n{agenda}")

    room = meeting.room
    location = room.location_label if room else clean_text(meeting.location)
    if not location and is_online:
        host = next((p for p in points if p.is_host), None)
        location = f"{labels.online}: {host.label}" if host else labels.online

    organizer, attendees = None, ()
    if not ctx.public:
        mails, attendees = ctx.mails, []
        chair_mail = _mail_of(chair, mails)
        if chair_mail:
            organizer = (chair.label, chair_mail)
        for person in co_chairs:
            if mail := _mail_of(person, mails):
                attendees.append((person.label, mail, "CHAIR", "ACCEPTED"))
        for person in attending:
            if mail := _mail_of(person, mails):
                attendees.append((person.label, mail, "REQ-PARTICIPANT", "ACCEPTED"))
        for attendee in attendee_rows:
            if mail := _mail_of(attendee.person, mails):
                role = "OPT-PARTICIPANT" if attendee.role == "observer" else "REQ-PARTICIPANT"
                attendees.append((attendee.label, mail, role, PARTSTAT.get(attendee.response, "NEEDS-ACTION")))
        attendees = tuple(attendees)
    return EventContent(
        summary, status, CLASS_MAP.get(classification, "CONFIDENTIAL"), "OPAQUE", location or "", tuple(lines),
        (labels.kinds.get(meeting.kind, meeting.kind),), organizer, attendees, conference,
        1 if meeting.is_urgent else None,
    )


_STATUS_LINES = {value: f"STATUS:{value}\r\n" for value in ("TENTATIVE", "CONFIRMED", "CANCELLED")}
_CLASS_LINES = {value: f"CLASS:{value}\r\n" for value in ("PUBLIC", "PRIVATE", "CONFIDENTIAL")}


def _write_event(w: Writer, ctx: _Context, *, uid: str, content: EventContent, start: datetime, end: datetime,
                 stamp: datetime, sequence: int, url: str | None, recurrence_id: datetime | None = None,
                 rrule: str | None = None, exdates=()) -> None:
    # Lines that are short ASCII by construction go in unfolded; lines that recur across events (a place, a
    # category, the chair, an attendee) are written once per calendar and kept in ctx, local times too.
    (summary, status, classification, _transp, location, description, categories, organizer, attendees, conference,
     priority) = content
    zone, tzid, times, raw = ctx.zone, ctx.zone.key, ctx.local_times, w.raw
    stamp_text = utc_stamp(stamp)
    raw(b"BEGIN:VEVENT\r\n")
    raw(text_line("UID", uid))
    head = f"DTSTAMP:{stamp_text}\r\n"
    if recurrence_id is not None:
        head += f"RECURRENCE-ID;TZID={tzid}:{_local(times, recurrence_id, zone)}\r\n"
    raw(f"{head}DTSTART;TZID={tzid}:{_local(times, start, zone)}\r\nDTEND;TZID={tzid}:{_local(times, end, zone)}\r\n"
        .encode())
    if rrule:
        w.property("RRULE", rrule)
    for exdate in exdates:
        w.local_time("EXDATE", exdate, zone)
    raw(f"SEQUENCE:{sequence}\r\nLAST-MODIFIED:{stamp_text}\r\n".encode())
    raw(text_line("SUMMARY", summary))
    raw(f"{_STATUS_LINES[status]}{_CLASS_LINES[classification]}TRANSP:OPAQUE\r\n".encode())
    if location:
        line = ctx.location_lines.get(location)
        if line is None:
            line = ctx.location_lines[location] = text_line("LOCATION", location)
        raw(line)
    description = "\n".join(description)
    if url:
        description = f"{description}\n{ctx.labels.details}: {url}" if description else f"{ctx.labels.details}: {url}"
    if description:
        raw(text_line("DESCRIPTION", description))
    if categories:
        line = ctx.category_lines.get(categories)
        if line is None:
            value = ",".join(escape_text(c) for c in categories)
            line = ctx.category_lines[categories] = fold(f"CATEGORIES:{value}") if value and not value.isspace() else b""
        raw(line)
    if priority:
        raw(f"PRIORITY:{priority}\r\n".encode())
    if organizer:
        line = ctx.organizer_lines.get(organizer)
        if line is None:
            line = ctx.organizer_lines[organizer] = fold(f"ORGANIZER;CN={param_value(organizer[0])}:{organizer[1]}")
        raw(line)
    if attendees:
        attendee_lines = ctx.attendee_lines
        for attendee in attendees:
            line = attendee_lines.get(attendee)
            if line is None:
                name, mail, role, partstat = attendee
                line = attendee_lines[attendee] = fold(
                    f"ATTENDEE;CN={param_value(name)};ROLE={role};PARTSTAT={partstat}:{mail}")
            raw(line)
    if url:
        w.line(f"URL;VALUE=URI:{url}")
    if conference:
        link, label = conference
        # FEATURE is one parameter with two values (RFC 7986 §5.11), so its comma stays unquoted.
        w.line(f"CONFERENCE;VALUE=URI;FEATURE=VIDEO,AUDIO;LABEL={param_value(label)}:{link}")
    raw(b"END:VEVENT\r\n")


def _local(times: dict, moment: datetime, zone) -> str:
    """local_stamp, once per instant and calendar (many meetings start or end at the same time)."""
    text = times.get(moment)
    if text is None:
        text = times[moment] = local_stamp(moment, zone)
    return text


def _meeting_url(ctx: _Context, meeting_id: int) -> str:
    return f"{ctx.base}/meetings/{meeting_id}"


def _uid(ctx: _Context, kind: str, ident: int) -> str:
    return f"{kind}-{ident}@{ctx.domain}"


def _write_single(w: Writer, ctx: _Context, meeting: Meeting) -> None:
    shown = present(meeting, ctx.user)
    content = event_content(shown, ctx)
    url = None if getattr(shown, "is_masked", False) else _meeting_url(ctx, meeting.id)
    _write_event(w, ctx, uid=_uid(ctx, "meeting", meeting.id), content=content, start=meeting.start_at,
                 end=meeting.end_at, stamp=meeting.updated_at, sequence=meeting.sequence, url=url)


def _write_series(w: Writer, ctx: _Context, series: MeetingSeries, rows: list[Meeting],
                  history: tuple[int, datetime] | None) -> None:
    """One VEVENT with RRULE and EXDATEs, plus one with RECURRENCE-ID per occurrence that differs.

    `history` is (highest sequence, newest updated_at) over every occurrence of the series in the database,
    in the feed's window or not: the master's SEQUENCE and LAST-MODIFIED never go backwards when an
    occurrence leaves the window.
    """
    try:
        instances = occurrence_starts(series.rrule, series.first_start_at)
        rrule = normalise_rrule(series.rrule, instances)
    except Exception:  # noqa: BLE001  (a rule the office can no longer expand: publish the rows one by one)
        current_app.logger.warning("series %s: rule %r cannot be expanded; published as single events",
                                   series.id, series.rrule)
        instances, rrule = [], None
    known = set(instances)
    by_start, singles = {}, []
    for row in rows:
        if rrule and row.original_start_at in known and row.original_start_at not in by_start:
            by_start[row.original_start_at] = row
        else:
            singles.append(row)  # not an instance of the rule (or a second row for one): its own event
    if by_start:
        _write_master(w, ctx, series, by_start, instances, rrule, history)
    for row in sorted(singles, key=lambda r: (r.start_at, r.id)):
        _write_single(w, ctx, row)


def _write_master(w: Writer, ctx: _Context, series: MeetingSeries, by_start: dict, instances: list, rrule: str,
                  history: tuple[int, datetime] | None) -> None:
    shown = {row.id: present(row, ctx.user) for row in by_start.values()}
    contents = {row.id: (event_content(shown[row.id], ctx), row.end_at - row.start_at) for row in by_start.values()}
    rows = sorted(by_start.values(), key=lambda r: r.original_start_at)
    # The series' own content comes from the occurrences that keep their slot, else from any that is not
    # cancelled (every one was moved or edited), else from a cancelled one (the whole series is cancelled:
    # STATUS:CANCELLED and every instance excluded). Whatever was edited, the series keeps its UID.
    active = [row for row in rows if row.status != "cancelled"]
    candidates = [row for row in active if not row.is_detached and row.start_at == row.original_start_at]
    pool = candidates or active or rows
    # The most common content is the series'; ties go to the earliest (Counter keeps first-seen order).
    template_key = Counter(contents[row.id] for row in pool).most_common(1)[0][0]
    template = next(r for r in pool if contents[r.id] == template_key)
    content, length = template_key

    exdates, overrides = [], []
    for start in instances:
        row = by_start.get(start)
        if row is None or row.status == "cancelled":
            exdates.append(start)
        elif row.is_detached or row.start_at != start or contents[row.id] != template_key:
            overrides.append(row)
    sequence, stamp = history or (0, series.updated_at)
    sequence = max(sequence, series.sequence, *(r.sequence for r in rows))
    stamp = max(stamp, series.updated_at, *(r.updated_at for r in rows))
    masked = getattr(shown[template.id], "is_masked", False)
    _write_event(w, ctx, uid=_uid(ctx, "series", series.id), content=content, start=series.first_start_at,
                 end=series.first_start_at + length, stamp=stamp, sequence=sequence,
                 url=None if masked else _meeting_url(ctx, template.id), rrule=rrule, exdates=exdates)
    for row in overrides:
        row_masked = getattr(shown[row.id], "is_masked", False)
        _write_event(w, ctx, uid=_uid(ctx, "series", series.id), content=contents[row.id][0], start=row.start_at,
                     end=row.end_at, stamp=row.updated_at, sequence=max(row.sequence, sequence),
                     url=None if row_masked else _meeting_url(ctx, row.id), recurrence_id=row.original_start_at)


def _series_history(series_ids) -> dict[int, tuple[int, datetime]]:
    """(highest sequence, newest updated_at) of every occurrence of each series, in the feed's window or not."""
    rows = db.session.connection().execute(
        sa.select(Meeting.series_id, sa.func.max(Meeting.sequence), sa.func.max(Meeting.updated_at))
        .where(Meeting.series_id.in_(list(series_ids))).group_by(Meeting.series_id)
    ).all()
    return {series_id: (sequence, updated_at) for series_id, sequence, updated_at in rows}


def subject_of(spec: FeedSpec):
    """The leader, room or unit a feed is about (None if it does not exist), or the reader."""
    if spec.kind == "leader":
        return db.session.get(Person, spec.subject_id)
    if spec.kind == "room":
        return db.session.get(Room, spec.subject_id)
    if spec.kind == "unit":
        return db.session.get(Unit, spec.subject_id)
    return spec.user if spec.kind in ("mine", "all") else True


CALENDAR_NAMES = {
    "leader": _l("Work schedule – %(name)s"),
    "room": _l("Room schedule – %(name)s"),
    "unit": _l("Meetings – %(name)s"),
    "mine": _l("My meetings – %(name)s"),
    "all": _l("All meetings – %(name)s"),
    "public": _l("Public schedule – %(name)s"),
}


def calendar_name(spec: FeedSpec, subject) -> str:
    if spec.kind == "leader":
        role = LEADER_ROLES.get(subject.leader_role) if subject.leader_role else None
        name = f"{role} {subject.full_name}" if role else subject.label
    elif spec.kind in ("room", "unit", "mine"):
        name = subject.name
    else:
        name = current_app.config.get("OFFICE_NAME", "")
    return str(CALENDAR_NAMES[spec.kind]) % {"name": name}


def _context(spec_user, public: bool, base: str) -> _Context:
    return _Context(base=base, domain=uid_domain(), zone=office_zone(), labels=_Labels(), public=public,
                    user=spec_user)


def _write_calendar_head(w: Writer, name: str, zone) -> None:
    w.line("BEGIN:VCALENDAR")
    w.line(f"PRODID:{PRODID}")
    w.line("VERSION:2.0")
    w.line("CALSCALE:GREGORIAN")
    w.line("METHOD:PUBLISH")
    w.text("X-WR-CALNAME", name)
    w.text("NAME", name)
    w.property("X-WR-TIMEZONE", zone.key)
    w.property("REFRESH-INTERVAL", REFRESH, {"VALUE": "DURATION"})
    w.property("X-PUBLISHED-TTL", REFRESH)
    w.raw(vtimezone(zone.key))


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held off while a calendar is written (when it was on).

    Writing 5,000 events allocates some 100,000 objects that live until the text is done: the collector ran
    about a hundred young collections and a full one per feed and freed a few dozen objects (the build makes
    almost no cycles). That was a fifth of the build in a process whose heap is not frozen (the full
    collection walks every object the app holds), a twentieth in a serving one (ready_to_serve freezes it).
    Reference counting frees everything as usual; the few cycles wait for the first collection after the
    build. The switch is process-wide: another thread's cycles wait as long too.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def build_feed(spec: FeedSpec, base: str, today: date | None = None) -> bytes | None:
    """The feed's calendar as bytes, or None if its leader, room or unit does not exist."""
    subject = subject_of(spec)
    if subject is None:
        return None
    today = today or local_today()
    with force_locale(_language(spec)), _collector_paused():
        ctx = _context(None if spec.is_public else spec.user, spec.is_public, base)
        w = Writer()
        _write_calendar_head(w, calendar_name(spec, subject), ctx.zone)
        meetings = load_meetings(meeting_conditions(spec, today))
        if spec.kind == "unit":
            # The query already leaves out what the reader is not cleared for; never write it, even masked.
            meetings = [m for m in meetings if can_see_meeting(ctx.user, m)]
        by_series: dict[int, list[Meeting]] = {}
        for meeting in meetings:
            if meeting.series_id is None:
                _write_single(w, ctx, meeting)
            else:
                by_series.setdefault(meeting.series_id, []).append(meeting)
        if by_series:
            series = {s.id: s for s in db.session.scalars(
                sa.select(MeetingSeries).where(MeetingSeries.id.in_(by_series)))}
            history = _series_history(by_series)
            for series_id in sorted(by_series):
                _write_series(w, ctx, series[series_id], by_series[series_id], history.get(series_id))
        w.line("END:VCALENDAR")
        return w.to_bytes()


def meeting_calendar(meeting: Meeting, user, base: str, language: str | None = None) -> bytes:
    """A one-meeting calendar for "Add to calendar" (masked if `user` is not cleared for it), in `language`
    (the page's), else the account's."""
    language = language or getattr(user, "language", None) or current_app.config.get("BABEL_DEFAULT_LOCALE", "vi")
    with force_locale(language):
        ctx = _context(user, False, base)
        shown = present(meeting, user)
        w = Writer()
        name = ctx.labels.busy if getattr(shown, "is_masked", False) else meeting.title
        _write_calendar_head(w, name, ctx.zone)
        _write_single(w, ctx, meeting)
        w.line("END:VCALENDAR")
        return w.to_bytes()


# ---- the body cache -------------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """FEEDS_CACHE_DIR (config or MEETINGSVC_FEEDS_CACHE_DIR), else <instance>/feed-cache."""
    configured = current_app.config.get("FEEDS_CACHE_DIR") or os.environ.get("MEETINGSVC_FEEDS_CACHE_DIR")
    return Path(configured or Path(current_app.instance_path) / "feed-cache")


CACHE_MAX_AGE = timedelta(days=2)
PRUNE_EVERY = 3600


def _prune(directory: Path) -> None:
    marker = directory / ".pruned"
    now = time_module.time()
    try:
        if now - marker.stat().st_mtime < PRUNE_EVERY:
            return
    except FileNotFoundError:
        pass
    marker.touch()
    cutoff = now - CACHE_MAX_AGE.total_seconds()
    for entry in os.scandir(directory):
        try:
            if entry.name.endswith((".ics", ".gz")) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
        except FileNotFoundError:
            pass


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(temporary, path)


def feed_body(spec: FeedSpec, base: str, v: Validator, *, compressed: bool) -> BinaryIO | bytes | None:
    """The feed's body (gzip-compressed if asked) for validator `v`: the cached file, open (a server can send
    it with sendfile), else the bytes, built for the validator's day and cached."""
    directory = cache_dir()
    path = directory / f"{v.etag}.ics"
    wanted = path.with_suffix(".ics.gz") if compressed else path
    try:
        return open(wanted, "rb")  # noqa: SIM115  (the response closes it)
    except FileNotFoundError:
        pass
    body = build_feed(spec, base, v.today)
    if body is None:
        return None
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_atomically(path, body)
        _write_atomically(path.with_suffix(".ics.gz"), packed)
        _prune(directory)
    except OSError as exc:  # a full or read-only disk costs speed, never correctness
        current_app.logger.warning("feed cache not written: %s", exc)
    return packed if compressed else body


# ---- feed tokens ----------------------------------------------------------------------------------------------


# A feed token is as unpredictable as the key it is derived from: 32 characters hold 128 random bits when
# hexadecimal (the generated key in the instance folder is 64 hexadecimal characters, 256 bits).
MIN_SECRET_KEY_LENGTH = 32


def _token_key() -> bytes:
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    if len(key) < MIN_SECRET_KEY_LENGTH and not current_app.testing:
        raise RuntimeError(f"SECRET_KEY is too short to derive calendar feed tokens from: use at least "
                           f"{MIN_SECRET_KEY_LENGTH} random characters (or let the app generate one)")
    return key


def token_string(row: FeedToken) -> str:
    """The token in a feed's URL: HMAC-SHA256 of the row (id, owner, creation second) under the app's
    secret key; 256 bits, URL-safe.

    Why derived and not random: the subscription page can show the links again (and the API list them)
    without the database ever holding a usable token. The database keeps only the token's SHA-256
    (token_hash), so a copy of the database opens no feed; revoking sets revoked_at and the token stops
    working at once. Its unpredictability is that of the secret key (HMAC is a pseudo-random function):
    at least 128 bits with a random key of MIN_SECRET_KEY_LENGTH characters or more (shorter keys are
    refused outside tests; the generated key has 256 bits). Whoever holds the key can already forge any
    session cookie, so deriving tokens from it opens nothing new.
    Changing the secret key invalidates every feed link (and every session); users then create new links.
    """
    # The prefix keeps a token from ever serving as a signature of anything else made with the same key.
    message = f"meetingsvc feed token\x00{row.id}\x00{row.user_id}\x00{int(row.created_at.timestamp())}".encode()
    return base64.urlsafe_b64encode(hmac.new(_token_key(), message, hashlib.sha256).digest()).rstrip(b"=").decode()


def active_token(user: User) -> FeedToken | None:
    """The user's working token; a row whose hash no longer matches (secret key changed) does not count."""
    rows = db.session.scalars(
        sa.select(FeedToken).where(FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
        .order_by(FeedToken.id.desc())
    ).all()
    return next((row for row in rows if hmac.compare_digest(row.token_hash, hash_token(token_string(row)))), None)


def revoke_tokens(user: User) -> int:
    """Revoke every token of `user` (the links stop working at once); returns how many."""
    rows = db.session.scalars(
        sa.select(FeedToken).where(FeedToken.user_id == user.id, FeedToken.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for row in rows:
        row.revoked_at = now
        record("feed_token_revoke", row, summary="Calendar feed links revoked")
    return len(rows)


def issue_token(user: User) -> tuple[FeedToken, str]:
    """Revoke the user's tokens and make a new one; returns (row, token). The caller commits."""
    revoke_tokens(user)
    # Placeholder hash (random, unique) until the row has the id the token is derived from.
    row = FeedToken(user_id=user.id, token_hash=hash_token(base64.urlsafe_b64encode(os.urandom(32)).decode()),
                    created_at=utcnow().replace(microsecond=0))
    db.session.add(row)
    db.session.flush()
    token = token_string(row)
    row.token_hash = hash_token(token)
    record("feed_token_issue", row, summary="Calendar feed links created")
    return row, token


@dataclass(frozen=True)
class FeedReader:
    """The account a token belongs to, as much of it as a feed needs (read with the token, one query)."""

    id: int
    role: str
    clearance: str
    person_id: int | None
    language: str
    display_name: str
    username: str
    person_name: str | None
    changed_at: datetime | None = None  # the account's newest audit entry (every change to it is audited)
    is_authenticated: bool = True

    @property
    def name(self) -> str:
        return self.display_name or self.person_name or self.username


def token_owner(token: str) -> tuple[int, FeedReader] | None:
    """(token id, its active account) for a token in a URL, checked in the database on every request."""
    if not token or len(token) > 100:
        return None
    row = db.session.connection().execute(_token_statement(), {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    token_id, *fields = row
    return token_id, FeedReader(*fields)


@lru_cache(maxsize=1)
def _token_statement():
    return (
        sa.select(FeedToken.id, User.id, User.role, User.clearance, User.person_id, User.language,
                  User.display_name, User.username, Person.full_name,
                  sa.select(sa.func.max(AuditEntry.at))
                  .where(AuditEntry.object_type == User.__tablename__, AuditEntry.object_id == User.id)
                  .scalar_subquery())
        .join(User, User.id == FeedToken.user_id)
        .outerjoin(Person, Person.id == User.person_id)
        .where(FeedToken.token_hash == sa.bindparam("token_hash"), FeedToken.revoked_at.is_(None),
               User.is_active_account.is_(True))
    )


# ---- the feeds a user can subscribe to -----------------------------------------------------------------------


def feed_path(kind: str, token: str | None, subject_id: int | None = None) -> str:
    if kind == "public":
        return "/feeds/public.ics"
    if kind in KINDS_WITH_SUBJECT:
        return f"/feeds/{token}/{kind}/{subject_id}.ics"
    return f"/feeds/{token}/{kind}.ics"


def feed_entry(kind: str, token: str | None, base: str, name: str, subject_id: int | None = None) -> dict:
    url = base + feed_path(kind, token, subject_id)
    return {"kind": kind, "subject_id": subject_id, "name": name, "url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[1]}


def leaders() -> list[Person]:
    return db.session.scalars(
        sa.select(Person).where(Person.is_leader.is_(True), Person.is_active.is_(True))
        .order_by(sa.func.coalesce(Person.leader_rank, 999), Person.full_name)
    ).all()


def rooms() -> list[Room]:
    return db.session.scalars(sa.select(Room).where(Room.is_active.is_(True)).order_by(Room.name)).all()


def units() -> list[Unit]:
    return db.session.scalars(sa.select(Unit).where(Unit.is_active.is_(True)).order_by(Unit.sort_order, Unit.name)).all()


def feeds_for(user: User, base: str, *, unit_ids=()) -> dict:
    """The feeds `user` can subscribe to, with their URLs (private ones only while a token is active)."""
    public_name = calendar_name(FeedSpec("public"), True)
    result = {"public": [feed_entry("public", None, base, public_name)], "personal": [], "leaders": [],
              "rooms": [], "units": [], "has_token": False, "unit_url_template": None}
    row = active_token(user)
    if row is None:
        return result
    token = token_string(row)
    result["has_token"] = True
    result["unit_url_template"] = base + f"/feeds/{token}/unit/{{unit_id}}.ics"
    if user.person_id:
        result["personal"].append(feed_entry("mine", token, base, calendar_name(FeedSpec("mine", user=user), user)))
    result["personal"].append(feed_entry("all", token, base, calendar_name(FeedSpec("all", user=user), user)))
    for person in leaders():
        result["leaders"].append(feed_entry("leader", token, base, calendar_name(FeedSpec("leader", person.id), person),
                                            person.id))
    for room in rooms():
        result["rooms"].append(feed_entry("room", token, base, calendar_name(FeedSpec("room", room.id), room), room.id))
    wanted = list(unit_ids)
    if user.person is not None and user.person.unit_id:
        wanted.insert(0, user.person.unit_id)
    for unit_id in dict.fromkeys(wanted):
        unit = db.session.get(Unit, unit_id)
        if unit is not None:
            result["units"].append(feed_entry("unit", token, base, calendar_name(FeedSpec("unit", unit.id), unit),
                                              unit.id))
    return result


# ---- keeping updated_at (and so the validators) true ------------------------------------------------------


@sa.event.listens_for(Session, "before_flush")
def _touch_changed_meetings(session, flush_context, instances):
    """A meeting whose fields, leaders, attendees or bridge points change gets a new updated_at, and so does
    the series it belongs to (also when an occurrence is added to it).

    Feeds derive their ETag from max(updated_at) of their meetings and of those meetings' series, so a change
    anywhere in a meeting must move it; a series' VEVENT takes its SEQUENCE and LAST-MODIFIED from all its
    occurrences, including those outside a feed's window, whose changes reach the ETag through the series.
    A writer that sets updated_at itself keeps its value.
    """
    now = utcnow()
    touched, series_ids = set(), set()
    with session.no_autoflush:
        for obj in chain(session.new, session.dirty, session.deleted):
            if isinstance(obj, Meeting):
                if obj in session.new:
                    series = obj.__dict__.get("series")
                    series_id = obj.series_id or (series.id if series is not None else None)
                    if series_id is not None:
                        series_ids.add(series_id)
                elif obj not in session.deleted and session.is_modified(obj):
                    touched.add(obj)
            elif isinstance(obj, (Attendee, MeetingLeader, BridgePoint)) and obj.meeting_id is not None:
                if obj in session.dirty and not session.is_modified(obj):
                    continue
                meeting = session.get(Meeting, obj.meeting_id)
                if meeting is not None and meeting not in session.deleted:
                    touched.add(meeting)
        for meeting in touched:
            if not sa.inspect(meeting).attrs.updated_at.history.has_changes():
                meeting.updated_at = now
            if meeting.series_id is not None:
                series_ids.add(meeting.series_id)
        for series_id in series_ids:
            series = session.get(MeetingSeries, series_id)
            if series is not None and series not in session.new and series not in session.deleted and (
                    not sa.inspect(series).attrs.updated_at.history.has_changes()):
                series.updated_at = now


# Tables whose rows feeds write as part of their meeting (by their meeting_id).
_MEETING_PARTS = {model.__table__.name: model for model in (Attendee, MeetingLeader, BridgePoint)}


@sa.event.listens_for(Session, "do_orm_execute")
def _touch_meetings_of_bulk_statements(state):
    """An UPDATE or DELETE of attendees, leaders or bridge points run with session.execute (one statement for
    many rows, as the online service removes bridge points) bypasses the flush and so the listener above: the
    meetings of the rows it reaches (before and after) get a new updated_at, and their series too, in the same
    transaction. Statements sent on the connection directly are not seen; the app sends none.

    A writer whose statement is bounded to known meetings says so with the execution option `meeting_ids`
    (its WHERE names them): those are touched without looking the rows up (an executemany of 600 rows
    would otherwise cost 1,200 lookups), text statements included."""
    declared = state.execution_options.get("meeting_ids")
    if declared is not None:
        result = state.invoke_statement()
        _touch_meetings(state.session, set(declared))
        return result
    if not (state.is_update or state.is_delete):
        return None
    model = _MEETING_PARTS.get(getattr(getattr(state.statement, "table", None), "name", None))
    if model is None:
        return None
    session, table, where = state.session, model.__table__, state.statement.whereclause
    params = state.parameters
    if isinstance(params, list) and where is None:  # UPDATE by primary key, many rows
        lookups = [(sa.select(table.c.meeting_id).where(table.c.id.in_([row["id"] for row in params if "id" in row])),
                    {})]
    else:
        reached = sa.select(table.c.meeting_id) if where is None else sa.select(table.c.meeting_id).where(where)
        lookups = [(reached, values) for values in (params if isinstance(params, list) else [params or {}])]

    def meetings_reached() -> set:
        return {ident for query, values in lookups for ident in session.execute(query, values).scalars()}

    meeting_ids = meetings_reached()
    result = state.invoke_statement()
    if state.is_update:  # rows moved to another meeting
        meeting_ids |= meetings_reached()
    _touch_meetings(session, meeting_ids)
    return result


def _touch_meetings(session, meeting_ids: set) -> None:
    """A new updated_at for these meetings and their series (two statements)."""
    meeting_ids.discard(None)
    if meeting_ids:
        now, ids = utcnow(), sorted(meeting_ids)
        series_ids = sa.select(Meeting.series_id).where(Meeting.id.in_(ids), Meeting.series_id.is_not(None))
        session.execute(sa.update(MeetingSeries).where(MeetingSeries.id.in_(series_ids)).values(updated_at=now))
        session.execute(sa.update(Meeting).where(Meeting.id.in_(ids)).values(updated_at=now))
