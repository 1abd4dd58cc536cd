"""The JSON API under /api/v1: thin handlers over the domains' services.

Each domain has its module here (meetings.py, directory.py, …) that adds routes to `bp` and may define
OPENAPI = {"paths": {...}, "components": {"schemas": {...}}}; every module is imported below and its
OPENAPI merged into /api/v1/openapi.json.
"""

import importlib
import pkgutil

from flask import Blueprint, request
from flask_login import current_user

from meetingsvc.api.common import register_error_translation
from meetingsvc.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Token clients send no CSRF token; session clients must (checked below).
csrf.exempt(bp)
register_error_translation(bp)


@bp.before_request
def _csrf_for_session_clients():
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("Authorization", "").startswith("Bearer ") and current_user.is_authenticated:
        return
    csrf.protect()


API_MODULES = [
    importlib.import_module(f"{__name__}.{info.name}")
    for info in pkgutil.iter_modules(__path__)
    if info.name not in ("common", "openapi")
]

from meetingsvc.api import openapi  # noqa: E402,F401  (serves the merged document)
