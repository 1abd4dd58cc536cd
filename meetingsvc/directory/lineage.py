"""A unit's lineage: what it became after mergers and splits, and what it was formed from.

For reports that group by the unit "as it was" (the unit a meeting named on its date) or "as it is now":

- `current_successors_of(unit_ids, day=None)` -> {unit id: [Unit, ...]}: the units each one had become on `day`
  (default today), following successor links through every later merger or split. A unit still valid on
  `day` maps to itself; an ended unit without successors also maps to itself, so that a report keeps its row.
  Quận Ba Đình (until 30/06/2025) -> [Phường Ba Đình, Phường Giảng Võ, Phường Ngọc Hà, …].
- `all_predecessors_of(unit_ids)` -> {unit id: [Unit, ...]}: every unit each one was formed from, transitively
  (Sở Tài chính from 01/03/2025 <- Sở Tài chính and Sở Kế hoạch và Đầu tư until 28/02/2025), not the unit itself.
  "As it is now" for a current unit = the unit itself plus these.

Both run two queries whatever the number of units (the successor links, then the units they reach), and list
units in tree order (sort order, name, code). `current_successors(unit)`, `current_unit(unit)` and
`unit_as_of(unit, day)` answer for one unit.
"""

from datetime import date

import sqlalchemy as sa

from meetingsvc.core.time import local_today
from meetingsvc.directory.models import Unit, unit_successors
from meetingsvc.extensions import db


def _order(units) -> list[Unit]:
    return sorted(units, key=lambda u: (u.sort_order, u.name, u.code))


def successor_links() -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """(predecessor id -> successor ids, successor id -> predecessor ids) in one query."""
    forward: dict[int, list[int]] = {}
    backward: dict[int, list[int]] = {}
    for pred, succ in db.session.execute(sa.select(unit_successors.c.predecessor_id, unit_successors.c.successor_id)):
        forward.setdefault(pred, []).append(succ)
        backward.setdefault(succ, []).append(pred)
    return forward, backward


def _reachable(start_ids, links: dict[int, list[int]]) -> set[int]:
    seen, stack = set(start_ids), list(start_ids)
    while stack:
        for nxt in links.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _units_by_id(ids) -> dict[int, Unit]:
    ids = sorted(ids)
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.id.in_(ids)))}


def current_successors_of(unit_ids, day: date | None = None) -> dict[int, list[Unit]]:
    """Unit id -> the units it had become on `day` (default today); see the module docstring. Two queries."""
    day = day or local_today()
    start = {int(i) for i in unit_ids if i is not None}
    forward, _backward = successor_links()
    units = _units_by_id(_reachable(start, forward))
    out: dict[int, list[Unit]] = {}
    for uid in start:
        unit = units.get(uid)
        if unit is None:
            continue
        if unit.is_valid_on(day) or not forward.get(uid):
            out[uid] = [unit]
            continue
        found, seen, frontier = [], {uid}, list(forward[uid])
        while frontier:
            following = []
            for candidate_id in frontier:
                if candidate_id in seen:
                    continue
                seen.add(candidate_id)
                candidate = units[candidate_id]
                if candidate.is_valid_on(day) or not forward.get(candidate_id):
                    found.append(candidate)
                else:
                    following.extend(forward[candidate_id])
            frontier = following
        out[uid] = _order(found)
    return out


def all_predecessors_of(unit_ids) -> dict[int, list[Unit]]:
    """Unit id -> every unit it was formed from, transitively, without itself (empty when none). Two queries."""
    start = {int(i) for i in unit_ids if i is not None}
    _forward, backward = successor_links()
    reach = {uid: _reachable({uid}, backward) - {uid} for uid in start}
    units = _units_by_id(set().union(*reach.values()) if reach else set())
    return {uid: _order(units[i] for i in ids) for uid, ids in reach.items()}


def current_successors(unit: Unit, day: date | None = None) -> list[Unit]:
    """Today's units (or `day`'s) that `unit` became: itself while valid, else its successors followed through
    every later merge, e.g. Quận Ba Đình (until 30/06/2025) -> Phường Ba Đình, Phường Ngọc Hà, Phường Giảng Võ.
    An ended unit without successors answers itself so that reports keep its row.
    """
    day = day or local_today()
    if unit.is_valid_on(day):
        return [unit]  # no query: the common case of a report's loop over today's units
    if unit.id is None:
        db.session.flush()
    return current_successors_of([unit.id], day).get(unit.id, [unit])


def current_unit(unit: Unit, day: date | None = None) -> Unit:
    """One unit for "as it is now" grouping: the first of current_successors()."""
    return current_successors(unit, day)[0]


def unit_as_of(unit: Unit, day: date) -> Unit:
    """The unit that stood for `unit` on `day`.

    A meeting's attendee or bridge point keeps the unit it named on the meeting's date, so for grouping "as it
    was" this is normally the unit itself; if `day` is after the unit ended, follow its successors to the one
    valid on that day (the first by order when it was split).
    """
    if unit.is_valid_on(day):
        return unit
    if unit.valid_to is not None and day > unit.valid_to:
        seen, frontier = {unit.id}, list(unit.successors)
        while frontier:
            ordered = _order(frontier)
            for candidate in ordered:
                if candidate.is_valid_on(day):
                    return candidate
            seen.update(u.id for u in ordered)
            frontier = [s for u in ordered for s in u.successors if s.id not in seen]
    return unit
