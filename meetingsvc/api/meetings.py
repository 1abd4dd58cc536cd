"""Meetings and the free-slot finder over JSON: thin handlers over meetings.services and meetings.availability.

Classified meetings come back to callers not cleared for them as busy slots (time, status, leaders only).
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meetingsvc.api import bp
from meetingsvc.api.common import api_roles, date_param, error, int_param, json_body
from meetingsvc.auth.models import SECRET_LEVELS, classification_rank
from meetingsvc.core.auth import BOOKING_ROLES, can_see_meeting
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import local_day_bounds, local_today
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings import availability as slots_service
from meetingsvc.meetings import services
from meetingsvc.meetings.conflicts import WarningsNotAccepted
from meetingsvc.meetings.models import KINDS, STATUSES, Attendee, Meeting, MeetingLeader
from meetingsvc.meetings.validation import INPUT_FIELDS, MAX_ID, MAX_IDS, READ_LAST_DAY, some_ids
from meetingsvc.meetings.visibility import present

MAX_PER_PAGE = 200
DEFAULT_SPAN_DAYS = 31
MAX_SPAN_DAYS = 400
MAX_PAGE = 100000
# The service names the free-slot finder's inputs as the form does; the API answers with its parameters' names.
AVAILABILITY_PARAMS = {"leader_ids": "leader", "room_id": "room", "min_capacity": "min_capacity",
                       "duration": "duration", "first_day": "from", "last_day": "to"}


def _person(p):
    return {"id": p.id, "name": p.full_name, "label": p.label} if p else None


def meeting_json(meeting, user) -> dict:
    shown = present(meeting, user)
    base = {
        "id": meeting.id,
        "url": f"/meetings/{meeting.id}",
        "start_at": shown.start_at.isoformat(),
        "end_at": shown.end_at.isoformat(),
        "day_part": shown.day_part,
        "status": shown.status,
        "sequence": shown.sequence,
        "chair": _person(shown.chair),
        "co_chairs": [_person(p) for p in shown.co_chairs],
        "attending_leaders": [_person(p) for p in shown.attending_leaders],
    }
    if getattr(shown, "is_masked", False):
        return {**base, "busy": True, "title": shown.title, "classification": "classified"}
    return {
        **base,
        "busy": False,
        "title": meeting.title,
        "kind": meeting.kind,
        "status_reason": meeting.status_reason,
        "mode": meeting.mode,
        "classification": meeting.classification,
        "is_urgent": meeting.is_urgent,
        "room": {"id": meeting.room.id, "name": meeting.room.name} if meeting.room else None,
        "location": meeting.location,
        "preparing_unit": {"id": meeting.preparing_unit.id, "name": meeting.preparing_unit.name}
        if meeting.preparing_unit else None,
        "attendees": [
            {"person_id": a.person_id, "unit_id": a.unit_id, "label": a.label, "role": a.role, "response": a.response}
            for a in meeting.attendees
        ],
        "agenda": meeting.agenda,
        "series_id": meeting.series_id,
        "original_start_at": meeting.original_start_at.isoformat() if meeting.original_start_at else None,
        "is_detached": meeting.is_detached,
        "created_at": meeting.created_at.isoformat(),
        "updated_at": meeting.updated_at.isoformat(),
    }


def _visible_to(user):
    """SQL form of can_see_meeting: what `user` may see the content of."""
    hidden = [level for level in SECRET_LEVELS if classification_rank(level) > classification_rank(user.clearance)]
    if not hidden:
        return sa.true()
    own = []
    if user.person_id:
        own = [
            Meeting.chair_id == user.person_id,
            Meeting.id.in_(sa.select(MeetingLeader.meeting_id).where(MeetingLeader.person_id == user.person_id)),
            Meeting.id.in_(sa.select(Attendee.meeting_id).where(Attendee.person_id == user.person_id)),
        ]
    return sa.or_(Meeting.classification.not_in(hidden), *own)


def _warnings_response(exc: WarningsNotAccepted):
    return error(422, _("The booking has warnings; send it again with \"accept_warnings\": true to book anyway."),
                 warnings=[issue.as_dict() for issue in exc.issues])


def _load(meeting_id: int) -> Meeting:
    """The meeting, or a 404 (also for an id larger than any row can have: no database error)."""
    meeting = db.session.get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    if meeting is None:
        abort(error(404, _("Meeting %(id)s was not found.", id=meeting_id)))
    return meeting


def _changeable(meeting: Meeting):
    if not can_see_meeting(current_user, meeting):
        abort(error(403, _("Your account may not change this meeting.")))


def _known(model, name: str) -> int | None:
    """The id in query parameter `name`, or a 400 naming it when no such row exists."""
    value = int_param(name)
    if value is not None and db.session.get(model, value) is None:
        abort(error(400, _("Unknown %(name)s: %(ids)s.", name=name, ids=value), fields={name: "unknown"}))
    return value


def _booking_body() -> tuple[dict, bool]:
    """The meeting fields of the request and its accept_warnings flag; 400 for a field no booking has or a flag
    that is not true or false (a misspelt field would otherwise be ignored without a word)."""
    data = json_body()
    accept = data.pop("accept_warnings", False)
    fields = {}
    if not isinstance(accept, bool):
        fields["accept_warnings"] = "not a boolean"
    for name in sorted(set(data) - INPUT_FIELDS)[:20]:
        fields[name] = "unknown field"
    if fields:
        unknown = [name for name, why in fields.items() if why == "unknown field"]
        message = (_("Unknown fields: %(names)s (see MeetingInput in /api/v1/openapi.json).",
                     names=", ".join(unknown)) if unknown else _("'accept_warnings' must be true or false."))
        abort(error(400, message, fields=fields))
    return data, accept


def _codes(name: str, table: dict) -> list[str]:
    codes = [c for c in (request.args.get(name) or "").split(",") if c]
    unknown = [c for c in codes if c not in table]
    if unknown:
        abort(error(400, _("Unknown %(name)s: %(ids)s.", name=name, ids=some_ids(unknown)), fields={name: "unknown"}))
    return codes


@bp.route("/meetings", methods=["GET"])
def meetings_list():
    first = date_param("from", local_today())
    last = date_param("to", min(first + timedelta(days=DEFAULT_SPAN_DAYS - 1), READ_LAST_DAY))
    if last < first:
        return error(400, _("'to' must not be before 'from'."), fields={"to": "before from"})
    if (last - first).days >= MAX_SPAN_DAYS:
        return error(400, _("Ask for at most %(n)s days at a time.", n=MAX_SPAN_DAYS), fields={"to": "range too long"})
    page = int_param("page") or 1
    per_page = min(int_param("per_page") or 50, MAX_PER_PAGE)
    if page > MAX_PAGE:
        return error(400, _("'page' must be at most %(n)s.", n=MAX_PAGE), fields={"page": "too large"})
    start_at, end_at = local_day_bounds(first, last)
    query = sa.select(Meeting).where(Meeting.start_at < end_at, Meeting.end_at > start_at)
    leader, room, unit = _known(Person, "leader"), _known(Room, "room"), _known(Unit, "unit")
    if leader:
        led = sa.select(MeetingLeader.meeting_id).where(MeetingLeader.person_id == leader)
        query = query.where(sa.or_(Meeting.chair_id == leader, Meeting.id.in_(led)))
    if room:
        query = query.where(Meeting.room_id == room)
    content_filter = False
    if unit:
        invited = sa.select(Attendee.meeting_id).where(Attendee.unit_id == unit)
        query = query.where(sa.or_(Meeting.preparing_unit_id == unit, Meeting.id.in_(invited)))
        content_filter = True
    kinds = _codes("kind", KINDS)
    if kinds:
        query = query.where(Meeting.kind.in_(kinds))
        content_filter = True
    statuses = _codes("status", STATUSES)
    if statuses:
        query = query.where(Meeting.status.in_(statuses))
    if content_filter:  # a busy slot never reveals which unit or kind it is
        query = query.where(_visible_to(current_user))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(Meeting.start_at, Meeting.id).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return jsonify(items=[meeting_json(m, current_user) for m in rows], page=page, per_page=per_page, total=total,
                   **{"from": first.isoformat(), "to": last.isoformat()})


@bp.route("/meetings", methods=["POST"])
@api_roles(*BOOKING_ROLES)
def meetings_create():
    data, accept = _booking_body()
    try:
        meeting = services.create_meeting(data, current_user, accept_warnings=accept)
    except WarningsNotAccepted as exc:
        return _warnings_response(exc)
    response = jsonify(meeting_json(meeting, current_user))
    response.status_code = 201
    response.headers["Location"] = url_for("api.meetings_get", meeting_id=meeting.id)
    return response


@bp.route("/meetings/<int:meeting_id>", methods=["GET"])
def meetings_get(meeting_id):
    return jsonify(meeting_json(_load(meeting_id), current_user))


@bp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@api_roles(*BOOKING_ROLES)
def meetings_update(meeting_id):
    meeting = _load(meeting_id)
    _changeable(meeting)
    data, accept = _booking_body()
    if "repeat" in data:
        return error(400, _("A meeting's repetition cannot be changed; edit or cancel its occurrences."),
                     fields={"repeat": "not allowed here"})
    try:
        services.update_meeting(meeting, data, current_user, accept_warnings=accept)
    except WarningsNotAccepted as exc:
        return _warnings_response(exc)
    return jsonify(meeting_json(meeting, current_user))


@bp.route("/meetings/<int:meeting_id>", methods=["DELETE"])
@api_roles(*BOOKING_ROLES)
def meetings_cancel(meeting_id):
    meeting = _load(meeting_id)
    _changeable(meeting)
    reason = request.args.get("reason", "")
    if request.get_data():
        reason = json_body().get("reason", reason)
    services.cancel_meeting(meeting, reason, current_user)
    return jsonify(meeting_json(meeting, current_user))


@bp.route("/meetings/<int:meeting_id>/restore", methods=["POST"])
@api_roles(*BOOKING_ROLES)
def meetings_restore(meeting_id):
    meeting = _load(meeting_id)
    _changeable(meeting)
    data = json_body() if request.get_data() else {}
    accept = data.get("accept_warnings", False)
    if not isinstance(accept, bool):
        return error(400, _("'accept_warnings' must be true or false."), fields={"accept_warnings": "not a boolean"})
    try:
        services.restore_meeting(meeting, data.get("reason", ""), current_user, accept_warnings=accept)
    except WarningsNotAccepted as exc:
        return _warnings_response(exc)
    return jsonify(meeting_json(meeting, current_user))


@bp.route("/availability", methods=["GET"])
def availability():
    leaders = []
    for raw in request.args.getlist("leader"):
        for part in raw.split(","):
            if not part.strip().isdigit():
                return error(400, _("'leader' must be person ids."), fields={"leader": "not a number"})
            leaders.append(int(part))
    if len(leaders) > MAX_IDS:
        return error(400, _("At most %(n)s at a time (now %(count)s).", n=MAX_IDS, count=len(leaders)),
                     fields={"leader": "too many"})
    duration = int_param("duration")
    first = date_param("from", local_today())
    last = date_param("to", min(first + timedelta(days=13), READ_LAST_DAY))
    room, min_capacity = int_param("room"), int_param("min_capacity")
    if not leaders and not room and not min_capacity:
        min_capacity = 1  # nothing named: any free room
    try:
        found = slots_service.find_slots(leaders, timedelta(minutes=60 if duration is None else duration), first,
                                         last, room_id=room, min_capacity=min_capacity,
                                         limit=min(int_param("limit") or 10, 100))
    except ValidationError as exc:
        raise ValidationError({AVAILABILITY_PARAMS.get(name, name): message
                               for name, message in exc.fields.items()}) from None
    return jsonify(slots=[slot.as_dict() for slot in found])


# ---- OpenAPI -------------------------------------------------------------------------------------------------

_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_MEETING = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Meeting"}}}}
_ID = {"name": "meeting_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_CONFLICT = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Conflict"}}}}


def _q(name, description, schema=None):
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "integer"}}


_ERRORS = {
    "400": {"description": "Invalid input; `fields` names each offending field.", **_ERR},
    "401": {"description": "Not signed in and no valid Bearer token.", **_ERR},
    "403": {"description": "The account may not do this.", **_ERR},
}

OPENAPI = {
    "paths": {
        "/meetings": {
            "get": {
                "summary": "Meetings overlapping a date range (office time), filtered and paginated.",
                "parameters": [
                    _q("from", "First day, YYYY-MM-DD (default today; 1900-01-01 to 2999-12-31).",
                       {"type": "string", "format": "date"}),
                    _q("to", "Last day, YYYY-MM-DD (default from + 30 days; at most 400 days).",
                       {"type": "string", "format": "date"}),
                    _q("leader", "Person id: meetings they chair, co-chair or attend (400 if unknown)."),
                    _q("room", "Room id (400 if unknown)."),
                    _q("unit", "Unit id: preparing unit or invited unit (400 if unknown)."),
                    _q("kind", "Kind code(s), comma-separated.", {"type": "string"}),
                    _q("status", "Status code(s), comma-separated.", {"type": "string"}),
                    _q("page", "Page number from 1."),
                    _q("per_page", "Items per page (default 50, at most 200)."),
                ],
                "responses": {
                    "200": {"description": "A page of meetings.", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {
                            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Meeting"}},
                            "page": {"type": "integer"}, "per_page": {"type": "integer"},
                            "total": {"type": "integer"}, "from": {"type": "string", "format": "date"},
                            "to": {"type": "string", "format": "date"}}}}}},
                    **_ERRORS,
                },
            },
            "post": {
                "summary": "Book a meeting (secretary or admin). Room and chair clashes are refused (409).",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/MeetingInput"}}}},
                "responses": {
                    "201": {"description": "Booked; Location names the new meeting.", **_MEETING},
                    **_ERRORS,
                    "409": {"description": "The room is taken, or a chair or co-chair chairs or co-chairs another "
                                           "meeting then; `conflicts` lists each other meeting once.", **_CONFLICT},
                    "422": {"description": "Warnings not accepted; see `warnings`, resend with accept_warnings.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Warnings"}}}},
                },
            },
        },
        "/meetings/{meeting_id}": {
            "get": {
                "summary": "One meeting (a busy slot if it is classified above the caller's clearance).",
                "parameters": [_ID],
                "responses": {"200": {"description": "The meeting.", **_MEETING}, **_ERRORS,
                              "404": {"description": "No such meeting.", **_ERR}},
            },
            "patch": {
                "summary": "Change some fields of a meeting (secretary or admin).",
                "parameters": [_ID],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/MeetingInput"}}}},
                "responses": {
                    "200": {"description": "The changed meeting.", **_MEETING}, **_ERRORS,
                    "404": {"description": "No such meeting.", **_ERR},
                    "409": {"description": "The new time, room, chair or co-chairs clash.", **_CONFLICT},
                    "422": {"description": "Warnings not accepted.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Warnings"}}}},
                },
            },
            "delete": {
                "summary": "Cancel a meeting (the record is kept with status 'cancelled'; its slot is freed). "
                           "A reason is required, in the query or the body (400 without one).",
                "parameters": [_ID, _q("reason", "Why it is cancelled.", {"type": "string"})],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"reason": {"type": "string", "minLength": 1,
                                                                "maxLength": 2000}}}}}},
                "responses": {"200": {"description": "The cancelled meeting.", **_MEETING}, **_ERRORS,
                              "404": {"description": "No such meeting.", **_ERR}},
            },
        },
        "/meetings/{meeting_id}/restore": {
            "post": {
                "summary": "Bring a cancelled or postponed meeting back at its time (secretary or admin), checked as a "
                           "new booking: its room, chair or co-chairs may have been booked since.",
                "parameters": [_ID],
                "requestBody": {"required": False, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"reason": {"type": "string", "maxLength": 2000},
                                                     "accept_warnings": {"type": "boolean"}}}}}},
                "responses": {
                    "200": {"description": "The restored meeting.", **_MEETING}, **_ERRORS,
                    "404": {"description": "No such meeting.", **_ERR},
                    "409": {"description": "Its slot was booked since.", **_CONFLICT},
                    "422": {"description": "Warnings not accepted.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Warnings"}}}},
                },
            },
        },
        "/availability": {
            "get": {
                "summary": "Earliest free slots for every leader named (and a room) within working hours "
                           "(periods of the day: a slot never crosses the lunch break).",
                "parameters": [
                    _q("leader", "Person id(s); repeat the parameter or separate with commas.", {"type": "string"}),
                    _q("room", "A bookable room that must be free too."),
                    _q("min_capacity", "Or any bookable room with at least this many seats."),
                    _q("duration", "Minutes, more than 0 (default 60; 400 for 0)."),
                    _q("from", "First day (default today).", {"type": "string", "format": "date"}),
                    _q("to", "Last day (default from + 13 days; at most 92 days).",
                       {"type": "string", "format": "date"}),
                    _q("limit", "How many slots (default 10, at most 100)."),
                ],
                "responses": {"200": {"description": "Slots, earliest first.", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {
                        "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}}}}}},
                    **_ERRORS},
            }
        },
    },
    "components": {"schemas": {
        "Person": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                    "label": {"type": "string"}}},
        "Meeting": {
            "type": "object",
            "description": "When `busy` is true the caller is not cleared for it: only time, status and leaders.",
            "properties": {
                "id": {"type": "integer"}, "url": {"type": "string"}, "busy": {"type": "boolean"},
                "title": {"type": "string"}, "kind": {"type": "string", "enum": list(KINDS)},
                "start_at": {"type": "string", "format": "date-time"},
                "end_at": {"type": "string", "format": "date-time"},
                "day_part": {"type": "string", "enum": ["morning", "afternoon", "evening", "all_day"]},
                "status": {"type": "string", "enum": list(STATUSES)}, "status_reason": {"type": "string"},
                "sequence": {"type": "integer"}, "mode": {"type": "string"}, "classification": {"type": "string"},
                "is_urgent": {"type": "boolean"},
                "chair": {"$ref": "#/components/schemas/Person"},
                "co_chairs": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
                "attending_leaders": {"type": "array", "items": {"$ref": "#/components/schemas/Person"}},
                "room": {"type": "object", "nullable": True}, "location": {"type": "string"},
                "preparing_unit": {"type": "object", "nullable": True},
                "attendees": {"type": "array", "items": {"type": "object"}}, "agenda": {"type": "string"},
                "series_id": {"type": "integer", "nullable": True},
                "original_start_at": {"type": "string", "format": "date-time", "nullable": True},
                "is_detached": {"type": "boolean"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "MeetingInput": {
            "type": "object",
            "description": "Times: either start_at/end_at (ISO 8601; without an offset = office time) or date "
                           "(+ end_date) with start/end ('08:30' or '8h30'), or date with day_part. Meetings are "
                           "booked from BOOKING_FIRST_DAY (2000-01-01) to BOOKING_YEARS_AHEAD (10) years ahead. "
                           "Text must not contain NUL characters; id lists hold at most 2000 ids. On an edit, people, "
                           "units and a room the meeting already has are kept even if deactivated since; new ones "
                           "must be active, and units valid on the meeting's day. A field not listed here is "
                           "refused (400, `fields` names it).",
            "additionalProperties": False,
            "properties": {
                "title": {"type": "string", "maxLength": 500},
                "kind": {"type": "string", "enum": list(KINDS)},
                "start_at": {"type": "string", "format": "date-time"},
                "end_at": {"type": "string", "format": "date-time"},
                "date": {"type": "string", "format": "date"}, "end_date": {"type": "string", "format": "date"},
                "start": {"type": "string", "example": "08:30"}, "end": {"type": "string", "example": "11:30"},
                "day_part": {"type": "string", "enum": ["morning", "afternoon", "evening", "all_day"]},
                "status": {"type": "string", "enum": ["draft", "scheduled", "held"]},
                "chair_id": {"type": "integer", "nullable": True},
                "co_chair_ids": {"type": "array", "items": {"type": "integer"}},
                "attending_leader_ids": {"type": "array", "items": {"type": "integer"}},
                "room_id": {"type": "integer", "nullable": True},
                "location": {"type": "string", "maxLength": 300},
                "attendee_person_ids": {"type": "array", "items": {"type": "integer"}},
                "attendee_unit_ids": {"type": "array", "items": {"type": "integer"}},
                "attendee_group_ids": {"type": "array", "items": {"type": "integer"}, "description": (
                    "Saved groups of units (GET /api/v1/unit-groups) to invite: their members valid on the "
                    "meeting's day are added to attendee_unit_ids; a group with none that day is a 400.")},
                "preparing_unit_id": {"type": "integer", "nullable": True},
                "agenda": {"type": "string", "maxLength": 20000},
                "notes": {"type": "string", "maxLength": 20000, "description": "The office's notes."},
                "counterpart": {"type": "string", "maxLength": 300, "nullable": True,
                                "description": "The delegation or body met (working sessions)."},
                "is_foreign": {"type": "boolean", "description": "A foreign delegation or enterprise."},
                "people_count": {"type": "integer", "minimum": 0, "nullable": True,
                                 "description": "Citizens received (citizen reception)."},
                "session_kind": {"type": "string", "enum": ["regular", "thematic", "extraordinary"],
                                 "nullable": True, "description": "People's Committee sessions only."},
                "classification": {"type": "string", "enum": ["public", "internal", "mat", "toi_mat", "tuyet_mat"]},
                "mode": {"type": "string", "enum": ["in_person", "online", "hybrid"]},
                "is_urgent": {"type": "boolean"},
                "invitation_sent_at": {"type": "string", "format": "date-time"},
                "repeat": {"type": "object", "description": "POST only: a repeating meeting, one row per occurrence.",
                           "properties": {"freq": {"type": "string", "enum": ["weekly", "monthly"]},
                                          "interval": {"type": "integer", "minimum": 1},
                                          "weekdays": {"type": "array", "items": {"type": "integer",
                                                                                  "minimum": 0, "maximum": 6}},
                                          "until": {"type": "string", "format": "date"},
                                          "count": {"type": "integer", "minimum": 1},
                                          "rrule": {"type": "string"}}},
                "accept_warnings": {"type": "boolean", "description": "Book even with warnings (true or false)."},
            },
        },
        "Warnings": {"type": "object", "properties": {
            "error": {"type": "integer"}, "message": {"type": "string"},
            "warnings": {"type": "array", "items": {"type": "object", "properties": {
                "code": {"type": "string", "enum": ["person_busy", "capacity", "non_working_day", "lead_time",
                                                    "duration", "past", "unit_not_valid"]},
                "message": {"type": "string"}, "field": {"type": "string", "nullable": True},
                "meetings": {"type": "array", "items": {"type": "object"}}}}}}},
        "Conflict": {
            "type": "object", "required": ["error", "message", "conflicts"],
            "description": "A refused booking. Each other meeting is listed once, with what clashes with it. A "
                           "meeting the caller is not cleared for shows only its time and 'Họp (nội dung mật)'.",
            "properties": {
                "error": {"type": "integer", "example": 409}, "message": {"type": "string"},
                "conflicts": {"type": "array", "items": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "url": {"type": "string"}, "title": {"type": "string"},
                    "start_at": {"type": "string", "format": "date-time"},
                    "end_at": {"type": "string", "format": "date-time"},
                    "kinds": {"type": "array", "items": {"type": "string", "enum": ["room", "chair", "co_chair"]},
                              "description": "room: the same room; chair: the same chair; co_chair: a leader who "
                                             "chairs one and co-chairs the other, or co-chairs both."}}}}}},
        "Slot": {"type": "object", "properties": {
            "start_at": {"type": "string", "format": "date-time"}, "end_at": {"type": "string", "format": "date-time"},
            "free_until": {"type": "string", "format": "date-time"},
            "room": {"type": "object", "nullable": True}}},
    }},
}
