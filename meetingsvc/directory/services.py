"""The directory's rules: units (a tree with validity dates and successors), people, rooms, saved groups.

Nothing that meetings refer to is deleted: units, people, rooms and groups are deactivated, disappear from
pickers (the active_* functions) and stay as they were in past meetings and reports. Every change is written
to the audit log with what it was before and after (codes and ids; directory.history renders them). Bad input
raises ValidationError (nothing written); a duplicate code or name raises DuplicateError (a ConflictError, 409
in the API). Booleans (is_active, is_leader, is_bookable) are true or false, never text.

For reports that group by the unit "as it was" or "as it is now" (two queries each, whatever the number of units;
see directory.lineage):
- current_successors_of(unit_ids, day=None) -> {id: [Unit]}: what each unit had become on `day` (default today),
  following successors through every merger or split; a unit still valid, or ended without successors, maps to
  itself. current_successors(unit, day) and current_unit(unit, day) answer for one unit.
- all_predecessors_of(unit_ids) -> {id: [Unit]}: every unit each one was formed from, transitively (not itself).
- unit_as_of(unit, day): the unit that stood for `unit` on `day`.

Selections of units for invitations and bridge points: units_for_selection(kind, parent_id, group_id, on_date)
lists the active units valid on the date; select_units() with the same arguments also says which matching units
were left out and why, so that an empty selection can be explained (explain_selection()).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import has_request_context
from flask_babel import gettext
from sqlalchemy.orm.attributes import set_committed_value

from meetingsvc.core.audit import record
from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.core.text import matches_all
from meetingsvc.core.time import local_today, parse_day
from meetingsvc.directory.history import summary
from meetingsvc.directory.lineage import (  # noqa: F401  (re-exported: reports and other domains import them here)
    all_predecessors_of,
    current_successors,
    current_successors_of,
    current_unit,
    successor_links,
    unit_as_of,
)
from meetingsvc.directory.models import (
    LEADER_ROLES,
    UNIT_KINDS,
    Person,
    Room,
    Unit,
    UnitGroup,
    unit_group_members,
)
from meetingsvc.extensions import db

PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}
# A cell, form field or JSON value that means "clear the stored value" in an import (a blank cell keeps it).
CLEAR = "-"
INT_LIMIT = 2_000_000_000


def _(message: str, **values) -> str:
    """gettext in a request; the English text outside one (CLI, demo loader, tests calling services)."""
    if has_request_context():
        return gettext(message, **values)
    return message % values if values else message


class DuplicateError(ConflictError):
    """A code or name that another row already has; `field` names the form field to mark."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


# ---- pickers: what other domains offer users -------------------------------------------------------------


def _kinds(kind) -> list[str] | None:
    if kind is None or kind == "":
        return None
    return [kind] if isinstance(kind, str) else list(kind)


def _valid_on(day: date):
    return sa.and_(
        sa.or_(Unit.valid_from.is_(None), Unit.valid_from <= day),
        sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= day),
    )


def _selection_query(kind=None, parent_id: int | None = None, group_id: int | None = None):
    query = sa.select(Unit)
    kinds = _kinds(kind)
    if kinds:
        query = query.where(Unit.kind.in_(kinds))
    if parent_id is not None:
        query = query.where(Unit.parent_id == parent_id)
    if group_id is not None:
        query = query.where(Unit.id.in_(
            sa.select(unit_group_members.c.unit_id).where(unit_group_members.c.group_id == group_id)
        ))
    return query.order_by(Unit.sort_order, Unit.name, Unit.code)


def units_for_selection(kind=None, parent_id: int | None = None, group_id: int | None = None,
                        on_date: date | None = None) -> list[Unit]:
    """Active units valid on `on_date` (default today), narrowed by kind(s), direct parent and/or saved group.

    "all district-level units" = kind="district"; "all children of unit Y" = parent_id=Y; a saved group =
    group_id (only its members that are still active and valid on the date). Ordered as the tree shows them.
    When it finds nothing, select_units() with the same arguments says why.
    """
    day = on_date or local_today()
    query = _selection_query(kind, parent_id, group_id).where(Unit.is_active.is_(True), _valid_on(day))
    return list(db.session.scalars(query))


