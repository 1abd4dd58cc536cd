"""Directory API: units, people, rooms (read for everyone signed in; POST and PATCH for admins).

Errors are JSON in the request's language (the account's, Vietnamese by default), field by field (400 for
invalid fields and 409 for a duplicate code or name come from api.common's handlers of the services' errors). Booleans
(is_active, is_leader, is_bookable) must be JSON true or false: text such as "true" or "banana" is a 400 naming
the field. PATCH {"is_leader": false} also clears leader_role and leader_rank (giving either with it is a 400,
as on creation). A PATCH that deactivates answers with "warnings": what still relies on the row (upcoming
meetings, sub-units, people), which deactivating does not change. A field the resource does not have (a typo such
as "capcity") is a 400 naming it; the read-only fields of a GET answer (id, has_photo, current_successor_ids) are
ignored, so that an object read, changed and sent back is accepted.
"""

import sqlalchemy as sa
from flask import abort, jsonify, request
from flask_babel import gettext

from meetingsvc.api import bp
from meetingsvc.api.common import api_roles, date_param, error, int_param, json_body
from meetingsvc.core.text import matches_all
from meetingsvc.directory import services
from meetingsvc.directory.models import Person, Room, Unit, UnitGroup
from meetingsvc.extensions import db


def unit_json(unit: Unit) -> dict:
    return {
        "id": unit.id, "code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
        "parent_id": unit.parent_id, "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None, "sort_order": unit.sort_order,
        "is_active": unit.is_active, "successor_ids": sorted(s.id for s in unit.successors),
    }


def person_json(person: Person) -> dict:
    return {
        "id": person.id, "full_name": person.full_name, "title": person.title, "unit_id": person.unit_id,
        "email": person.email, "phone": person.phone, "is_leader": person.is_leader,
        "leader_role": person.leader_role, "leader_rank": person.leader_rank, "is_active": person.is_active,
    }


def room_json(room: Room) -> dict:
    return {
        "id": room.id, "name": room.name, "building": room.building, "capacity": room.capacity,
        "equipment": list(room.equipment or []), "is_bookable": room.is_bookable, "is_active": room.is_active,
        "has_photo": room.photo_mimetype is not None,
    }


def group_json(group: UnitGroup) -> dict:
    return {"id": group.id, "name": group.name, "description": group.description, "is_active": group.is_active,
            "unit_ids": [u.id for u in group.units]}


def _fail(status: int, message: str, **fields):
    abort(error(status, message, **({"fields": fields} if fields else {})))


def _active_filter(column):
    raw = (request.args.get("active") or "true").lower()
    if raw in ("true", "1", "yes"):
        return column.is_(True)
    if raw in ("false", "0", "no"):
        return column.is_(False)
    if raw == "all":
        return sa.true()
    _fail(400, gettext("'active' must be true, false or all."), active=gettext("true, false or all"))


def _get_or_404(model, object_id):
    obj = db.session.get(model, object_id)
    if obj is None:
        messages = {Unit: gettext("No unit with id %(id)s.", id=object_id),
                    Person: gettext("No person with id %(id)s.", id=object_id),
                    Room: gettext("No room with id %(id)s.", id=object_id)}
        _fail(404, messages[model])
    return obj


# What a GET answers but a client cannot set: sent back unchanged (a GET, edit, PATCH round trip), it is ignored.
READ_ONLY = {"id", "has_photo", "current_successor_ids"}
WRITABLE = {
    Unit: set(services.UNIT_FIELDS) | {"is_active"},
    Person: set(services.PERSON_FIELDS) | {"is_active"},
    Room: set(services.ROOM_FIELDS) | {"is_active"},
}


def _body(model) -> dict:
    """The JSON object of a POST or PATCH; a field the model does not have (a typo such as "capcity") is a 400
    naming it, so that nothing is taken as saved that was not."""
    data = json_body()
    unknown = sorted(set(data) - WRITABLE[model] - READ_ONLY)
    if unknown:
        _fail(400, gettext("Unknown fields: %(names)s. Fields that can be set: %(known)s.",
                           names=", ".join(unknown), known=", ".join(sorted(WRITABLE[model]))),
              **{name: gettext("unknown field") for name in unknown})
    return {k: v for k, v in data.items() if k not in READ_ONLY}


def _commit():
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        _fail(409, gettext("The change clashes with an existing row (duplicate code or name)."))


def _patched(obj, data: dict, update, as_json):
    """Apply a PATCH; a deactivation answers with what still relies on the row."""
    warnings = services.deactivation_warnings(obj) if data.get("is_active") is False and obj.is_active else []
    update(obj, data, partial=True)
    _commit()
    body = as_json(obj)
    if warnings:
        body["warnings"] = warnings
    return jsonify(body)


