"""iCal feeds over HTTP, the subscription page and the "Add to calendar" download.

Private feeds live at /feeds/<token>/<kind>….ics and need no login: the token is the key, checked in the
database on every request. A revoked, wrong or missing token, and a leader, room or unit that does not
exist, get the app's ordinary 404, the same as any unknown address, before any conditional handling.
Conditional requests are answered from the validator alone (one query), without building the feed:
If-None-Match first; If-Modified-Since only without it, and ignored when it lies in the future.
"""

import os
from datetime import UTC, datetime, timedelta

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from werkzeug.http import http_date, parse_date
from werkzeug.wsgi import wrap_file

from meetingsvc.core.auth import public
from meetingsvc.extensions import db
from meetingsvc.feeds import services
from meetingsvc.meetings.models import Meeting
from meetingsvc.meetings.validation import MAX_ID

bp = Blueprint("feeds", __name__, url_prefix="/feeds")

CONTENT_TYPE = "text/calendar; charset=utf-8"
PRIVATE_CACHE = "private, max-age=300"
PUBLIC_CACHE = "public, max-age=300"


def _etag_matches(header: str, etag: str) -> bool:
    """If-None-Match holds our validator (in its plain or gzip form, weak or strong) or '*'."""
    for candidate in header.split(","):
        tag = candidate.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        tag = tag.strip('"')
        if tag.endswith("-gzip"):
            tag = tag[:-5]
        if tag == etag:
            return True
    return False


def _not_modified(validator: services.Validator, now: datetime) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, validator.etag)
    since = parse_date(request.headers.get("If-Modified-Since"))
    if since is None:
        return False
    since = since.astimezone(UTC)
    if since > now:  # a date later than our clock is invalid (RFC 9110 §13.1.3)
        return False
    return validator.last_modified <= since


def _last_modified_header(last_modified: datetime, now: datetime) -> str:
    """Last-Modified as sent: one second earlier while its second is not over, so that a client holding a
    body of that second never gets 304 for a change later in the same second (HTTP dates have no fraction),
    and never later than the response's date."""
    if now < last_modified + timedelta(seconds=1):
        last_modified = min(last_modified, now.replace(microsecond=0)) - timedelta(seconds=1)
    return http_date(last_modified)


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def serve_feed(spec: services.FeedSpec, filename: str) -> Response:
    """The feed as text/calendar with validators, 304 when unchanged, gzip when accepted, 404 if its
    leader, room or unit does not exist."""
    base = services.base_url()
    validator = services.validator(spec, base)
    if validator is None:
        abort(404)
    now = datetime.now(UTC)
    compressed = _accepts_gzip()
    headers = {
        "ETag": f'"{validator.etag}-gzip"' if compressed else f'"{validator.etag}"',
        "Last-Modified": _last_modified_header(validator.last_modified, now),
        "Cache-Control": PUBLIC_CACHE if spec.is_public else PRIVATE_CACHE,
        "Vary": "Accept-Encoding",
    }
    if _not_modified(validator, now):
        return Response(status=304, headers=headers)
    body = services.feed_body(spec, base, validator, compressed=compressed)
    if body is None:
        abort(404)
    if compressed:
        headers["Content-Encoding"] = "gzip"
    headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if isinstance(body, bytes):
        return Response(body, status=200, headers=headers, content_type=CONTENT_TYPE)
    # A cached file goes out as a file: the WSGI server may send it with sendfile, without copying it.
    headers["Content-Length"] = str(os.fstat(body.fileno()).st_size)
    return Response(wrap_file(request.environ, body), status=200, headers=headers, content_type=CONTENT_TYPE,
                    direct_passthrough=True)


def _known_id(ident: int) -> int:
    """The id from the URL, or the ordinary 404 for one no database can hold (as for any unknown id)."""
    if not 0 < ident <= MAX_ID:
        abort(404)
    return ident


def _private_feed(token: str, kind: str, subject_id: int | None = None) -> Response:
    if subject_id is not None:
        _known_id(subject_id)
    owner = services.token_owner(token)
    if owner is None:
        abort(404)
    token_id, reader = owner
    spec = services.FeedSpec(kind, subject_id, reader, token_id)
    return serve_feed(spec, f"{kind}-{subject_id}.ics" if subject_id else f"{kind}.ics")


@bp.route("/<token>/leader/<int:person_id>.ics")
@public
def leader_feed(token, person_id):
    return _private_feed(token, "leader", person_id)


@bp.route("/<token>/room/<int:room_id>.ics")
@public
def room_feed(token, room_id):
    return _private_feed(token, "room", room_id)


@bp.route("/<token>/unit/<int:unit_id>.ics")
@public
def unit_feed(token, unit_id):
    return _private_feed(token, "unit", unit_id)


@bp.route("/<token>/mine.ics")
@public
def my_feed(token):
    return _private_feed(token, "mine")


@bp.route("/<token>/all.ics")
@public
def all_feed(token):
    return _private_feed(token, "all")


@bp.route("/public.ics")
@public
def public_feed():
    return serve_feed(services.FeedSpec("public"), "public.ics")


@bp.route("/meeting/<int:meeting_id>.ics")
def meeting_download(meeting_id):
    """One meeting as an .ics file to add to a calendar (busy time only if the user is not cleared), in the
    language of the page it is taken from."""
    meeting = db.session.get(Meeting, _known_id(meeting_id)) or abort(404)
    body = services.meeting_calendar(meeting, current_user, services.base_url(), language=str(get_locale()))
    return Response(body, content_type=CONTENT_TYPE, headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"',
        "Cache-Control": "private, no-cache",
    })


def qr_svg(data: str) -> Markup:
    """A QR code as inline SVG (no external service, no image file)."""
    return Markup(segno.make(data, error="m").svg_inline(scale=3, svgclass="qr", lineclass=None))


@bp.route("")
def index():
    unit_id = request.args.get("unit", type=int)
    if unit_id is not None and not 0 < unit_id <= MAX_ID:  # no such unit (an id no database can hold)
        unit_id = None
    feeds = services.feeds_for(current_user, services.base_url(), unit_ids=[unit_id] if unit_id else [])
    return render_template("feeds/index.html", feeds=feeds, units=services.units() if feeds["has_token"] else [],
                           selected_unit=unit_id, qr_svg=qr_svg, now=datetime.now(UTC))


@bp.route("/token", methods=["POST"])
def regenerate_token():
    services.issue_token(current_user)
    db.session.commit()
    flash(_("New calendar links were created. Links you shared before no longer work."), "success")
    return redirect(url_for("feeds.index"))


@bp.route("/token/revoke", methods=["POST"])
def revoke_token():
    count = services.revoke_tokens(current_user)
    db.session.commit()
    if count:
        flash(_("Your calendar links were revoked: subscribed calendars stop updating now."), "success")
    return redirect(url_for("feeds.index"))
