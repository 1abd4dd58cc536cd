"""What every API handler shares: JSON errors, body and parameter parsing, role checks."""

from datetime import date
from functools import wraps

from flask import abort, jsonify, make_response, request
from flask_babel import gettext as _
from flask_login import current_user

from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.meetings.validation import read_day_error

# The largest id (and count) a parameter may name: an INTEGER column on PostgreSQL.
MAX_ID = 2**31 - 1


def error(status: int, message: str, **extra):
    return make_response(jsonify(error=status, message=message, **extra), status)


def json_body() -> dict:
    """The request's JSON object, or a 400 that says why not."""
    if not request.is_json:
        abort(error(400, _("Send a JSON object with Content-Type: application/json.")))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(error(400, _("The body is not a JSON object (malformed JSON?).")))
    return data


def date_param(name: str, default: date | None = None) -> date | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(error(400, _("'%(name)s' must be a date as YYYY-MM-DD.", name=name), fields={name: "not a date"}))
    problem = read_day_error(day)
    if problem:
        abort(error(400, problem, fields={name: "out of range"}))
    return day


def int_param(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        abort(error(400, _("'%(name)s' must be a whole number from 0 to %(max)s.", name=name, max=MAX_ID),
                    fields={name: "not a number"}))
    return int(raw)


def api_roles(*roles):
    """403 as JSON unless the caller (session or token) has one of `roles` (admins always pass)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role != "admin" and current_user.role not in roles:
                return error(403, _("Your account may not do this."))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def register_error_translation(bp) -> None:
    @bp.errorhandler(ValidationError)
    def _invalid(exc):
        named = [name for name in exc.fields if name != "_"]
        if not named:
            return error(400, exc.fields["_"], fields=exc.fields)
        return error(400, _("Some fields are not valid: %(fields)s.", fields=", ".join(named)), fields=exc.fields)

    @bp.errorhandler(ConflictError)
    def _conflict(exc):
        if hasattr(exc, "conflict_dicts"):  # a refused booking: each other meeting once, with what clashes
            return error(409, exc.message, conflicts=exc.conflict_dicts())
        return error(409, exc.message, conflicts=[
            {"id": m.id, "url": f"/meetings/{m.id}"} for m in exc.conflicts
        ])