@bp.route("/units")
def list_units():
    kind = request.args.get("kind") or None
    on_date = date_param("on_date")
    parent_id = int_param("parent_id")
    query = sa.select(Unit).where(_active_filter(Unit.is_active), matches_all(Unit.search_text, request.args.get("q")))
    if kind:
        query = query.where(Unit.kind.in_(kind.split(",")))
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if on_date is not None:
        query = query.where(sa.or_(Unit.valid_from.is_(None), Unit.valid_from <= on_date),
                            sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= on_date))
    units = db.session.scalars(query.order_by(Unit.sort_order, Unit.name, Unit.code)).all()
    services.load_successors(units)
    return jsonify(units=[unit_json(u) for u in units])


@bp.route("/units/<int:unit_id>")
def get_unit(unit_id):
    unit = _get_or_404(Unit, unit_id)
    data = unit_json(unit)
    data["current_successor_ids"] = [u.id for u in services.current_successors(unit)]
    return jsonify(data)


@bp.route("/units", methods=["POST"])
@api_roles("admin")
def create_unit():
    unit = services.create_unit(_body(Unit))
    _commit()
    return jsonify(unit_json(unit)), 201


@bp.route("/units/<int:unit_id>", methods=["PATCH"])
@api_roles("admin")
def patch_unit(unit_id):
    return _patched(_get_or_404(Unit, unit_id), _body(Unit), services.update_unit, unit_json)


@bp.route("/people")
def list_people():
    query = sa.select(Person).where(_active_filter(Person.is_active),
                                    matches_all(Person.search_text, request.args.get("q")))
    unit_id = int_param("unit_id")
    if unit_id is not None:
        query = query.where(Person.unit_id == unit_id)
    if (request.args.get("leaders") or "").lower() in ("true", "1", "yes"):
        query = query.where(Person.is_leader.is_(True))
    order = (Person.is_leader.desc(), sa.func.coalesce(Person.leader_rank, 9999), Person.full_name, Person.id)
    people = db.session.scalars(query.order_by(*order)).unique().all()
    return jsonify(people=[person_json(p) for p in people])


@bp.route("/people/<int:person_id>")
def get_person(person_id):
    return jsonify(person_json(_get_or_404(Person, person_id)))


@bp.route("/people", methods=["POST"])
@api_roles("admin")
def create_person():
    person = services.create_person(_body(Person))
    _commit()
    return jsonify(person_json(person)), 201


@bp.route("/people/<int:person_id>", methods=["PATCH"])
@api_roles("admin")
def patch_person(person_id):
    return _patched(_get_or_404(Person, person_id), _body(Person), services.update_person, person_json)


@bp.route("/rooms")
def list_rooms():
    query = sa.select(Room).where(_active_filter(Room.is_active), matches_all(Room.search_text, request.args.get("q")))
    if (request.args.get("bookable") or "").lower() in ("true", "1", "yes"):
        query = query.where(Room.is_bookable.is_(True))
    min_capacity = int_param("min_capacity")
    if min_capacity is not None:
        query = query.where(Room.capacity >= min_capacity)
    rooms = db.session.scalars(query.order_by(Room.name)).all()
    return jsonify(rooms=[room_json(r) for r in rooms])


@bp.route("/rooms/<int:room_id>")
def get_room(room_id):
    return jsonify(room_json(_get_or_404(Room, room_id)))


@bp.route("/rooms", methods=["POST"])
@api_roles("admin")
def create_room():
    room = services.create_room(_body(Room))
    _commit()
    return jsonify(room_json(room)), 201


@bp.route("/rooms/<int:room_id>", methods=["PATCH"])
@api_roles("admin")
def patch_room(room_id):
    return _patched(_get_or_404(Room, room_id), _body(Room), services.update_room, room_json)


@bp.route("/unit-groups")
def list_unit_groups():
    groups = db.session.scalars(sa.select(UnitGroup).where(_active_filter(UnitGroup.is_active))
                                .order_by(UnitGroup.name)).all()
    return jsonify(groups=[group_json(g) for g in groups])


# ---- OpenAPI -------------------------------------------------------------------------------------------

_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ACTIVE = {"name": "active", "in": "query", "schema": {"type": "string", "enum": ["true", "false", "all"], "default": "true"}}
_Q = {"name": "q", "in": "query", "description": "words to find, with or without diacritics", "schema": {"type": "string"}}


def _id(name):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


def _collection(tag, schema, key, params, create_schema):
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "get": {"tags": [tag], "summary": f"List {key}", "parameters": params, "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {
                "type": "object", "properties": {key: {"type": "array", "items": ref}}}}}}}},
        "post": {"tags": [tag], "summary": "Add (admins)", "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": f"#/components/schemas/{create_schema}"}}}},
            "responses": {"201": {"description": "Created", "content": {"application/json": {"schema": ref}}},
                          "400": {"description": "Invalid fields", **_ERR}, "403": {"description": "Not an admin", **_ERR},
                          "409": {"description": "Duplicate code or name", **_ERR}}},
    }


