"""Health check, dashboard and error pages."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from meetingsvc.core.auth import is_api_request, public
from meetingsvc.core.time import local_day_bounds, local_today, week_start
from meetingsvc.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/healthz", methods=["GET", "HEAD"])
@public
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok")


@bp.route("/")
def dashboard():
    from meetingsvc.meetings.services import dashboard_meetings

    today = local_today()
    monday = week_start(today)
    day_start, day_end = local_day_bounds(today)
    week_bounds = local_day_bounds(monday, monday + timedelta(days=6))
    today_meetings, week_meetings, rooms_today = dashboard_meetings(current_user, (day_start, day_end), week_bounds)
    return render_template(
        "core/dashboard.html",
        today=today,
        monday=monday,
        sunday=monday + timedelta(days=6),
        today_meetings=today_meetings,
        week_meetings=week_meetings,
        rooms_today=rooms_today,
    )


ERROR_MESSAGES = {
    400: _l("The request could not be understood. Check what you entered and try again."),
    401: _l("Sign in to continue."),
    403: _l("Your account may not open this page."),
    404: _l("Nothing was found at this address."),
    405: _l("This address does not accept that method."),
    409: _l("That conflicts with existing data."),
    413: _l("The upload is too large."),
    429: _l("Too many requests. Wait a moment and try again."),
    500: _l("Something went wrong on our side. The error was logged."),
}


def register_error_handlers(app) -> None:
    def render_error(code: int, message: str):
        if is_api_request() or request.accept_mimetypes.best == "application/json":
            return jsonify(error=code, message=message), code
        return render_template("core/error.html", code=code, message=message), code

    @app.errorhandler(CSRFError)
    def _csrf_error(exc):
        db.session.rollback()
        return render_error(400, _("The form has expired or was not sent by this site. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def _http_error(exc):
        db.session.rollback()
        message = exc.description if exc.code in (400, 409) and exc.description and not exc.description.startswith(
            "The browser (or proxy)") else str(ERROR_MESSAGES.get(exc.code, exc.name))
        return render_error(exc.code, message)

    @app.errorhandler(sa.exc.DataError)
    def _unstorable(exc):
        # Input no column can hold (a NUL character, a number out of range) that a form or handler did not catch
        # with a field-level message: still the user's input, so a 400 rather than a 500. The cause is logged.
        db.session.rollback()
        app.logger.warning("refused input the database cannot store: %s", exc.orig)
        return render_error(400, _("The input contains a character or a value that cannot be stored (for example a "
                                   "NUL character). Check what you entered and try again."))

    @app.errorhandler(Exception)
    def _unexpected(exc):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return render_error(500, str(ERROR_MESSAGES[500]))
