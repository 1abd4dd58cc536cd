"""What every API handler shares: JSON errors, body and parameter parsing, role checks."""

from datetime import date
from functools import wraps

from flask import abort, jsonify, make_response, request
from flask_login import current_user

from meetingsvc.core.errors import ConflictError, ValidationError


def error(status: int, message: str, **extra):
    return make_response(jsonify(error=status, message=message, **extra), status)


def json_body() -> dict:
    """The request's JSON object, or a 400 that says why not."""
    if not request.is_json:
        abort(error(400, "Send a JSON object with Content-Type: application/json."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(error(400, "The body is not a JSON object (malformed JSON?)."))
    return data


def date_param(name: str, default: date | None = None) -> date | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(error(400, f"'{name}' must be a date as YYYY-MM-DD.", fields={name: "not a date"}))


def int_param(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        abort(error(400, f"'{name}' must be a whole number.", fields={name: "not a number"}))
    return int(raw)


def api_roles(*roles):
    """403 as JSON unless the caller (session or token) has one of `roles` (admins always pass)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role != "admin" and current_user.role not in roles:
                return error(403, "Your account may not do this.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def register_error_translation(bp) -> None:
    @bp.errorhandler(ValidationError)
    def _invalid(exc):
        return error(400, "Some fields are not valid.", fields=exc.fields)

    @bp.errorhandler(ConflictError)
    def _conflict(exc):
        if hasattr(exc, "conflict_dicts"):  # a refused booking: each other meeting once, with what clashes
            return error(409, exc.message, conflicts=exc.conflict_dicts())
        return error(409, exc.message, conflicts=[
            {"id": m.id, "url": f"/meetings/{m.id}"} for m in exc.conflicts
        ])