def _item(tag, schema, id_name, create_schema):
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {
        "get": {"tags": [tag], "parameters": [_id(id_name)], "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": ref}}},
            "404": {"description": "Not found", **_ERR}}},
        "patch": {"tags": [tag], "summary": "Change some fields (admins); is_active false deactivates",
                  "description": "Booleans are JSON true/false (text is a 400 naming the field). is_leader false "
                                 "clears leader_role and leader_rank. A deactivation answers with \"warnings\": "
                                 "what still relies on the row (upcoming meetings, sub-units, people). An unknown "
                                 "field is a 400 naming it; read-only fields of a GET answer are ignored.",
                  "parameters": [_id(id_name)], "requestBody": {"required": True, "content": {
                      "application/json": {"schema": {"$ref": f"#/components/schemas/{create_schema}"}}}},
                  "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": ref}}},
                                "400": {"description": "Invalid fields", **_ERR},
                                "403": {"description": "Not an admin", **_ERR},
                                "404": {"description": "Not found", **_ERR},
                                "409": {"description": "Duplicate code or name", **_ERR}}},
    }


_UNIT_INPUT = {"type": "object", "properties": {
    "code": {"type": "string", "maxLength": 32}, "name": {"type": "string"}, "short_name": {"type": "string"},
    "kind": {"type": "string", "enum": ["city", "office", "department", "district", "ward", "commune", "township",
                                         "special_zone", "other"]},
    "parent_id": {"type": "integer", "nullable": True}, "valid_from": {"type": "string", "format": "date"},
    "valid_to": {"type": "string", "format": "date"}, "sort_order": {"type": "integer"},
    "successor_ids": {"type": "array", "items": {"type": "integer"}}, "is_active": {"type": "boolean"}}}
_PERSON_INPUT = {"type": "object", "properties": {
    "full_name": {"type": "string"}, "title": {"type": "string"}, "unit_id": {"type": "integer", "nullable": True},
    "email": {"type": "string", "format": "email"}, "phone": {"type": "string"}, "is_leader": {"type": "boolean"},
    "leader_role": {"type": "string", "enum": ["chairman", "standing_vice_chairman", "vice_chairman",
                                                "committee_member"], "nullable": True},
    "leader_rank": {"type": "integer", "minimum": 1, "nullable": True}, "is_active": {"type": "boolean"}}}
_ROOM_INPUT = {"type": "object", "properties": {
    "name": {"type": "string"}, "building": {"type": "string"}, "capacity": {"type": "integer", "minimum": 1},
    "equipment": {"type": "array", "items": {"type": "string"}}, "is_bookable": {"type": "boolean"},
    "is_active": {"type": "boolean"}}}


def _with_id(schema, extra=None):
    return {"type": "object", "properties": {"id": {"type": "integer"}, **schema["properties"], **(extra or {})}}


OPENAPI = {
    "paths": {
        "/units": _collection("directory", "Unit", "units", [
            _Q, _ACTIVE, {"name": "kind", "in": "query", "description": "one kind or several separated by commas",
                          "schema": {"type": "string"}},
            {"name": "parent_id", "in": "query", "schema": {"type": "integer"}},
            {"name": "on_date", "in": "query", "description": "only units valid on this date",
             "schema": {"type": "string", "format": "date"}}], "UnitInput"),
        "/units/{unit_id}": _item("directory", "Unit", "unit_id", "UnitInput"),
        "/people": _collection("directory", "Person", "people", [
            _Q, _ACTIVE, {"name": "unit_id", "in": "query", "schema": {"type": "integer"}},
            {"name": "leaders", "in": "query", "schema": {"type": "boolean"}}], "PersonInput"),
        "/people/{person_id}": _item("directory", "Person", "person_id", "PersonInput"),
        "/rooms": _collection("directory", "Room", "rooms", [
            _Q, _ACTIVE, {"name": "bookable", "in": "query", "schema": {"type": "boolean"}},
            {"name": "min_capacity", "in": "query", "schema": {"type": "integer"}}], "RoomInput"),
        "/rooms/{room_id}": _item("directory", "Room", "room_id", "RoomInput"),
        "/unit-groups": {"get": {"tags": ["directory"], "summary": "Saved groups of units", "parameters": [_ACTIVE],
                                 "responses": {"200": {"description": "OK"}}}},
    },
    "components": {"schemas": {
        "UnitInput": _UNIT_INPUT, "PersonInput": _PERSON_INPUT, "RoomInput": _ROOM_INPUT,
        "Unit": _with_id(_UNIT_INPUT), "Person": _with_id(_PERSON_INPUT),
        "Room": _with_id(_ROOM_INPUT, {"has_photo": {"type": "boolean"}}),
    }},
}
