"""Per-user secret tokens for private iCal feeds."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetingsvc.core.db import UTCDateTime, utcnow
from meetingsvc.extensions import db


class FeedToken(db.Model):
    """Only the hash is stored; revoking sets revoked_at and the token stops working at once."""

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User", lazy="joined")

    def __repr__(self):
        return f"<FeedToken {self.id} of user {self.user_id} revoked={self.revoked_at is not None}>"
