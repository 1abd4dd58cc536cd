"""How account and API-token entries of the audit log read (see core.audit.describe and directory.history)."""

import sqlalchemy as sa
from flask import url_for

from meetingsvc.auth.models import CLASSIFICATIONS, ROLES, ApiToken, User
from meetingsvc.core.audit import N_, ObjectDescription, register_object, register_resolver
from meetingsvc.extensions import db

LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

SUMMARIES = {
    "users": {
        "create": N_("Account %(name)s added"), "update": N_("Account %(name)s changed"),
        "reset_password": N_("Password of %(name)s reset"), "activate": N_("Account %(name)s reactivated"),
        "deactivate": N_("Account %(name)s deactivated"),
    },
    "api_tokens": {
        "create": N_("API token %(name)s created for %(user)s"), "revoke": N_("API token %(name)s revoked"),
    },
}

USER_FIELDS = {
    "username": (N_("Login name"), "text"), "display_name": (N_("Display name"), "text"),
    "role": (N_("Account role"), ROLES), "clearance": (N_("Clearance"), CLASSIFICATIONS),
    "language": (N_("Language of the pages"), LANGUAGES), "person_id": (N_("Linked person"), "ref:person"),
    "is_active": (N_("In use"), "bool"),
}
TOKEN_FIELDS = {"revoked": (N_("Revoked"), "bool")}


def summary(object_type: str, action: str, **values) -> str:
    """The neutral (English) line stored with an entry; pages show the translated one."""
    return SUMMARIES[object_type][action] % values


def _usernames(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(sa.select(User.id, User.username).where(User.id.in_(sorted(ids)))).all())


def _token_names(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(sa.select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(sorted(ids)))).all())


register_resolver("user", _usernames)
register_resolver("api_token", _token_names)
register_object(User.__tablename__, ObjectDescription(
    SUMMARIES["users"], USER_FIELDS, name_field="username", self_ref="user",
    link=lambda entry: url_for("users.edit", user_id=entry.object_id) if entry.object_id else None))
register_object(ApiToken.__tablename__, ObjectDescription(SUMMARIES["api_tokens"], TOKEN_FIELDS, self_ref="api_token"))
