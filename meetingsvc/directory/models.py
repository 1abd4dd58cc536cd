"""Units, people, rooms and saved groups of units."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetingsvc.core.db import UTCDateTime, check_in, utcnow
from meetingsvc.core.text import fold
from meetingsvc.extensions import db

UNIT_KINDS = {
    "city": _l("City / province"),
    "office": _l("Office"),
    "department": _l("Department"),
    "district": _l("District-level unit"),
    "ward": _l("Ward"),
    "commune": _l("Commune"),
    "township": _l("Township"),
    "special_zone": _l("Special zone"),
    "other": _l("Other body"),
}

LEADER_ROLES = {
    "chairman": _l("Chairman"),
    "standing_vice_chairman": _l("Standing Vice Chairman"),
    "vice_chairman": _l("Vice Chairman"),
    "committee_member": _l("Committee member"),
}

unit_successors = sa.Table(
    "unit_successors",
    db.metadata,
    sa.Column("predecessor_id", sa.ForeignKey("units.id"), primary_key=True),
    sa.Column("successor_id", sa.ForeignKey("units.id"), primary_key=True, index=True),
)

unit_group_members = sa.Table(
    "unit_group_members",
    db.metadata,
    sa.Column("group_id", sa.ForeignKey("unit_groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("units.id"), primary_key=True, index=True),
)


class Unit(db.Model):
    """A body in the hierarchy: the city, its departments, district-level units, wards and communes."""

    __tablename__ = "units"
    __table_args__ = (
        check_in("kind", UNIT_KINDS),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        sa.CheckConstraint("valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from", name="validity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    short_name: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    kind: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True, index=True)
    valid_from: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    valid_to: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    sort_order: Mapped[int] = mapped_column(nullable=False, default=0, server_default="0")
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True, server_default=sa.true())
    search_text: Mapped[str] = mapped_column(sa.String(400), nullable=False, default="", server_default="")
    # Feeds and caches derive their validators from the newest change of what they show (names, titles, rooms).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow,
                                                 index=True)

    parent: Mapped["Unit | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Unit"]] = relationship(back_populates="parent", order_by="Unit.sort_order, Unit.name")
    successors: Mapped[list["Unit"]] = relationship(
        secondary=unit_successors,
        primaryjoin=id == unit_successors.c.predecessor_id,
        secondaryjoin=id == unit_successors.c.successor_id,
        backref="predecessors",
    )

    def __repr__(self):
        return f"<Unit {self.code} {self.name!r}>"

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def ancestors(self) -> list["Unit"]:
        chain, node, seen = [], self.parent, {self.id}
        while node is not None and node.id not in seen:
            chain.append(node)
            seen.add(node.id)
            node = node.parent
        return chain


class Person(db.Model):
    __tablename__ = "people"
    __table_args__ = (
        check_in("leader_role", LEADER_ROLES),
        sa.CheckConstraint("leader_rank IS NULL OR leader_rank > 0", name="leader_rank_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="", server_default="")
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("units.id"), nullable=True, index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    is_leader: Mapped[bool] = mapped_column(nullable=False, default=False, server_default=sa.false())
    leader_role: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    leader_rank: Mapped[int | None] = mapped_column(nullable=True)
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True, server_default=sa.true())
    search_text: Mapped[str] = mapped_column(sa.String(400), nullable=False, default="", server_default="")
    # Feeds and caches derive their validators from the newest change of what they show (names, titles, rooms).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow,
                                                 index=True)

    unit: Mapped["Unit | None"] = relationship(lazy="joined")

    def __repr__(self):
        return f"<Person {self.id} {self.full_name!r}>"

    def __str__(self):
        return self.full_name

    @property
    def label(self) -> str:
        """'Phó Chủ tịch Nguyễn Văn A' as schedules write it."""
        return f"{self.title} {self.full_name}".strip()


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (sa.CheckConstraint("capacity > 0", name="capacity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False, unique=True)
    building: Mapped[str] = mapped_column(sa.String(160), nullable=False, default="", server_default="")
    capacity: Mapped[int] = mapped_column(nullable=False)
    equipment: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    is_bookable: Mapped[bool] = mapped_column(nullable=False, default=True, server_default=sa.true())
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True, server_default=sa.true())
    photo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True, deferred=True)
    photo_mimetype: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    search_text: Mapped[str] = mapped_column(sa.String(400), nullable=False, default="", server_default="")
    # Feeds and caches derive their validators from the newest change of what they show (names, titles, rooms).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow,
                                                 index=True)

    def __repr__(self):
        return f"<Room {self.id} {self.name!r}>"

    def __str__(self):
        return self.name

    @property
    def location_label(self) -> str:
        return f"{self.name}, {self.building}" if self.building else self.name


class UnitGroup(db.Model):
    """A saved list of units for invitations and bridge points ("the 30 district-level units")."""

    __tablename__ = "unit_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="", server_default="")
    is_active: Mapped[bool] = mapped_column(nullable=False, default=True, server_default=sa.true())

    units: Mapped[list[Unit]] = relationship(secondary=unit_group_members, order_by="Unit.sort_order, Unit.name")

    def __repr__(self):
        return f"<UnitGroup {self.id} {self.name!r}>"


@sa.event.listens_for(Unit, "before_insert")
@sa.event.listens_for(Unit, "before_update")
def _unit_search_text(mapper, connection, unit):
    unit.search_text = fold(" ".join(filter(None, [unit.name, unit.short_name, unit.code])))


@sa.event.listens_for(Person, "before_insert")
@sa.event.listens_for(Person, "before_update")
def _person_search_text(mapper, connection, person):
    person.search_text = fold(" ".join(filter(None, [person.full_name, person.title, person.email])))


@sa.event.listens_for(Room, "before_insert")
@sa.event.listens_for(Room, "before_update")
def _room_search_text(mapper, connection, room):
    room.search_text = fold(" ".join(filter(None, [room.name, room.building])))
