"""The audit log: who changed what, when, before and after."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from meetingsvc.core.db import UTCDateTime, utcnow
from meetingsvc.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True, index=True)
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    object_type: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    object_id: Mapped[int | None] = mapped_column(nullable=True)
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    before: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)

    user = db.relationship("User", lazy="joined")

    def __repr__(self):
        return f"<AuditEntry {self.action} {self.object_type}#{self.object_id} at {self.at:%Y-%m-%d %H:%M}>"

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field that differs."""
        before, after = self.before or {}, self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def record(action: str, obj, *, summary: str = "", before: dict | None = None, after: dict | None = None,
           user=None) -> AuditEntry:
    """Add an audit entry to the session (committed with the change it describes)."""
    if user is None and getattr(current_user, "is_authenticated", False):
        user = current_user
    entry = AuditEntry(
        action=action,
        object_type=obj.__tablename__ if hasattr(obj, "__tablename__") else str(obj),
        object_id=getattr(obj, "id", None),
        summary=summary,
        before=before,
        after=after,
        user_id=getattr(user, "id", None),
    )
    db.session.add(entry)
    return entry


def history(obj) -> list[AuditEntry]:
    return db.session.scalars(
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == obj.__tablename__, AuditEntry.object_id == obj.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ).all()
