"""The OpenAPI 3 document, merged from each API module's OPENAPI dict."""

from flask import jsonify

from meetingsvc.api import API_MODULES, bp
from meetingsvc.core.auth import public

BASE = {
    "openapi": "3.0.3",
    "info": {"title": "meetingsvc API", "version": "1", "description": "Meetings, rooms, schedules and counts of a People's Committee Office."},
    "servers": [{"url": "/api/v1"}],
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "An API token (flask token create)."},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error", "message"],
                "properties": {
                    "error": {"type": "integer"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    "conflicts": {"type": "array", "items": {"type": "object"}},
                },
            }
        },
    },
    "security": [{"bearer": []}, {"session": []}],
}


def as_openapi_30(node):
    """`node` with JSON Schema's list of types (OpenAPI 3.1: {"type": ["integer", "null"]}) written the 3.0 way
    ({"type": "integer", "nullable": true}): the document says 3.0.3, and a module may write either."""
    if isinstance(node, list):
        return [as_openapi_30(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: as_openapi_30(value) for key, value in node.items()}
    types = out.get("type")
    if isinstance(types, list):
        named = [t for t in types if t != "null"]
        if len(named) < len(types):
            out["nullable"] = True
        if len(named) == 1:
            out["type"] = named[0]
        else:
            del out["type"]
            if named:
                out["anyOf"] = [{"type": t} for t in named]
    return out


def document() -> dict:
    doc = {**BASE, "paths": {}, "components": {**BASE["components"], "schemas": dict(BASE["components"]["schemas"])}}
    for module in API_MODULES:
        spec = getattr(module, "OPENAPI", None) or {}
        doc["paths"].update(spec.get("paths", {}))
        doc["components"]["schemas"].update(spec.get("components", {}).get("schemas", {}))
    return as_openapi_30(doc)


@bp.route("/openapi.json")
@public
def openapi_json():
    return jsonify(document())
