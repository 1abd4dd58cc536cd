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


def document() -> dict:
    doc = {**BASE, "paths": {}, "components": {**BASE["components"], "schemas": dict(BASE["components"]["schemas"])}}
    for module in API_MODULES:
        spec = getattr(module, "OPENAPI", None) or {}
        doc["paths"].update(spec.get("paths", {}))
        doc["components"]["schemas"].update(spec.get("components", {}).get("schemas", {}))
    return doc


@bp.route("/openapi.json")
@public
def openapi_json():
    return jsonify(document())
