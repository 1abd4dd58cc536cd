"""Sign-in with throttling, API tokens, user accounts."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, request
from werkzeug.security import generate_password_hash

from meetingsvc.auth.models import ApiToken, LoginAttempt, User, hash_token, new_token
from meetingsvc.core.db import utcnow
from meetingsvc.extensions import db

# Checked against when the login name is unknown, so that the answer takes as long as for a real account.
_DUMMY_HASH = generate_password_hash("not-a-password")


def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.is_active else None


def user_from_bearer_token(req) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(header[7:].strip()), ApiToken.revoked_at.is_(None))
    )
    if token is None or not token.user.is_active:
        return None
    user = token.user
    # Best effort and at most once a minute: a busy database must not fail the request it authenticates.
    if token.last_used_at is None or utcnow() - token.last_used_at > timedelta(minutes=1):
        try:
            token.last_used_at = utcnow()
            db.session.commit()
        except sa.exc.OperationalError:
            db.session.rollback()
    return user


@dataclass
class LoginResult:
    user: User | None = None
    throttled: bool = False


def _recent_failures(column, value) -> int:
    since = utcnow() - timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    return db.session.scalar(
        sa.select(sa.func.count()).where(column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    )


def authenticate(username: str, password: str, address: str) -> LoginResult:
    """Check a login; after too many recent failures for the name or the address, refuse without checking.

    The attempt log is in the database, so the limit holds across processes and hosts. The answer is the
    same whether or not the login name exists.
    """
    username = (username or "").strip().lower()[:64]
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    if _recent_failures(LoginAttempt.username, username) >= limit or (
        _recent_failures(LoginAttempt.address, address) >= limit * 4
    ):
        return LoginResult(throttled=True)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        User(password_hash=_DUMMY_HASH).check_password(password)
        ok = False
    else:
        ok = user.check_password(password) and user.is_active
    db.session.add(LoginAttempt(username=username, address=address, succeeded=ok))
    if ok:
        user.last_login_at = utcnow()
    db.session.commit()
    return LoginResult(user=user if ok else None)


def save_language(user: User, code: str) -> None:
    """The language the user picked in the header becomes their account's (pages, mails and feeds follow it).

    Written to the audit log like any change of the account, so that what depends on the account (a feed's
    Last-Modified) moves with it.
    """
    from meetingsvc.auth.admin_services import user_snapshot
    from meetingsvc.auth.history import summary
    from meetingsvc.core.audit import record

    if user.language == code:
        return
    before = user_snapshot(user)
    user.language = code
    record("update", user, summary=summary("users", "update", name=user.username), before=before,
           after=user_snapshot(user), user=user)
    db.session.commit()


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def create_user(username: str, password: str, *, role: str = "viewer", clearance: str = "internal",
                language: str = "vi", display_name: str = "", person_id: int | None = None) -> User:
    user = User(username=username.strip().lower(), role=role, clearance=clearance, language=language,
                display_name=display_name, person_id=person_id)
    user.set_password(password)
    db.session.add(user)
    return user


def create_api_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Returns the stored token and the secret, which is shown once and never stored."""
    secret = new_token()
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(secret), prefix=secret[:8])
    db.session.add(token)
    return token, secret


def revoke_api_token(token: ApiToken) -> None:
    token.revoked_at = utcnow()