@dataclass
class Selection:
    """What a selection found on a day, and the matching units it left out with the reason for each.

    Reasons: "ended" (valid_to before the day), "not_yet" (valid_from after it), "inactive" (deactivated).
    `reason` sums up an empty selection: "nothing_matches" (no unit of that kind/parent/group at all), or the
    reason shared by the units left out, or "mixed".
    """

    on_date: date
    units: list[Unit] = field(default_factory=list)
    left_out: list[tuple[Unit, str]] = field(default_factory=list)

    @property
    def reason(self) -> str | None:
        if self.units:
            return None
        reasons = {why for _unit, why in self.left_out}
        if not reasons:
            return "nothing_matches"
        return reasons.pop() if len(reasons) == 1 else "mixed"

    @property
    def last_valid_to(self) -> date | None:
        days = [u.valid_to for u, why in self.left_out if why == "ended"]
        return max(days) if days else None

    @property
    def first_valid_from(self) -> date | None:
        days = [u.valid_from for u, why in self.left_out if why == "not_yet"]
        return min(days) if days else None


def select_units(kind=None, parent_id: int | None = None, group_id: int | None = None,
                 on_date: date | None = None) -> Selection:
    """units_for_selection() (same arguments, same units in the same order) with what it left out and why."""
    day = on_date or local_today()
    selection = Selection(on_date=day)
    for unit in db.session.scalars(_selection_query(kind, parent_id, group_id)):
        if not unit.is_active:
            selection.left_out.append((unit, "inactive"))
        elif unit.valid_to is not None and unit.valid_to < day:
            selection.left_out.append((unit, "ended"))
        elif unit.valid_from is not None and unit.valid_from > day:
            selection.left_out.append((unit, "not_yet"))
        else:
            selection.units.append(unit)
    return selection


def explain_selection(selection: Selection) -> str | None:
    """Why a selection is empty, in the reader's language (None when it found units)."""
    from meetingsvc.core.i18n import format_day

    day = format_day(selection.on_date)
    reason = selection.reason
    if reason is None:
        return None
    if reason == "nothing_matches":
        return _("No unit matches this selection.")
    if reason == "ended":
        return _("None of the %(n)d matching units exists on %(day)s: they ended by %(last)s.",
                 n=len(selection.left_out), day=day, last=format_day(selection.last_valid_to))
    if reason == "not_yet":
        return _("None of the %(n)d matching units exists yet on %(day)s: the first starts on %(first)s.",
                 n=len(selection.left_out), day=day, first=format_day(selection.first_valid_from))
    if reason == "inactive":
        return _("The %(n)d matching units are deactivated.", n=len(selection.left_out))
    return _("None of the %(n)d matching units is in use on %(day)s (ended, not yet formed or deactivated).",
             n=len(selection.left_out), day=day)


def active_units(kind=None, on_date: date | None = None, q: str | None = None) -> list[Unit]:
    """Units to offer in a picker: active, valid on the date (default today), optionally searched."""
    day = on_date or local_today()
    query = sa.select(Unit).where(Unit.is_active.is_(True), _valid_on(day), matches_all(Unit.search_text, q))
    kinds = _kinds(kind)
    if kinds:
        query = query.where(Unit.kind.in_(kinds))
    return list(db.session.scalars(query.order_by(Unit.sort_order, Unit.name, Unit.code)))


def active_people(leaders_only: bool = False, q: str | None = None) -> list[Person]:
    """People to offer in a picker; leaders first in rank order (Chairman, Standing Vice Chairman, …)."""
    query = sa.select(Person).where(Person.is_active.is_(True), matches_all(Person.search_text, q))
    if leaders_only:
        query = query.where(Person.is_leader.is_(True))
    order = (Person.is_leader.desc(), sa.func.coalesce(Person.leader_rank, 9999), Person.full_name, Person.id)
    return list(db.session.scalars(query.order_by(*order)).unique())


def active_rooms(bookable_only: bool = False) -> list[Room]:
    query = sa.select(Room).where(Room.is_active.is_(True))
    if bookable_only:
        query = query.where(Room.is_bookable.is_(True))
    return list(db.session.scalars(query.order_by(Room.name)))


def active_groups() -> list[UnitGroup]:
    return list(db.session.scalars(
        sa.select(UnitGroup).where(UnitGroup.is_active.is_(True)).order_by(UnitGroup.name)
    ))


# ---- units -----------------------------------------------------------------------------------------------


def unit_snapshot(unit: Unit) -> dict:
    return {
        "code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
        "parent_id": unit.parent_id, "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None, "sort_order": unit.sort_order,
        "is_active": unit.is_active, "successor_ids": sorted(s.id for s in unit.successors),
    }


UNIT_FIELDS = ("code", "name", "short_name", "kind", "parent_id", "valid_from", "valid_to", "sort_order",
               "successor_ids")


def _nul_error(value: str, key: str, errors: dict) -> bool:
    """A NUL character is refused on both backends alike (SQLite would store it, PostgreSQL refuses it)."""
    from meetingsvc.meetings.validation import text_error

    problem = text_error(value)
    if problem:
        errors[key] = problem
    return bool(problem)


