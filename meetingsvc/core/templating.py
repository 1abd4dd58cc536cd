"""Template globals: the navigation and the labels of stored codes."""

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

# (endpoint, label, roles or None for everyone signed in); an entry shows once its endpoint exists.
NAVIGATION = [
    ("core.dashboard", _l("Dashboard"), None),
    ("meetings.week", _l("Weekly schedule"), None),
    ("meetings.new", _l("New meeting"), ("admin", "secretary")),
    ("meetings.rooms_view", _l("Rooms"), None),
    ("meetings.search", _l("Search"), None),
    ("directory.index", _l("Directory"), ("admin", "secretary")),
    ("reports.index", _l("Reports"), None),
    ("feeds.index", _l("Calendar feeds"), None),
]


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def main_navigation():
    """(endpoint, label, is_current) of the entries the user may see; one entry at most is current: the page's
    own, else the first of the page's blueprint (a meeting's page highlights the weekly schedule)."""
    entries = [
        (endpoint, label)
        for endpoint, label, roles in NAVIGATION
        if has_endpoint(endpoint) and (roles is None or current_user.role == "admin" or current_user.role in roles)
    ]
    here = request.endpoint or ""
    current = next((e for e, _ in entries if e == here), None)
    if current is None and here != "core.dashboard":
        current = next((e for e, _ in entries if e.split(".")[0] == here.split(".")[0]), None)
    return [(endpoint, label, endpoint == current) for endpoint, label in entries]


def label_of(table: dict):
    def lookup(code):
        return table.get(code, code) if code else ""

    return lookup


def register(app) -> None:
    from meetingsvc.auth.models import CLASSIFICATIONS, ROLES
    from meetingsvc.meetings.models import DAY_PARTS, KINDS, MODES, STATUSES

    app.jinja_env.globals.update(
        main_navigation=main_navigation,
        has_endpoint=has_endpoint,
        kind_label=label_of(KINDS),
        status_label=label_of(STATUSES),
        mode_label=label_of(MODES),
        day_part_label=label_of(DAY_PARTS),
        classification_label=label_of(CLASSIFICATIONS),
        role_label=label_of(ROLES),
    )
