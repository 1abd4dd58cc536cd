"""The JSON API under /api/v1: thin handlers over the domains' services."""

from flask import Blueprint, request
from flask_login import current_user

from meetingsvc.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Token clients send no CSRF token; session clients must (checked below).
csrf.exempt(bp)


@bp.before_request
def _csrf_for_session_clients():
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Authorization", "").startswith("Bearer ") and current_user.is_authenticated:
        return
    csrf.protect()
