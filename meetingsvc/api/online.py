"""Bridge points of a meeting: /api/v1/meetings/<id>/endpoints (list, add one or many, change, remove).

A classified meeting the caller is not cleared for answers 404, exactly like a meeting that does not exist:
its bridge points are never listed.
"""

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from meetingsvc.api import bp
from meetingsvc.api.common import error, json_body
from meetingsvc.core.auth import can_see_meeting
from meetingsvc.extensions import db
from meetingsvc.meetings.models import Meeting
from meetingsvc.online import services
from meetingsvc.online.models import BridgePoint

SINGLE_FIELDS = ("unit_id", "unit_code", "site_name", "is_host", "address", "contact_person_id", "contact_name",
                 "contact_phone", "planned_participants", "actual_participants")


def _meeting(meeting_id) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id) if meeting_id <= services.MAX_ID else None
    if meeting is None or not can_see_meeting(current_user, meeting):
        abort(error(404, _("Meeting %(id)s was not found.", id=meeting_id)))
    return meeting


def _point(meeting, point_id) -> BridgePoint:
    point = db.session.get(BridgePoint, point_id) if point_id <= services.MAX_ID else None
    if point is None or point.meeting_id != meeting.id:
        abort(error(404, _("Bridge point %(id)s is not on this meeting.", id=point_id)))
    return point


def point_json(row) -> dict:
    """A bridge point as JSON, from a row of online.services.point_rows."""
    return {
        "id": row.id,
        "label": row.label,
        "unit": {"id": row.unit_id, "code": row.unit_code, "name": row.unit_name, "kind": row.unit_kind}
        if row.unit_id else None,
        "site_name": row.site_name,
        "is_host": row.is_host,
        "address": row.address,
        "contact_person_id": row.contact_person_id,
        "contact_name": row.contact_name,
        "contact_phone": row.contact_phone,
        "planned_participants": row.planned_participants,
        "actual_participants": row.actual_participants,
        "connection_status": row.connection_status,
        "connection_note": row.connection_note,
        "checked_at": row.checked_at.isoformat() if row.checked_at else None,
        "checked_by_id": row.checked_by_id,
    }


def _points_json(meeting_id, point_ids=None) -> list[dict]:
    return [point_json(r) for r in services.point_rows(meeting_id, point_ids)]


def _totals_json(totals: services.Totals) -> dict:
    return {"points": totals.points, "planned": totals.planned, "actual": totals.actual}


def _editor() -> bool:
    return services.can_edit_online(current_user)


