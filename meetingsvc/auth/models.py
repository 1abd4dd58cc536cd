"""Accounts, API tokens and the login-attempt log that throttles guessing."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from meetingsvc.core.db import UTCDateTime, check_in, utcnow
from meetingsvc.extensions import db

ROLES = {
    "admin": _l("Administrator"),
    "secretary": _l("Secretary"),
    "technician": _l("Technician"),
    "leader": _l("Leader"),
    "viewer": _l("Viewer"),
}

# Ordered from least to most restricted; a user's clearance is an index into this list.
CLASSIFICATIONS = {
    "public": _l("Public"),
    "internal": _l("Internal"),
    "mat": _l("Confidential (Mật)"),
    "toi_mat": _l("Secret (Tối mật)"),
    "tuyet_mat": _l("Top secret (Tuyệt mật)"),
}
CLASSIFICATION_ORDER = list(CLASSIFICATIONS)
SECRET_LEVELS = ("mat", "toi_mat", "tuyet_mat")


def classification_rank(level: str) -> int:
    return CLASSIFICATION_ORDER.index(level)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (check_in("role", ROLES), check_in("clearance", CLASSIFICATIONS), check_in("language", ("vi", "en")))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(256), nullable=False)
    display_name: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="", server_default="")
    role: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="viewer", server_default="viewer")
    clearance: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="internal", server_default="internal")
    language: Mapped[str] = mapped_column(sa.String(5), nullable=False, default="vi", server_default="vi")
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), nullable=True, index=True)
    is_active_account: Mapped[bool] = mapped_column("is_active", nullable=False, default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    person = relationship("Person", lazy="joined")

    def __repr__(self):
        return f"<User {self.username} {self.role}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.is_active_account

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def name(self) -> str:
        return self.display_name or (self.person.full_name if self.person else self.username)


class ApiToken(db.Model):
    """A bearer token for integrations; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="", server_default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self):
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"


class LoginAttempt(db.Model):
    """Every login attempt; failures in a recent window slow down guessing on any process or host."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    address: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(nullable=False)

    def __repr__(self):
        return f"<LoginAttempt {self.username} from {self.address} ok={self.succeeded}>"
