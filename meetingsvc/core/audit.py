"""The audit log: who changed what, when, before and after.

An entry stores codes and data, not sentences: `action`, `object_type`, `object_id` and the object's `before` /
`after` snapshots (field -> value as stored: ids, codes, ISO dates, booleans). `summary` keeps a neutral line
(English, or what the user typed as a reason) for whoever reads the table directly.

Pages show entries through `describe(entries)`, which renders them at display time, in the reader's language,
whoever wrote them and wherever (a page, the CLI, the demo loader, an import): a domain registers an
`ObjectDescription` per object type (the summary of each action, a label and a kind of value per field) and a
resolver per kind of reference ("unit": ids -> names). Values then read as names, dd/mm/yyyy dates and Có/Không;
an entry of a type nobody registered shows its summary and plain values.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column

from meetingsvc.core.db import UTCDateTime, utcnow
from meetingsvc.extensions import db


def N_(msgid: str) -> str:
    """Marks a message for translation where it is defined; it is translated when shown."""
    return msgid


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
    """Add an audit entry to the session (committed with the change it describes).

    `obj` is a model instance, or a string naming what changed when no row stands for it (e.g. an import).
    """
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


def recent(object_types, *, user_id: int | None = None, since: datetime | None = None,
           until: datetime | None = None, before_id: int | None = None, limit: int = 100) -> list[AuditEntry]:
    """The newest entries of these object types, optionally by one user, in [since, until), older than an id."""
    query = sa.select(AuditEntry).where(AuditEntry.object_type.in_(list(object_types)))
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit)))


# ---- reading entries -------------------------------------------------------------------------------------


@dataclass
class ObjectDescription:
    """How to show the entries of one object type.

    summaries: action -> msgid, formatted with `name` (the object's name) and the `after` snapshot's values.
    fields: field -> (label msgid, kind); kind is "text", "bool", "date", "list", "ref:<resolver>" (an id),
    "refs:<resolver>" (a list of ids) or a dict code -> label (lazy strings are fine).
    name_field: the snapshot field that holds the object's name; self_ref: the resolver that names the object
    from its id when the entry has no snapshot (a password reset).
    """

    summaries: dict[str, str]
    fields: dict[str, tuple[str, object]] = field(default_factory=dict)
    name_field: str = "name"
    self_ref: str | None = None
    link: Callable[[AuditEntry], str | None] | None = None


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class EntryView:
    entry: AuditEntry
    summary: str
    changes: list[Change]
    link: str | None = None

    @property
    def at(self) -> datetime:
        return self.entry.at

    @property
    def user(self):
        return self.entry.user


_DESCRIPTIONS: dict[str, ObjectDescription] = {}
_RESOLVERS: dict[str, Callable[[set[int]], dict[int, str]]] = {}


def register_object(object_type: str, description: ObjectDescription) -> None:
    _DESCRIPTIONS[object_type] = description


def register_resolver(kind: str, resolver: Callable[[set[int]], dict[int, str]]) -> None:
    """`resolver(ids)` -> {id: display name}, in one query for all ids."""
    _RESOLVERS[kind] = resolver


def described_types() -> list[str]:
    return list(_DESCRIPTIONS)


def _yes_no(value) -> str:
    return gettext("Yes") if value else gettext("No")


def plain_value(value) -> str:
    """A stored value as text when nothing more is known about it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, list | tuple):
        return ", ".join(plain_value(v) for v in value)
    return str(value)


def _as_day(value) -> str:
    from meetingsvc.core.i18n import format_day

    if value in (None, ""):
        return "—"
    try:
        return format_day(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _refs(kind) -> tuple[str, bool] | None:
    if isinstance(kind, str) and kind.startswith(("ref:", "refs:")):
        many, name = kind.split(":", 1)
        return name, many == "refs"
    return None


def _show(value, kind, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    ref = _refs(kind)
    if ref is not None:
        found = names.get(ref[0], {})
        items = value if ref[1] and isinstance(value, list) else [value]
        return ", ".join(found.get(v, f"#{v}") if isinstance(v, int) else str(v) for v in items)
    if kind == "bool":
        return _yes_no(value)
    if kind == "date":
        return _as_day(value)
    if isinstance(kind, dict):
        label = kind.get(value)
        return str(label) if label is not None else str(value)
    return plain_value(value)


def describe(entries) -> list[EntryView]:
    """The entries as the reader should see them (see the module docstring); ids are named in one query per kind."""
    entries = list(entries)
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        description = _DESCRIPTIONS.get(entry.object_type)
        if description is None:
            continue
        for name, (_label, kind) in description.fields.items():
            ref = _refs(kind)
            if ref is None:
                continue
            for snapshot in (entry.before or {}, entry.after or {}):
                value = snapshot.get(name)
                values = value if isinstance(value, list) else [value]
                wanted.setdefault(ref[0], set()).update(v for v in values if isinstance(v, int))
        snapshot = entry.after or entry.before or {}
        if description.self_ref and not snapshot.get(description.name_field) and entry.object_id is not None:
            wanted.setdefault(description.self_ref, set()).add(entry.object_id)
    names = {kind: _RESOLVERS[kind](ids) if kind in _RESOLVERS and ids else {} for kind, ids in wanted.items()}
    return [_view(entry, names) for entry in entries]


def _view(entry: AuditEntry, names: dict[str, dict[int, str]]) -> EntryView:
    description = _DESCRIPTIONS.get(entry.object_type)
    if description is None:
        changes = [Change(k, k, plain_value(b), plain_value(a)) for k, b, a in entry.changes] if entry.before else []
        return EntryView(entry, entry.summary or entry.action, changes)
    snapshot = entry.after or entry.before or {}
    name = snapshot.get(description.name_field)
    if not name and description.self_ref:
        name = names.get(description.self_ref, {}).get(entry.object_id)
    summary = entry.summary or entry.action
    msgid = description.summaries.get(entry.action)
    if msgid:
        try:
            summary = gettext(msgid) % {**snapshot, "name": name or f"#{entry.object_id}"}
        except (KeyError, TypeError, ValueError):
            pass
    changes = []
    if entry.before:
        before, after = entry.before or {}, entry.after or {}
        for key, (label, kind) in description.fields.items():
            if before.get(key) != after.get(key):
                changes.append(Change(key, gettext(label), _show(before.get(key), kind, names),
                                      _show(after.get(key), kind, names)))
        known = set(description.fields)
        changes += [Change(k, k, plain_value(b), plain_value(a)) for k, b, a in entry.changes if k not in known]
    link = description.link(entry) if description.link and has_request_context() else None
    return EntryView(entry, summary, changes, link)