@bp.route("/meetings/<int:meeting_id>/endpoints", methods=["GET", "POST", "DELETE"], endpoint="online_endpoints")
def online_endpoints(meeting_id):
    meeting = _meeting(meeting_id)
    if request.method == "GET":
        return jsonify(
            meeting_id=meeting.id,
            mode=meeting.mode,
            is_relayed=meeting.is_relayed,
            origin_network=meeting.origin_network,
            counts_in_joint_total=services.counts_in_joint_total(meeting),
            online={"provider": meeting.online_provider, "join_url": meeting.join_url,
                    "meeting_code": meeting.online_meeting_code, "passcode": meeting.passcode,
                    "dial_in": meeting.dial_in},
            totals=_totals_json(services.meeting_totals(meeting)),
            endpoints=_points_json(meeting.id),
        )
    if not _editor():
        return error(403, _("Your account may not do this."))
    data = json_body()
    if request.method == "DELETE":
        if data.get("all") is True:
            removed = services.remove_points(meeting, remove_all=True, user=current_user)
        elif isinstance(data.get("ids"), list):
            removed = services.remove_points(meeting, data["ids"], user=current_user)
        else:
            return error(400, _("Send {\"ids\": [...]} or {\"all\": true}."), fields={"ids": "missing"})
        return jsonify(removed=removed, totals=_totals_json(services.meeting_totals(meeting)))
    if "selection" in data:
        selection = data["selection"]
        if not isinstance(selection, dict):
            return error(400, _("'selection' must be an object."), fields={"selection": "not an object"})
        ints = {}
        for key in ("parent_id", "group_id"):
            value = selection.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                return error(400, _("'%(name)s' must be a whole number.", name=key), fields={key: "not a number"})
            ints[key] = value
        result = services.add_points_bulk(meeting, kind=selection.get("kind"), **ints,
                                          planned_participants=data.get("planned_participants"), user=current_user)
        return jsonify(added=len(result.added), skipped=result.skipped,
                       endpoints=_points_json(meeting.id, [p.id for p in result.added]),
                       totals=_totals_json(services.meeting_totals(meeting)))
    unknown = set(data) - set(SINGLE_FIELDS)
    if unknown:
        return error(400, _("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))),
                     fields={k: "unknown field" for k in sorted(unknown)})
    point = services.add_point(meeting, data, user=current_user)
    return jsonify(_points_json(meeting.id, [point.id])[0]), 201


@bp.route("/meetings/<int:meeting_id>/endpoints/<int:point_id>", methods=["PATCH", "DELETE"],
          endpoint="online_endpoint")
def online_endpoint(meeting_id, point_id):
    meeting = _meeting(meeting_id)
    point = _point(meeting, point_id)
    if request.method == "DELETE":
        if not _editor():
            return error(403, _("Your account may not do this."))
        services.remove_points(meeting, [point.id], user=current_user)
        return "", 204
    if not services.can_record(current_user):
        return error(403, _("Your account may not do this."))
    data = json_body()
    try:
        services.update_point(point, data, user=current_user)
    except PermissionError as exc:
        db.session.rollback()
        return error(403, _("Technicians may change only actual participants and the connection check."),
                     fields={k: "not allowed" for k in str(exc).split(", ")})
    return jsonify(_points_json(meeting.id, [point_id])[0])


_BOOLEAN = ('A JSON boolean, true or false. Anything else (the string "false", 0, 1, null when changing) is '
            "refused with 400 naming the field.")
_ACTUAL = ("Only once the meeting has started: before, a figure is refused with 400 (field actual_participants); "
           "planned figures at any time.")
_POINT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "label": {"type": "string"},
        "unit": {"type": "object", "nullable": True, "properties": {
            "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
            "kind": {"type": "string"}}},
        "site_name": {"type": "string", "nullable": True},
        "is_host": {"type": "boolean", "description": _BOOLEAN},
        "address": {"type": "string"},
        "contact_person_id": {"type": "integer", "nullable": True},
        "contact_name": {"type": "string"},
        "contact_phone": {"type": "string"},
        "planned_participants": {"type": "integer", "nullable": True, "minimum": 0,
                                 "maximum": services.MAX_PARTICIPANTS_PER_POINT},
        "actual_participants": {"type": "integer", "nullable": True, "minimum": 0,
                                "maximum": services.MAX_PARTICIPANTS_PER_POINT, "description": _ACTUAL},
        "connection_status": {"type": "string", "enum": list(services.CONNECTION_STATUSES)},
        "connection_note": {"type": "string"},
        "checked_at": {"type": "string", "format": "date-time", "nullable": True},
        "checked_by_id": {"type": "integer", "nullable": True},
    },
}
_TOTALS = {"type": "object", "properties": {"points": {"type": "integer"},
                                             "planned": {"type": "integer", "nullable": True},
                                             "actual": {"type": "integer", "nullable": True}}}