def _clean_text(data: dict, key: str, errors: dict, *, required: bool = False, max_len: int = 200) -> str | None:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return None
    if _nul_error(value, key, errors):
        return None
    value = " ".join(value.split())
    if required and not value:
        errors[key] = _("This field is required.")
    elif len(value) > max_len:
        errors[key] = _("At most %(n)d characters.", n=max_len)
    return value or None


def _clean_date(data: dict, key: str, errors: dict) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return parse_day(value)
    except ValueError:
        errors[key] = _("Not a date (use dd/mm/yyyy).")
        return None


def _clean_int(data: dict, key: str, errors: dict, *, minimum: int | None = None) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        errors[key] = _("Must be a whole number.")  # 2.5 seats is a typing error, not 2
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[key] = _("Must be a whole number.")
        return None
    if minimum is not None and number < minimum:
        errors[key] = _("Must be at least %(n)d.", n=minimum)
        return None
    if abs(number) > INT_LIMIT:  # the database's integer columns stop there
        errors[key] = _("Must be at most %(n)d.", n=INT_LIMIT)
        return None
    return number


def _clean_bool(data: dict, key: str, errors: dict, default: bool | None = None) -> bool | None:
    """True or false as given, else an error on `key`: text such as "true", "yes" or "banana" is refused alike,
    so that the API, the forms and imports agree (forms and imports turn their own inputs into booleans)."""
    value = data.get(key, default)
    if isinstance(value, bool):
        return value
    errors[key] = _("Must be true or false.")
    return default


def _unit_by_id(unit_id, field: str, errors: dict) -> Unit | None:
    if unit_id in (None, ""):
        return None
    try:
        unit = db.session.get(Unit, int(unit_id))
    except (TypeError, ValueError):
        unit = None
    if unit is None:
        errors[field] = _("No such unit.")
    return unit


def check_parent(unit: Unit | None, parent: Unit | None) -> str | None:
    """Why `parent` cannot be `unit`'s parent (itself or one of its descendants), or None."""
    if parent is None or unit is None or unit.id is None:
        return None
    node, seen = parent, set()
    while node is not None and node.id not in seen:
        if node.id == unit.id:
            return _("A unit cannot be placed under itself or under one of its own sub-units.")
        seen.add(node.id)
        node = node.parent
    return None


def _check_successors(unit: Unit | None, successors: list[Unit]) -> str | None:
    """A successor may not be the unit itself nor lead back to it through later successors."""
    if unit is None or unit.id is None:
        return None
    frontier, seen = list(successors), set()
    while frontier:
        node = frontier.pop()
        if node.id == unit.id:
            return _("A unit cannot succeed itself (directly or through later merges).")
        if node.id in seen:
            continue
        seen.add(node.id)
        frontier.extend(node.successors)
    return None


def _apply_unit(unit: Unit | None, data: dict, *, partial: bool) -> dict:
    """Validated values for the fields present in `data` (all fields unless partial)."""
    errors, values = {}, {}
    keys = [k for k in UNIT_FIELDS if k in data] if partial else list(UNIT_FIELDS)
    if "code" in keys:
        code = _clean_text(data, "code", errors, required=True, max_len=32)
        if code and " " in code:
            errors["code"] = _("A code has no spaces.")
        values["code"] = code
    if "name" in keys:
        values["name"] = _clean_text(data, "name", errors, required=True, max_len=200)
    if "short_name" in keys:
        values["short_name"] = _clean_text(data, "short_name", errors, max_len=80)
    if "kind" in keys:
        kind = data.get("kind")
        if kind not in UNIT_KINDS:
            errors["kind"] = _("Choose one of: %(kinds)s.", kinds=", ".join(UNIT_KINDS))
        values["kind"] = kind
    if "parent_id" in keys:
        parent = _unit_by_id(data.get("parent_id"), "parent_id", errors)
        problem = check_parent(unit, parent)
        if problem:
            errors["parent_id"] = problem
        values["parent"] = parent
    for key in ("valid_from", "valid_to"):
        if key in keys:
            values[key] = _clean_date(data, key, errors)
    if "sort_order" in keys:
        values["sort_order"] = _clean_int(data, "sort_order", errors) or 0
    if "successor_ids" in keys:
        raw = data.get("successor_ids") or []
        if not isinstance(raw, list | tuple):
            errors["successor_ids"] = _("Must be a list of unit ids.")
            raw = []
        successors = []
        for sid in raw:
            found = _unit_by_id(sid, "successor_ids", errors)
            if found is not None and found not in successors:
                successors.append(found)
        problem = _check_successors(unit, successors)
        if problem:
            errors["successor_ids"] = problem
        values["successors"] = successors
    valid_from = values.get("valid_from", unit.valid_from if unit and "valid_from" not in values else None)
    valid_to = values.get("valid_to", unit.valid_to if unit and "valid_to" not in values else None)
    if valid_from and valid_to and valid_to < valid_from and "valid_to" not in errors:
        errors["valid_to"] = _("The end of validity is before its start.")
    if "is_active" in data:
        values["is_active"] = _clean_bool(data, "is_active", errors)
    code = values.get("code")
    if code and "code" not in errors:
        clash = db.session.scalar(sa.select(Unit).where(sa.func.lower(Unit.code) == code.lower()))
        if clash is not None and clash is not unit:
            message = _("The code %(code)s is already used by %(name)s.", code=code, name=clash.name)
            if not errors:
                raise DuplicateError("code", message)
            errors["code"] = message  # said with the other errors, not after they are fixed
    if errors:
        raise ValidationError(errors)
    return values


