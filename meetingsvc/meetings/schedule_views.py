"""The weekly work schedule, its publication, the room view and search (routes on the meetings blueprint)."""

from meetingsvc.meetings.views import bp  # noqa: F401
