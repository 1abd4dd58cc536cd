"""User management by admins: accounts, roles, clearance, linked person, passwords, API tokens.

Accounts are deactivated, never deleted (the audit log and meetings name their authors). An admin cannot lock
themself out: they cannot deactivate their own account nor take away their own admin role.
"""

import secrets

import sqlalchemy as sa

from meetingsvc.auth import services as auth_services
from meetingsvc.auth.history import summary
from meetingsvc.auth.models import CLASSIFICATIONS, ROLES, ApiToken, User
from meetingsvc.core.audit import record
from meetingsvc.core.errors import ValidationError
from meetingsvc.directory.models import Person
from meetingsvc.directory.services import DuplicateError, _
from meetingsvc.extensions import db

MIN_PASSWORD = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-@")


def user_snapshot(user: User) -> dict:
    """What the audit log keeps of an account (never the password hash)."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "clearance": user.clearance, "language": user.language, "person_id": user.person_id,
            "is_active": user.is_active_account}


def _check(user: User | None, data: dict, acting: User | None) -> dict:
    errors, values = {}, {}
    if user is None:
        username = (data.get("username") or "").strip().lower()
        if not username:
            errors["username"] = _("This field is required.")
        elif len(username) > 64 or not set(username) <= USERNAME_CHARS:
            errors["username"] = _("Use at most 64 letters a-z, digits and . _ - @ only.")
        values["username"] = username
    values["display_name"] = " ".join((data.get("display_name") or "").split())[:120]
    if "\x00" in values["display_name"]:  # refused alike on both backends (PostgreSQL cannot store it)
        from meetingsvc.meetings.validation import text_error

        errors["display_name"] = text_error(values["display_name"])
    role = data.get("role")
    if role not in ROLES:
        errors["role"] = _("Choose one of: %(kinds)s.", kinds=", ".join(ROLES))
    elif user is not None and acting is not None and user.id == acting.id and role != "admin":
        errors["role"] = _("You cannot take away your own admin role.")
    values["role"] = role
    clearance = data.get("clearance") or "internal"
    if clearance not in CLASSIFICATIONS:
        errors["clearance"] = _("Choose one of: %(kinds)s.", kinds=", ".join(CLASSIFICATIONS))
    values["clearance"] = clearance
    language = data.get("language") or "vi"
    if language not in ("vi", "en"):
        errors["language"] = _("Choose one of: %(kinds)s.", kinds="vi, en")
    values["language"] = language
    person_id = data.get("person_id") or None
    if person_id is not None:
        try:
            person = db.session.get(Person, int(person_id))
        except (TypeError, ValueError):
            person = None
        if person is None:
            errors["person_id"] = _("No such person.")
        person_id = person.id if person else None
    values["person_id"] = person_id
    if errors:
        raise ValidationError(errors)
    if user is None and db.session.scalar(sa.select(User.id).where(User.username == values["username"])):
        raise DuplicateError("username", _("The login name %(name)s is taken.", name=values["username"]))
    return values


def check_password(password: str | None, field: str = "password") -> str:
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise ValidationError({field: _("The password is too short: it needs at least %(n)d characters.",
                                        n=MIN_PASSWORD)})
    return password


def create_user(data: dict, acting: User | None = None) -> User:
    values = _check(None, data, acting)
    password = check_password(data.get("password"))
    user = auth_services.create_user(values.pop("username"), password, **values)
    db.session.flush()
    record("create", user, summary=summary("users", "create", name=user.username), after=user_snapshot(user))
    return user


def update_user(user: User, data: dict, acting: User | None = None) -> User:
    before = user_snapshot(user)
    for key, value in _check(user, data, acting).items():
        setattr(user, key, value)
    db.session.flush()
    after = user_snapshot(user)
    if after != before:
        record("update", user, summary=summary("users", "update", name=user.username), before=before, after=after)
    return user


def reset_password(user: User, new_password: str | None = None) -> str:
    """Set the given password, or a random one; returns it (shown once to the admin)."""
    password = check_password(new_password) if new_password else secrets.token_urlsafe(9)
    user.set_password(password)
    record("reset_password", user, summary=summary("users", "reset_password", name=user.username))
    return password


def set_user_active(user: User, active: bool, acting: User | None = None) -> User:
    if not active and acting is not None and user.id == acting.id:
        raise ValidationError({"active": _("You cannot deactivate your own account.")})
    if user.is_active_account == active:
        return user
    before = user_snapshot(user)
    user.is_active_account = active
    action = "activate" if active else "deactivate"
    record(action, user, summary=summary("users", action, name=user.username), before=before,
           after=user_snapshot(user))
    return user


def search_users(q: str | None = None, include_inactive: bool = False) -> list[User]:
    from meetingsvc.core.text import fold

    query = sa.select(User)
    if not include_inactive:
        query = query.where(User.is_active_account.is_(True))
    users = list(db.session.scalars(query.order_by(User.username)).unique())
    terms = fold(q).split()
    if terms:  # few accounts: match in Python on the folded login, display name and linked person
        users = [u for u in users if all(t in fold(f"{u.username} {u.display_name} {u.person.full_name if u.person else ''}")
                                         for t in terms)]
    return users


def create_token(user: User, name: str) -> tuple[ApiToken, str]:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Name the token after what uses it (e.g. the portal).")})
    if len(name) > 120:
        raise ValidationError({"name": _("At most %(n)d characters.", n=120)})
    token, secret = auth_services.create_api_token(user, name)
    db.session.flush()
    record("create", token, summary=summary("api_tokens", "create", name=name, user=user.username),
           after={"name": name, "prefix": token.prefix, "user_id": user.id, "user": user.username})
    return token, secret


def revoke_token(token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        auth_services.revoke_api_token(token)
        record("revoke", token, summary=summary("api_tokens", "revoke", name=token.name),
               before={"revoked": False}, after={"revoked": True, "name": token.name})
    return token


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc())))
