"""Access rules shared by every domain: public endpoints, role checks, who may see a meeting."""

from functools import wraps

from flask import abort, request
from flask_login import current_user

from meetingsvc.auth.models import SECRET_LEVELS, classification_rank

# Roles that may book and change meetings; admins may do everything.
BOOKING_ROLES = ("admin", "secretary")


def public(view):
    """Mark a view as reachable without login (login page, public schedule, token feeds, health)."""
    view._public = True
    return view


def roles_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role != "admin" and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def can_see_meeting(user, meeting) -> bool:
    """Whether `user` may see a meeting's details (title, attendees, place, agenda, link).

    Public meetings: everyone. Internal: any signed-in user. Classified (Mật and above): users cleared at
    that level, and the chair, co-chairs, attending leaders and invited people themselves.
    """
    if meeting.classification == "public":
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if meeting.classification not in SECRET_LEVELS:
        return True
    if classification_rank(user.clearance) >= classification_rank(meeting.classification):
        return True
    return user.person_id is not None and user.person_id in meeting.involved_person_ids()