_ERRORS = {
    "400": {"description": "Bad input; nothing was written",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "403": {"description": "Your role may not do this"},
    "404": {"description": "No such meeting, or a classified meeting you are not cleared for"},
}
_MEETING_ID = {"name": "meeting_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_POINT_ID = {"name": "point_id", "in": "path", "required": True, "schema": {"type": "integer"}}

OPENAPI = {
    "paths": {
        "/meetings/{meeting_id}/endpoints": {
            "parameters": [_MEETING_ID],
            "get": {
                "summary": "Bridge points of a meeting, its online link and the totals",
                "tags": ["online"],
                "responses": {"200": {"description": "The bridge points", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/BridgePointList"}}}}, "404": _ERRORS["404"]},
            },
            "post": {
                "summary": "Add one bridge point, or many by selection (secretaries, admins)",
                "description": "One: {unit_id | unit_code | site_name, is_host, address, contact_name, contact_phone,"
                               " planned_participants}. Many: {selection: {kind: district|commune|department,"
                               " parent_id, group_id}, planned_participants}; units present already are skipped and"
                               " counted; a selection that finds no unit on the meeting's date is refused (400, with"
                               " the reason). The same bridge point twice is refused (400).",
                "tags": ["online"],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "oneOf": [{"$ref": "#/components/schemas/BridgePointNew"},
                              {"$ref": "#/components/schemas/BridgePointSelection"}]}}}},
                "responses": {
                    "201": {"description": "Added one", "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/BridgePoint"}}}},
                    "200": {"description": "Added many: {added, skipped, endpoints, totals}"},
                    **_ERRORS,
                },
            },
            "delete": {
                "summary": "Remove selected bridge points ({ids: [...]}) or all ({all: true})",
                "tags": ["online"],
                "responses": {"200": {"description": "{removed, totals}"}, **_ERRORS},
            },
        },
        "/meetings/{meeting_id}/endpoints/{point_id}": {
            "parameters": [_MEETING_ID, _POINT_ID],
            "patch": {
                "summary": "Change a bridge point: technicians only actual_participants, connection_status, "
                           "connection_note",
                "tags": ["online"],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/BridgePointChange"}}}},
                "responses": {"200": {"description": "The bridge point", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/BridgePoint"}}}}, **_ERRORS},
            },
            "delete": {"summary": "Remove a bridge point", "tags": ["online"],
                       "responses": {"204": {"description": "Removed"}, **_ERRORS}},
        },
    },
    "components": {"schemas": {
        "BridgePoint": _POINT,
        "BridgePointList": {"type": "object", "properties": {
            "meeting_id": {"type": "integer"},
            "mode": {"type": "string", "enum": ["in_person", "online", "hybrid"]},
            "is_relayed": {"type": "boolean"},
            "origin_network": {"type": "string"},
            "counts_in_joint_total": {"type": "boolean",
                                      "description": "False for a relayed conference: its origin counts it."},
            "online": {"type": "object", "properties": {k: {"type": "string"} for k in (
                "provider", "join_url", "meeting_code", "passcode", "dial_in")}},
            "totals": _TOTALS,
            "endpoints": {"type": "array", "items": {"$ref": "#/components/schemas/BridgePoint"}},
        }},
        "BridgePointNew": {"type": "object", "properties": {
            "unit_id": {"type": "integer"}, "unit_code": {"type": "string"}, "site_name": {"type": "string"},
            "is_host": {"type": "boolean", "description": _BOOLEAN}, "address": {"type": "string"},
            "contact_person_id": {"type": "integer"}, "contact_name": {"type": "string"},
            "contact_phone": {"type": "string"}, "planned_participants": {"type": "integer", "minimum": 0},
            "actual_participants": {"type": "integer", "minimum": 0, "description": _ACTUAL}}},
        "BridgePointSelection": {"type": "object", "required": ["selection"], "properties": {
            "selection": {"type": "object", "properties": {
                "kind": {"type": "string", "enum": list(services.SELECTIONS)},
                "parent_id": {"type": "integer"}, "group_id": {"type": "integer"}}},
            "planned_participants": {"type": "integer", "minimum": 0}}},
        "BridgePointChange": {"type": "object", "properties": {
            k: v for k, v in _POINT["properties"].items() if k in services.POINT_FIELDS}},
    }},
}