def _change_action(before: dict, after: dict) -> str:
    """'deactivate' or 'activate' when only is_active changed (a PATCH through the API reads like the page's
    button in the log), else 'update'."""
    changed = {k for k in after if after[k] != before.get(k)}
    if changed == {"is_active"}:
        return "activate" if after["is_active"] else "deactivate"
    return "update"


def create_unit(data: dict, *, audit: bool = True) -> Unit:
    """A new unit; with audit=False the caller flushes and calls audit_unit_created() (bulk loads: one flush
    for many units)."""
    values = _apply_unit(None, data, partial=False)
    unit = Unit(is_active=True)
    for key, value in values.items():
        setattr(unit, key, value)
    db.session.add(unit)
    if audit:
        db.session.flush()
        audit_unit_created(unit)
    return unit


def audit_unit_created(unit: Unit) -> None:
    record("create", unit, summary=summary("units", "create", name=unit.name), after=unit_snapshot(unit))


def update_unit(unit: Unit, data: dict, *, partial: bool = True) -> Unit:
    before = unit_snapshot(unit)
    values = _apply_unit(unit, data, partial=partial)
    for key, value in values.items():
        setattr(unit, key, value)
    db.session.flush()
    after = unit_snapshot(unit)
    if after != before:
        changed = {k for k in after if after[k] != before[k]}
        action = "move" if changed == {"parent_id"} else _change_action(before, after)
        record(action, unit, summary=summary("units", action, name=unit.name), before=before, after=after)
    return unit


def move_unit(unit: Unit, parent: Unit | None) -> Unit:
    return update_unit(unit, {"parent_id": parent.id if parent else None})


def set_unit_active(unit: Unit, active: bool) -> Unit:
    if unit.is_active == active:
        return unit
    before = unit_snapshot(unit)
    unit.is_active = active
    action = "activate" if active else "deactivate"
    record(action, unit, summary=summary("units", action, name=unit.name), before=before, after=unit_snapshot(unit))
    return unit


def merge_units(predecessors: list[Unit], successor: Unit, on_date: date) -> Unit:
    """Record a merger: the predecessors end the day before `on_date` and point to `successor`."""
    errors = {}
    if not predecessors:
        errors["predecessors"] = _("Choose the units that merge.")
    if successor in predecessors:
        errors["successor"] = _("A unit cannot succeed itself (directly or through later merges).")
    if errors:
        raise ValidationError(errors)
    from datetime import timedelta

    for unit in predecessors:
        update_unit(unit, {
            "valid_to": on_date - timedelta(days=1),
            "successor_ids": sorted({s.id for s in unit.successors} | {successor.id}),
        })
    if successor.valid_from is None or successor.valid_from > on_date:
        update_unit(successor, {"valid_from": on_date})
    return successor


def load_successors(units: list[Unit]) -> None:
    """Fill `successors` and `predecessors` of these units from one query (their linked units must be among them
    or already loaded), so that a page listing many units does not look them up one by one."""
    forward, backward = successor_links()
    by_id = {u.id: u for u in units}
    missing = {i for ids in list(forward.values()) + list(backward.values()) for i in ids} - set(by_id)
    if missing:
        by_id.update({u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(sorted(missing))))})

    def ordered(ids):
        return sorted((by_id[i] for i in ids), key=lambda u: (u.sort_order, u.name, u.code))

    for unit in units:
        set_committed_value(unit, "successors", ordered(forward.get(unit.id, ())))
        set_committed_value(unit, "predecessors", ordered(backward.get(unit.id, ())))


