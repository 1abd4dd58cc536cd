"""Bridge points ("điểm cầu") of online and hybrid meetings."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetingsvc.core.db import UTCDateTime, check_in
from meetingsvc.extensions import db

CONNECTION_STATUSES = {"not_checked": _l("Not checked"), "ok": _l("Checked OK"), "problem": _l("Problem")}

# A bridge point with more people than this is a typing error, not a hall.
MAX_PARTICIPANTS_PER_POINT = 20000


class BridgePoint(db.Model):
    __tablename__ = "bridge_points"
    __table_args__ = (
        sa.CheckConstraint("unit_id IS NOT NULL OR site_name IS NOT NULL", name="unit_or_site"),
        sa.CheckConstraint(
            f"planned_participants IS NULL OR (planned_participants >= 0 AND planned_participants <= {MAX_PARTICIPANTS_PER_POINT})",
            name="planned_in_range",
        ),
        sa.CheckConstraint(
            f"actual_participants IS NULL OR (actual_participants >= 0 AND actual_participants <= {MAX_PARTICIPANTS_PER_POINT})",
            name="actual_in_range",
        ),
        sa.UniqueConstraint("meeting_id", "unit_id"),
        sa.UniqueConstraint("meeting_id", "site_name"),
        sa.Index(
            "uq_bridge_points_one_host",
            "meeting_id",
            unique=True,
            sqlite_where=sa.text("is_host"),
            postgresql_where=sa.text("is_host"),
        ),
        check_in("connection_status", CONNECTION_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True, index=True)
    site_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    is_host: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    address: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="", server_default="")
    contact_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), nullable=True, index=True)
    contact_name: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="", server_default="")
    planned_participants: Mapped[int | None] = mapped_column(nullable=True)
    actual_participants: Mapped[int | None] = mapped_column(nullable=True)
    connection_status: Mapped[str] = mapped_column(
        sa.String(16), nullable=False, default="not_checked", server_default="not_checked"
    )
    connection_note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="", server_default="")
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), nullable=True, index=True)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")

    meeting = relationship("Meeting", backref=db.backref("bridge_points", cascade="all, delete-orphan",
                                                          order_by="(BridgePoint.is_host.desc(), BridgePoint.sort_order, BridgePoint.id)"))
    unit = relationship("Unit", lazy="joined")
    contact_person = relationship("Person")

    def __repr__(self):
        return f"<BridgePoint {self.id} meeting={self.meeting_id} {self.label!r}>"

    @property
    def label(self) -> str:
        return self.unit.name if self.unit else (self.site_name or "")
