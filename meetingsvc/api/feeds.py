"""Feeds API: the caller's calendar feeds with their URLs; create new links or revoke them."""

from flask import jsonify
from flask_login import current_user

from meetingsvc.api import bp
from meetingsvc.api.common import int_param
from meetingsvc.extensions import db
from meetingsvc.feeds import services


def _listing():
    unit_id = int_param("unit")
    feeds = services.feeds_for(current_user, services.base_url(), unit_ids=[unit_id] if unit_id else [])
    entries = feeds["public"] + feeds["personal"] + feeds["leaders"] + feeds["rooms"] + feeds["units"]
    return {"has_token": feeds["has_token"], "unit_url_template": feeds["unit_url_template"], "feeds": entries}


@bp.get("/feeds")
def feeds_list():
    return jsonify(_listing())


@bp.post("/feeds/token")
def feeds_token_create():
    services.issue_token(current_user)
    db.session.commit()
    return jsonify(_listing()), 201


@bp.delete("/feeds/token")
def feeds_token_revoke():
    revoked = services.revoke_tokens(current_user)
    db.session.commit()
    return jsonify(revoked=revoked, **_listing())


_FEED = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["public", "mine", "all", "leader", "room", "unit"]},
        "subject_id": {"type": "integer", "nullable": True, "description": "the leader (person), room or unit"},
        "name": {"type": "string", "description": "the calendar's name (X-WR-CALNAME)"},
        "url": {"type": "string", "format": "uri"},
        "webcal_url": {"type": "string"},
    },
}
_LISTING = {
    "type": "object",
    "properties": {
        "has_token": {"type": "boolean", "description": "false: only the public feed until links are created"},
        "unit_url_template": {"type": "string", "nullable": True, "description": "replace {unit_id} for any unit's feed"},
        "feeds": {"type": "array", "items": {"$ref": "#/components/schemas/Feed"}},
    },
}
_RESPONSE = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedListing"}}}}

OPENAPI = {
    "paths": {
        "/feeds": {
            "get": {
                "summary": "The caller's iCal feeds with their URLs (private ones carry the caller's secret key)",
                "parameters": [{"name": "unit", "in": "query", "schema": {"type": "integer"},
                                "description": "also list this unit's feed"}],
                "responses": {"200": {"description": "the feeds", **_RESPONSE}},
            },
        },
        "/feeds/token": {
            "post": {
                "summary": "Create new feed links (revokes the previous ones at once)",
                "responses": {"201": {"description": "the feeds with the new links", **_RESPONSE}},
            },
            "delete": {
                "summary": "Revoke the caller's feed links",
                "responses": {"200": {"description": "the feeds (public only) and how many links were revoked"}},
            },
        },
    },
    "components": {"schemas": {"Feed": _FEED, "FeedListing": _LISTING}},
}