def unit_tree(*, include_former: bool = False, q: str | None = None, on_date: date | None = None,
              with_successors: bool = True) -> list[tuple[Unit, int]]:
    """(unit, depth) in tree order. Former units (inactive or no longer valid) only when asked for.

    A search keeps the matching units and their ancestors so that the tree still reads. A fixed number of
    queries: the units, the successor links (unless with_successors=False) and, for a search, the matches.
    """
    day = on_date or local_today()
    every = list(db.session.scalars(sa.select(Unit).order_by(Unit.sort_order, Unit.name, Unit.code)))
    if with_successors:
        load_successors(every)
    parent_of = {u.id: u.parent_id for u in every}
    units = every
    if not include_former:
        units = [u for u in units if u.is_active and (u.valid_to is None or u.valid_to >= day)]
    shown = {u.id for u in units}
    if q:
        matching = set(db.session.scalars(sa.select(Unit.id).where(matches_all(Unit.search_text, q))))
        keep = set()
        for uid in matching & shown:
            node, seen = uid, set()
            while node is not None and node not in seen:
                seen.add(node)
                if node in shown:
                    keep.add(node)
                node = parent_of.get(node)
        units = [u for u in units if u.id in keep]
        shown = keep
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in shown else None
        children.setdefault(parent, []).append(unit)
    out, stack = [], [(u, 0) for u in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        out.append((unit, depth))
        stack.extend((c, depth + 1) for c in reversed(children.get(unit.id, [])))
    return out


def descendant_ids(unit: Unit) -> set[int]:
    """Ids of every unit under `unit`, at any depth (one query)."""
    rows = db.session.execute(sa.select(Unit.id, Unit.parent_id)).all()
    children: dict[int, list[int]] = {}
    for uid, parent_id in rows:
        children.setdefault(parent_id, []).append(uid)
    out, stack = set(), list(children.get(unit.id, []))
    while stack:
        uid = stack.pop()
        if uid not in out:
            out.add(uid)
            stack.extend(children.get(uid, []))
    return out


def is_former(unit: Unit, day: date | None = None) -> bool:
    day = day or local_today()
    return not unit.is_active or (unit.valid_to is not None and unit.valid_to < day)


# ---- people ----------------------------------------------------------------------------------------------

PERSON_FIELDS = ("full_name", "title", "unit_id", "email", "phone", "is_leader", "leader_role", "leader_rank")


def person_snapshot(person: Person) -> dict:
    return {
        "full_name": person.full_name, "title": person.title, "unit_id": person.unit_id, "email": person.email,
        "phone": person.phone, "is_leader": person.is_leader, "leader_role": person.leader_role,
        "leader_rank": person.leader_rank, "is_active": person.is_active,
    }


def normalise_email(raw: str | None) -> str | None:
    """The address as it should be stored, or ValueError with the reason it is not an address."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from exc


def _apply_person(person: Person | None, data: dict, *, partial: bool) -> dict:
    errors, values = {}, {}
    keys = [k for k in PERSON_FIELDS if k in data] if partial else list(PERSON_FIELDS)
    if "full_name" in keys:
        values["full_name"] = _clean_text(data, "full_name", errors, required=True, max_len=120)
    if "title" in keys:
        values["title"] = _clean_text(data, "title", errors, max_len=160) or ""
    if "unit_id" in keys:
        unit = _unit_by_id(data.get("unit_id"), "unit_id", errors)
        values["unit_id"] = unit.id if unit else None
    if "email" in keys:
        raw = data.get("email")
        if raw is not None and not isinstance(raw, str):
            errors["email"] = _("Must be text.")
        else:
            try:
                values["email"] = normalise_email(raw)
            except ValueError:
                errors["email"] = _("%(value)s is not an email address.", value=raw)
    if "phone" in keys:
        phone = _clean_text(data, "phone", errors, max_len=40)
        if phone and not all(c.isdigit() or c in " +().-" for c in phone):
            errors["phone"] = _("A phone number has digits, spaces and + ( ) . - only.")
        values["phone"] = phone
    if "is_leader" in keys:
        values["is_leader"] = _clean_bool(data, "is_leader", errors, default=False)
    if "leader_role" in keys:
        role = data.get("leader_role") or None
        if role is not None and role not in LEADER_ROLES:
            errors["leader_role"] = _("Choose one of: %(kinds)s.", kinds=", ".join(LEADER_ROLES))
        values["leader_role"] = role
    if "leader_rank" in keys:
        values["leader_rank"] = _clean_int(data, "leader_rank", errors, minimum=1)
    if "is_active" in data:
        values["is_active"] = _clean_bool(data, "is_active", errors)
    is_leader = values.get("is_leader", person.is_leader if person else False)
    if not is_leader and "is_leader" not in errors:
        # Someone who is not (or no longer) a leader has no leader role nor rank: given ones are refused, as on
        # creation; stored ones are cleared when a change only says is_leader: false.
        if values.get("leader_role"):
            errors.setdefault("leader_role", _("Only a leader has a leader role."))
        if values.get("leader_rank") is not None:
            errors.setdefault("leader_rank", _("Only a leader has a rank order."))
        values["leader_role"], values["leader_rank"] = None, None
    if errors:
        raise ValidationError(errors)
    return values


def create_person(data: dict, *, audit: bool = True) -> Person:
    """A new person; with audit=False the caller flushes and calls audit_created() (bulk loads: one flush)."""
    values = _apply_person(None, data, partial=False)
    person = Person(**{"is_active": True, **values})
    db.session.add(person)
    if audit:
        db.session.flush()
        audit_created(person)
    return person


def audit_created(person: Person) -> None:
    record("create", person, summary=summary("people", "create", name=person.full_name),
           after=person_snapshot(person))


def update_person(person: Person, data: dict, *, partial: bool = True) -> Person:
    before = person_snapshot(person)
    for key, value in _apply_person(person, data, partial=partial).items():
        setattr(person, key, value)
    db.session.flush()
    after = person_snapshot(person)
    if after != before:
        action = _change_action(before, after)
        record(action, person, summary=summary("people", action, name=person.full_name), before=before,
               after=after)
    return person


def set_person_active(person: Person, active: bool) -> Person:
    if person.is_active == active:
        return person
    before = person_snapshot(person)
    person.is_active = active
    action = "activate" if active else "deactivate"
    record(action, person, summary=summary("people", action, name=person.full_name), before=before,
           after=person_snapshot(person))
    return person


def search_people(q: str | None = None, *, unit_id: int | None = None, include_inactive: bool = False,
                  leaders_only: bool = False) -> list[Person]:
    query = sa.select(Person).where(matches_all(Person.search_text, q))
    if not include_inactive:
        query = query.where(Person.is_active.is_(True))
    if unit_id:
        query = query.where(Person.unit_id == unit_id)
    if leaders_only:
        query = query.where(Person.is_leader.is_(True))
    order = (Person.is_leader.desc(), sa.func.coalesce(Person.leader_rank, 9999), Person.full_name, Person.id)
    return list(db.session.scalars(query.order_by(*order)).unique())


# ---- rooms -----------------------------------------------------------------------------------------------

ROOM_FIELDS = ("name", "building", "capacity", "equipment", "is_bookable")


def room_snapshot(room: Room) -> dict:
    return {
        "name": room.name, "building": room.building, "capacity": room.capacity, "equipment": list(room.equipment or []),
        "is_bookable": room.is_bookable, "is_active": room.is_active, "photo_mimetype": room.photo_mimetype,
    }


def parse_equipment(raw) -> list[str]:
    """A list from a list, or from text with one item per line or separated by commas/semicolons."""
    if raw is None:
        return []
    if isinstance(raw, str):
        parts = raw.replace(";", "\n").replace(",", "\n").splitlines()
    elif isinstance(raw, list | tuple):
        parts = [str(p) for p in raw]
    else:
        raise ValueError("not a list")
    items = []
    for part in parts:
        part = " ".join(part.split())
        if part and part not in items:
            items.append(part[:80])
    return items


def _refuse_taken_name(model, name: str, current, errors: dict, message) -> None:
    """A name another row has (in any case): DuplicateError when it is the only problem, else one more field
    error, said with the form's other errors rather than after they are fixed. `message(taken name)`."""
    clash = db.session.scalar(sa.select(model).where(sa.func.lower(model.name) == name.lower()))
    if clash is None or clash is current:
        return
    if not errors:
        raise DuplicateError("name", message(clash.name))
    errors["name"] = message(clash.name)


def _apply_room(room: Room | None, data: dict, *, partial: bool) -> dict:
    errors, values = {}, {}
    keys = [k for k in ROOM_FIELDS if k in data] if partial else list(ROOM_FIELDS)
    if "name" in keys:
        values["name"] = _clean_text(data, "name", errors, required=True, max_len=120)
    if "building" in keys:
        values["building"] = _clean_text(data, "building", errors, max_len=160) or ""
    if "capacity" in keys:
        capacity = _clean_int(data, "capacity", errors)
        if capacity is None and "capacity" not in errors:
            errors["capacity"] = _("This field is required.")
        elif capacity is not None and capacity <= 0:
            errors["capacity"] = _("The capacity must be more than zero.")
        values["capacity"] = capacity
    if "equipment" in keys:
        try:
            values["equipment"] = parse_equipment(data.get("equipment"))
        except ValueError:
            errors["equipment"] = _("Must be a list of items.")
        else:
            for item in values["equipment"]:
                if _nul_error(item, "equipment", errors):
                    break
    if "is_bookable" in keys:
        values["is_bookable"] = _clean_bool(data, "is_bookable", errors, default=True)
    if "is_active" in data:
        values["is_active"] = _clean_bool(data, "is_active", errors)
    if values.get("name") and "name" not in errors:
        _refuse_taken_name(Room, values["name"], room, errors,
                           lambda taken: _("A room named %(name)s already exists.", name=taken))
    if errors:
        raise ValidationError(errors)
    return values


def image_type(content: bytes) -> str | None:
    """The MIME type from the file's first bytes (not from what the browser claims)."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(content: bytes) -> str:
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": _("The photo is larger than %(n)d MB.", n=PHOTO_MAX_BYTES // (1024 * 1024))})
    mimetype = image_type(content)
    if mimetype not in PHOTO_TYPES:
        raise ValidationError({"photo": _("The photo must be a JPEG, PNG or WebP image.")})
    return mimetype


def create_room(data: dict, photo: bytes | None = None) -> Room:
    values = _apply_room(None, data, partial=False)
    mimetype = check_photo(photo) if photo else None
    room = Room(**{"is_active": True, **values})
    if photo:
        room.photo, room.photo_mimetype = photo, mimetype
    db.session.add(room)
    db.session.flush()
    record("create", room, summary=summary("rooms", "create", name=room.name), after=room_snapshot(room))
    return room


def update_room(room: Room, data: dict, *, partial: bool = True, photo: bytes | None = None,
                remove_photo: bool = False) -> Room:
    before = room_snapshot(room)
    values = _apply_room(room, data, partial=partial)
    mimetype = check_photo(photo) if photo else None
    for key, value in values.items():
        setattr(room, key, value)
    if photo:
        room.photo, room.photo_mimetype = photo, mimetype
    elif remove_photo:
        room.photo, room.photo_mimetype = None, None
    db.session.flush()
    after = room_snapshot(room)
    if after != before or photo:
        action = "update" if photo else _change_action(before, after)
        record(action, room, summary=summary("rooms", action, name=room.name), before=before, after=after)
    return room


def set_room_active(room: Room, active: bool) -> Room:
    if room.is_active == active:
        return room
    before = room_snapshot(room)
    room.is_active = active
    action = "activate" if active else "deactivate"
    record(action, room, summary=summary("rooms", action, name=room.name), before=before, after=room_snapshot(room))
    return room


def search_rooms(q: str | None = None, *, include_inactive: bool = False) -> list[Room]:
    query = sa.select(Room).where(matches_all(Room.search_text, q))
    if not include_inactive:
        query = query.where(Room.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Room.name)))


def search_units(q: str | None = None, *, kind=None, include_inactive: bool = False) -> list[Unit]:
    query = sa.select(Unit).where(matches_all(Unit.search_text, q))
    if not include_inactive:
        query = query.where(Unit.is_active.is_(True))
    kinds = _kinds(kind)
    if kinds:
        query = query.where(Unit.kind.in_(kinds))
    return list(db.session.scalars(query.order_by(Unit.sort_order, Unit.name, Unit.code)))


# ---- saved groups of units -------------------------------------------------------------------------------


def group_snapshot(group: UnitGroup) -> dict:
    return {"name": group.name, "description": group.description, "is_active": group.is_active,
            "unit_ids": sorted(u.id for u in group.units)}


def _apply_group(group: UnitGroup | None, data: dict) -> dict:
    errors, values = {}, {}
    values["name"] = _clean_text(data, "name", errors, required=True, max_len=160)
    description = data.get("description") or ""
    if not isinstance(description, str):
        errors["description"] = _("Must be text.")
    elif not _nul_error(description, "description", errors):
        values["description"] = description.strip()
    ids = set()
    for raw in data.get("unit_ids") or []:
        unit = _unit_by_id(raw, "unit_ids", errors)
        if unit is not None:
            ids.add(unit.id)
    kind, parent_id = data.get("rule_kind") or None, data.get("rule_parent_id") or None
    if kind and kind not in UNIT_KINDS:
        errors["rule_kind"] = _("Choose one of: %(kinds)s.", kinds=", ".join(str(v) for v in UNIT_KINDS.values()))
    parent = _unit_by_id(parent_id, "rule_parent_id", errors) if parent_id else None
    rule_day = _clean_date(data, "rule_on_date", errors)
    if (kind or parent) and not errors:
        parent_id = parent.id if parent else None
        if rule_day is None:  # every period: each use keeps the members valid on the meeting's date
            found = list(db.session.scalars(_selection_query(kind, parent_id).where(Unit.is_active.is_(True))))
            if not found:
                errors["rule_kind" if kind else "rule_parent_id"] = _("No unit matches this selection.")
        else:
            selection = select_units(kind=kind, parent_id=parent_id, on_date=rule_day)
            found = selection.units
            if not found:
                errors["rule_on_date"] = explain_selection(selection)
        ids.update(u.id for u in found)
    if not ids and not errors:
        errors["unit_ids"] = _("Choose at least one unit (or a rule that finds some).")
    if values.get("name") and "name" not in errors:
        _refuse_taken_name(UnitGroup, values["name"], group, errors,
                           lambda taken: _("A group named %(name)s already exists.", name=taken))
    if errors:
        raise ValidationError(errors)
    values["units"] = list(db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids))))
    return values


def create_group(data: dict) -> UnitGroup:
    """A saved group from picked unit_ids and/or a rule: rule_kind and/or rule_parent_id (direct sub-units), with
    rule_on_date: the units valid on that day, or, when empty, the units of every period (each use of the group,
    through units_for_selection(group_id=..., on_date=the meeting's date), keeps those valid on that date).
    Deactivated units are never added by a rule."""
    values = _apply_group(None, data)
    group = UnitGroup(**values)
    db.session.add(group)
    db.session.flush()
    record("create", group, summary=summary("unit_groups", "create", name=group.name), after=group_snapshot(group))
    return group


def update_group(group: UnitGroup, data: dict) -> UnitGroup:
    before = group_snapshot(group)
    for key, value in _apply_group(group, data).items():
        setattr(group, key, value)
    db.session.flush()
    after = group_snapshot(group)
    if after != before:
        record("update", group, summary=summary("unit_groups", "update", name=group.name), before=before,
               after=after)
    return group


def set_group_active(group: UnitGroup, active: bool) -> UnitGroup:
    if group.is_active == active:
        return group
    before = group_snapshot(group)
    group.is_active = active
    action = "activate" if active else "deactivate"
    record(action, group, summary=summary("unit_groups", action, name=group.name), before=before,
           after=group_snapshot(group))
    return group


def all_groups(include_inactive: bool = False) -> list[UnitGroup]:
    query = sa.select(UnitGroup)
    if not include_inactive:
        query = query.where(UnitGroup.is_active.is_(True))
    return list(db.session.scalars(query.order_by(UnitGroup.name)))


# ---- what deactivating leaves behind (warned, not refused) -----------------------------------------------

UPCOMING_STATUSES = ("draft", "scheduled", "postponed")


def _upcoming(condition, now: datetime | None) -> tuple[int, datetime | None]:
    from meetingsvc.core.db import utcnow
    from meetingsvc.meetings.models import Meeting

    row = db.session.execute(sa.select(sa.func.count(Meeting.id), sa.func.min(Meeting.start_at)).where(
        condition, Meeting.start_at >= (now or utcnow()), Meeting.status.in_(UPCOMING_STATUSES))).one()
    return row[0], row[1]


def deactivation_warnings(obj, now: datetime | None = None) -> list[str]:
    """What still relies on a person, room or unit and that deactivating it will not change (a page shows them
    beside the button and after deactivating; nothing is refused). Counts and dates only: no meeting titles,
    so that nothing classified is told to an admin without the clearance."""
    from meetingsvc.core.i18n import format_day
    from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader

    warnings = []
    if isinstance(obj, Person):
        involved = sa.or_(
            Meeting.chair_id == obj.id,
            Meeting.id.in_(sa.select(MeetingLeader.meeting_id).where(MeetingLeader.person_id == obj.id)),
            Meeting.id.in_(sa.select(Attendee.meeting_id).where(Attendee.person_id == obj.id)),
        )
        count, first = _upcoming(involved, now)
        if count:
            warnings.append(_("Upcoming meetings that still name this person: %(n)d (the first on %(day)s). "
                              "Deactivating does not change them; replace the person there if needed.",
                              n=count, day=format_day(first)))
    elif isinstance(obj, Room):
        count, first = _upcoming(Meeting.room_id == obj.id, now)
        if count:
            warnings.append(_("Upcoming meetings booked in this room: %(n)d (the first on %(day)s). "
                              "Deactivating does not cancel them; move them to another room if needed.",
                              n=count, day=format_day(first)))
    elif isinstance(obj, Unit):
        today = local_today()
        children = db.session.scalar(sa.select(sa.func.count()).select_from(Unit).where(
            Unit.parent_id == obj.id, Unit.is_active.is_(True),
            sa.or_(Unit.valid_to.is_(None), Unit.valid_to >= today)))
        if children:
            warnings.append(_("Sub-units still in use under this unit: %(n)d. They stay in use; move or deactivate "
                              "them if needed.", n=children))
        people = db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(
            Person.unit_id == obj.id, Person.is_active.is_(True)))
        if people:
            warnings.append(_("People of this unit still in use: %(n)d. They stay in use; move or deactivate them "
                              "if needed.", n=people))
    return warnings
