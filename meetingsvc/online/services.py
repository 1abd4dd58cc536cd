"""Online meetings: the link, bridge points ("điểm cầu"), connection checks and participants.

Counting rule for relayed conferences ("truyền hình trực tiếp lại"): a conference held on another body's
system (the City Party Committee's, the national Government's) and relayed into ours is recorded with
`Meeting.is_relayed = True` and `Meeting.origin_network`. Its bridge points and their participants are
real and are shown everywhere, but in a JOINT report (the office's figures added to the origin body's
figures) they must be left out, because the origin body already counts every bridge point of its
conference, ours included. `counts_in_joint_total(meeting)` states the rule; `totals_for_meetings` gives
the raw sums and leaves the choice to the report.

Units are taken as they were on the meeting's local date (`Unit.valid_from`/`valid_to`): a conference in
2024 has district-level units as bridge points, one after 1/7/2025 the new communes and wards.
"""

from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased, joinedload

from meetingsvc.core.audit import record
from meetingsvc.core.db import utcnow
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.i18n import format_day_time, format_number
from meetingsvc.core.time import to_local
from meetingsvc.directory.models import UNIT_KINDS, Unit, UnitGroup
from meetingsvc.extensions import db
from meetingsvc.meetings.models import MODES, Attendee, Meeting
from meetingsvc.meetings.validation import text_error
from meetingsvc.online.models import CONNECTION_STATUSES, MAX_PARTICIPANTS_PER_POINT, BridgePoint

# Suggestions for the free-text provider field ("the government's own system" is the usual one).
PROVIDER_SUGGESTIONS = [
    _l("Government video-conference system"),
    "Zoom",
    "Microsoft Teams",
    "Google Meet",
    "Webex",
    "Jitsi",
]
ORIGIN_NETWORK_SUGGESTIONS = [
    _l("City Party Committee system"),
    _l("Government system"),
    _l("National Assembly system"),
]

# Bulk selections: which unit kinds each one takes.
SELECTIONS = {
    "district": (_l("All district-level units"), ("district",)),
    "commune": (_l("All wards and communes"), ("ward", "commune", "township", "special_zone")),
    "department": (_l("All departments"), ("department",)),
}

# Fields of a meeting that carry its online link; `passcode` is secret (see PUBLIC_LINK_FIELDS).
LINK_FIELDS = ("online_provider", "join_url", "online_meeting_code", "passcode", "dial_in", "is_relayed",
               "origin_network")
# What may leave the app in shared places (feeds, public schedule): never the passcode.
SECRET_LINK_FIELDS = ("passcode",)

POINT_TEXT_FIELDS = {"address": 300, "contact_name": 160, "contact_phone": 40, "site_name": 200,
                     "connection_note": 500}
# What may be changed on a bridge point (secretaries, admins) and what of it a technician may change.
POINT_FIELDS = ("address", "contact_name", "contact_phone", "planned_participants", "actual_participants",
                "connection_status", "connection_note", "is_host", "site_name")
TECHNICIAN_POINT_FIELDS = ("actual_participants", "connection_status", "connection_note")

# The meeting page's history: action codes of the audit entries written here, and the field names in their
# before/after, as labels. Values in those entries are stored readably (status labels, names, not codes).
HISTORY_LABELS = {
    "online_link": _l("changed the online link"),
    "bridge_point_add": _l("added a bridge point"),
    "bridge_point_bulk_add": _l("added bridge points"),
    "bridge_point_update": _l("changed a bridge point"),
    "bridge_point_remove": _l("removed bridge points"),
    "connection_check": _l("recorded a connection check"),
    "participants_recorded": _l("recorded participants"),
    "participants_uploaded": _l("uploaded participants from a file"),
    "mode": _l("Mode"),
    "online_provider": _l("Provider"),
    "join_url": _l("Join URL"),
    "online_meeting_code": _l("Meeting ID"),
    "passcode": _l("Passcode"),
    "dial_in": _l("Dial-in"),
    "is_relayed": _l("Relayed from another body's system"),
    "origin_network": _l("Origin network"),
    "points": _l("Bridge points"),
    "site_name": _l("Site name"),
    "is_host": _l("Host point"),
    "address": _l("Room / address"),
    "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact phone"),
    "planned_participants": _l("Planned participants"),
    "actual_participants": _l("Actual participants"),
    "actual_total": _l("Actual participants (all bridge points)"),
    "connection_status": _l("Connection check"),
    "connection_note": _l("Note on the connection"),
    "present_count": _l("People present at the venue"),
}
# An audit entry lists the bridge points whose figure changed up to this many; beyond, it keeps the totals.
HISTORY_DETAIL_LIMIT = 10


class Totals(NamedTuple):
    """Bridge points of a meeting and the sums of planned / actual participants (None: nothing recorded yet)."""

    points: int
    planned: int | None
    actual: int | None


EMPTY_TOTALS = Totals(0, None, None)


@dataclass
class BulkResult:
    added: list[BridgePoint]
    skipped: int


# ---- who may do what ---------------------------------------------------------------------------------------


def can_edit_online(user) -> bool:
    """Secretaries and admins edit the link and the bridge points."""
    return getattr(user, "is_authenticated", False) and user.role in ("admin", "secretary")


def can_record(user) -> bool:
    """Technicians, secretaries and admins record connection checks and actual participants."""
    return getattr(user, "is_authenticated", False) and user.role in ("admin", "secretary", "technician")


def counts_in_joint_total(meeting) -> bool:
    """Whether a meeting's bridge-point participants belong in a joint report (see the module docstring)."""
    return not meeting.is_relayed


# ---- totals ------------------------------------------------------------------------------------------------


def totals_for_meetings(meeting_ids) -> dict[int, Totals]:
    """{meeting_id: Totals} for every id given, in ONE aggregate query (meetings without points get zeros)."""
    ids = list({int(i) for i in meeting_ids})
    result = {i: EMPTY_TOTALS for i in ids}
    if not ids:
        return result
    rows = db.session.execute(
        sa.select(
            BridgePoint.meeting_id,
            sa.func.count(BridgePoint.id),
            sa.func.sum(BridgePoint.planned_participants),
            sa.func.sum(BridgePoint.actual_participants),
        )
        .where(BridgePoint.meeting_id.in_(ids))
        .group_by(BridgePoint.meeting_id)
    )
    for meeting_id, points, planned, actual in rows:
        result[meeting_id] = Totals(int(points), None if planned is None else int(planned),
                                    None if actual is None else int(actual))
    return result


def meeting_totals(meeting) -> Totals:
    return totals_for_meetings([meeting.id])[meeting.id]


# ---- the link ----------------------------------------------------------------------------------------------


def meeting_day(meeting):
    return to_local(meeting.start_at).date()


def check_join_url(url: str) -> str:
    """The URL stripped, or ValidationError unless it is an absolute http(s) URL with a host."""
    url = (url or "").strip()
    if not url:
        return ""
    message = _("Enter a full web address starting with https:// or http://.")
    if len(url) > 1000 or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        raise ValidationError({"join_url": message})
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        raise ValidationError({"join_url": message}) from None
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or not host or not port_ok or host.startswith(".") or (
        "." not in host and host != "localhost" and ":" not in host
    ) or any(c in host for c in "<>\"'`\\{}|^"):
        raise ValidationError({"join_url": message})
    if "@" in parts.netloc:
        # https://user:pass@host/… would put a password where feeds and pages show the link.
        raise ValidationError({"join_url": _("Do not put a user name or password in the web address: enter the "
                                             "passcode in its own field.")})
    return url


# Query parameters by which providers put the passcode into the join link (Zoom's ?pwd=…).
# Query parameters that carry a passcode (Zoom pwd=, Teams p=, …) or let one join without it (Webex's token).
PASSCODE_QUERY_KEYS = {"pwd", "passcode", "password", "pass", "pin", "p", "integrationjointoken"}


def shareable_join_url(url: str, passcode: str = "") -> str:
    """The join URL as it may go into feeds and shared places: no passcode parameter, no parameter whose value
    is the meeting's `passcode`, no user name or password in the address."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in PASSCODE_QUERY_KEYS and not (passcode and v == passcode)]
    netloc = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), parts.fragment))


def _text(value, limit: int, field: str) -> str:
    if value is not None and not isinstance(value, str):
        raise ValidationError({field: _("Enter text.")})
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: _("At most %(n)s characters.", n=limit)})
    # The same answer on both backends: SQLite would store a NUL, PostgreSQL refuses it.
    problem = text_error(value)
    if problem:
        raise ValidationError({field: problem})
    return value


def check_boolean(value, field: str) -> bool:
    """True or False as given (a JSON boolean, a checkbox's value); anything else is refused, naming the field:
    bool("false") would be True."""
    if isinstance(value, bool):
        return value
    raise ValidationError({field: _("Answer true or false (a JSON boolean, without quotes).")})


def _audit_link_values(values: dict, passcode: str) -> dict:
    """Link fields as the audit log keeps them: the passcode masked, in its own field and in the join URL
    (Zoom's ?pwd=…: the URL as feeds show it)."""
    return {k: "***" if k in SECRET_LINK_FIELDS and v else shareable_join_url(v, passcode) if k == "join_url" else v
            for k, v in values.items()}


# What a subscribed calendar shows of the link (feeds write the mode, the join URL and the provider).
SUBSCRIBER_VISIBLE_LINK_FIELDS = ("mode", "join_url", "online_provider")


def update_link(meeting: Meeting, data: dict, user=None) -> Meeting:
    """Set the mode and the online link of a meeting; checks everything before writing anything."""
    errors, changes = {}, {}
    if "mode" in data and data["mode"] is not None:
        if not isinstance(data["mode"], str) or data["mode"] not in MODES:
            errors["mode"] = _("Choose in person, online or hybrid.")
        else:
            changes["mode"] = data["mode"]
    limits = {"online_provider": 80, "online_meeting_code": 120, "passcode": 120, "dial_in": 300, "origin_network": 160}
    for field, limit in limits.items():
        if field in data:
            try:
                changes[field] = _text(data[field], limit, field)
            except ValidationError as exc:
                errors.update(exc.fields)
    if "join_url" in data:
        try:
            changes["join_url"] = check_join_url(data["join_url"])
        except ValidationError as exc:
            errors.update(exc.fields)
    if "is_relayed" in data:
        try:
            changes["is_relayed"] = check_boolean(data["is_relayed"], "is_relayed")
        except ValidationError as exc:
            errors.update(exc.fields)
    relayed = changes.get("is_relayed", meeting.is_relayed)
    if relayed and not changes.get("origin_network", meeting.origin_network):
        errors["origin_network"] = _("Say whose system the conference is relayed from.")
    if errors:
        raise ValidationError(errors)
    before = {k: getattr(meeting, k) for k in changes}
    for key, value in changes.items():
        setattr(meeting, key, value)
    after = {k: getattr(meeting, k) for k in changes}
    if before != after:
        meeting.updated_at = utcnow()
        meeting.updated_by_id = getattr(user, "id", None)
        if any(before[k] != after[k] for k in SUBSCRIBER_VISIBLE_LINK_FIELDS if k in changes):
            # Subscribed calendars must take the new link (iCal SEQUENCE).
            from meetingsvc.meetings.services import bump_sequence

            bump_sequence(meeting)
        # The audit log keeps that the passcode changed, never the passcode itself.
        masked = _audit_link_values(before, before.get("passcode", meeting.passcode))
        masked_after = _audit_link_values(after, meeting.passcode)
        if before.get("passcode") != after.get("passcode"):
            masked_after["passcode"] = _("*** (changed)") if after.get("passcode") else ""
        record("online_link", meeting, summary=_("Online link updated"), before=masked, after=masked_after,
               user=user)
    db.session.commit()
    return meeting


# ---- units ----------------------------------------------------------------------------------------------


def _valid_on(day, unit=Unit):
    """The same rule as directory.services: an active unit within its validity dates."""
    return sa.and_(
        unit.is_active.is_(True),
        sa.or_(unit.valid_from.is_(None), unit.valid_from <= day),
        sa.or_(unit.valid_to.is_(None), unit.valid_to >= day),
    )


def units_for_selection(kind=None, parent_id=None, group_id=None, on_date=None) -> list[Unit]:
    """Units of a bulk selection as they were on `on_date`.

    kind: a key of SELECTIONS ("district", "commune", "department") or a Unit.kind; parent_id: only direct
    children of that unit; group_id: only members of that saved group. The query is the directory's.
    """
    from meetingsvc.directory.services import units_for_selection as directory_selection

    kinds = list(SELECTIONS[kind][1]) if kind in SELECTIONS else kind
    return directory_selection(kind=kinds, parent_id=parent_id, group_id=group_id, on_date=on_date)


class BulkOption(NamedTuple):
    """A bulk selection offered on the page: its form value ("district", "group:7"), its label, how many units."""

    value: str
    label: str
    count: int


def bulk_options(day) -> list[BulkOption]:
    """The bulk selections that find units on `day`, with how many: one that would add nothing is not offered
    (no "all district-level units" for a meeting after the 2025 reorganisation)."""
    all_kinds = [k for _label, kinds in SELECTIONS.values() for k in kinds]
    counts = dict(db.session.execute(
        sa.select(Unit.kind, sa.func.count()).where(_valid_on(day), Unit.kind.in_(all_kinds)).group_by(Unit.kind)
    ).all())
    options = []
    for key, (label, kinds) in SELECTIONS.items():
        n = sum(counts.get(k, 0) for k in kinds)
        if n:
            options.append(BulkOption(key, f"{label} ({format_number(n)})", n))
    for group in groups():
        n = len(units_for_selection(group_id=group.id, on_date=day))
        if n:
            label = _("Group: %(name)s", name=group.name)
            options.append(BulkOption(f"group:{group.id}", f"{label} ({format_number(n)})", n))
    return options


def _nothing_found(kind, parent_id, group_id, day) -> str:
    """Why a bulk selection found no unit on the meeting's day."""
    on = day.strftime("%d/%m/%Y")
    if group_id is not None:
        group = db.session.get(UnitGroup, group_id)
        return _("No unit of the group %(name)s existed on %(day)s.", name=group.name, day=on)
    if parent_id is not None:
        return _("No ward or commune under %(unit)s existed on %(day)s.", unit=db.session.get(Unit, parent_id).name,
                 day=on)
    return {
        "district": _("No district-level unit existed on %(day)s.", day=on),
        "commune": _("No ward or commune existed on %(day)s.", day=on),
        "department": _("No department existed on %(day)s.", day=on),
    }[kind]


def unit_choices_on(day) -> list[tuple[int, str, str, str]]:
    """(id, name, code, kind) of every unit valid on `day`, for the single-add list (light rows, not ORM objects):
    kind by kind as the directory lists kinds (departments, district-level units, wards, communes…), then in the
    directory's order, so that a ward is not looked for among departments."""
    kind_order = sa.case({kind: i for i, kind in enumerate(UNIT_KINDS)}, value=Unit.kind, else_=len(UNIT_KINDS))
    return [tuple(r) for r in db.session.execute(
        sa.select(Unit.id, Unit.name, Unit.code, Unit.kind).where(_valid_on(day))
        .order_by(kind_order, Unit.sort_order, Unit.name, Unit.code))]


def parent_choices(day) -> list[Unit]:
    """Units that have wards/communes under them on `day` (the city, district-level units)."""
    kinds = SELECTIONS["commune"][1]
    child = aliased(Unit)
    has_children = sa.select(child.id).where(child.parent_id == Unit.id, child.kind.in_(kinds),
                                             _valid_on(day, child)).exists()
    return list(db.session.scalars(
        sa.select(Unit).where(has_children, _valid_on(day)).order_by(Unit.sort_order, Unit.name)))


def groups() -> list[UnitGroup]:
    return list(db.session.scalars(sa.select(UnitGroup).where(UnitGroup.is_active.is_(True))
                                   .order_by(UnitGroup.name)))


def points_invalid_on(meeting: Meeting, on_date=None) -> list:
    """The bridge points of `meeting` whose unit did not exist on `on_date` (default: the meeting's local date),
    as rows (id, unit_id, label, unit_code, valid_from, valid_to). For a warning when a meeting moves to another
    date: a conference moved past 1/7/2025 keeps district-level units that were dissolved by then."""
    day = on_date or meeting_day(meeting)
    return db.session.execute(
        sa.select(BridgePoint.id, Unit.id.label("unit_id"), Unit.name.label("label"), Unit.code.label("unit_code"),
                  Unit.valid_from, Unit.valid_to)
        .join(Unit, Unit.id == BridgePoint.unit_id)
        .where(BridgePoint.meeting_id == meeting.id, sa.not_(_valid_on(day)))
        .order_by(BridgePoint.is_host.desc(), BridgePoint.sort_order, BridgePoint.id)
    ).all()


def invalid_points_warning(meeting: Meeting, on_date=None) -> str | None:
    """A sentence naming the bridge points whose unit did not exist on the date, or None (see points_invalid_on)."""
    rows = points_invalid_on(meeting, on_date)
    if not rows:
        return None
    day = (on_date or meeting_day(meeting)).strftime("%d/%m/%Y")
    names = ", ".join(r.label for r in rows[:10]) + ("…" if len(rows) > 10 else "")
    return _("%(n)s bridge points are units that did not exist on %(day)s: %(names)s. Remove them or replace "
             "them with the units of that date.", n=len(rows), day=day, names=names)


# ---- bridge points ---------------------------------------------------------------------------------------


def check_participants(value, field: str, *, at_venue: bool = False):
    """None, or a whole number in 0..MAX_PARTICIPANTS_PER_POINT; anything else is a ValidationError.
    `at_venue`: the figure is the people present in the room of the meeting, not at a bridge point."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError({field: _("Enter a whole number.")})
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("-") and text[1:].strip().isdigit():
            raise ValidationError({field: _("The number of participants cannot be negative.")})
        if not text.isdigit():
            raise ValidationError({field: _("Enter a whole number.")})
        value = int(text)
    if not isinstance(value, int):
        raise ValidationError({field: _("Enter a whole number.")})
    if value < 0:
        raise ValidationError({field: _("The number of participants cannot be negative.")})
    if value > MAX_PARTICIPANTS_PER_POINT:
        if at_venue:
            raise ValidationError({field: _("%(n)s people present at the venue is not plausible (at most %(max)s).",
                                            n=value, max=MAX_PARTICIPANTS_PER_POINT)})
        raise ValidationError({field: _("%(n)s participants at one bridge point is not plausible (at most %(max)s).",
                                        n=value, max=MAX_PARTICIPANTS_PER_POINT)})
    return value


def _require_online(meeting):
    if meeting.mode not in ("online", "hybrid"):
        raise ValidationError({"mode": _("Bridge points belong to online or hybrid meetings: set the mode first.")})


def has_started(meeting: Meeting, now=None) -> bool:
    """Actual figures (participants, attendance, people present) exist only once the meeting has started."""
    return meeting.start_at <= (now or utcnow())


def not_started_message(meeting: Meeting) -> str:
    return _("The meeting starts at %(start)s: actual figures can be recorded from then on (planned figures at "
             "any time).", start=format_day_time(meeting.start_at))


def _require_started(meeting: Meeting, field: str) -> None:
    if not has_started(meeting):
        raise ValidationError({field: not_started_message(meeting)})


def _next_sort_order(meeting_id) -> int:
    current = db.session.scalar(sa.select(sa.func.max(BridgePoint.sort_order))
                                .where(BridgePoint.meeting_id == meeting_id))
    return (current or 0) + 1


def _present_keys(meeting_id):
    rows = db.session.execute(sa.select(BridgePoint.unit_id, BridgePoint.site_name, BridgePoint.is_host)
                              .where(BridgePoint.meeting_id == meeting_id)).all()
    units = {r.unit_id for r in rows if r.unit_id}
    sites = {(r.site_name or "").strip().casefold() for r in rows if r.site_name}
    return units, sites, any(r.is_host for r in rows)


# The largest id a row can have (an INTEGER column on PostgreSQL, which refuses a larger one with an error).
MAX_ID = 2**31 - 1


def _whole_id(value) -> int | None:
    """An id from a form or JSON: a whole number or its digits, from 1 to MAX_ID; None for anything else (True is
    not 1), so that no id leads to a query the database refuses (SQLite and PostgreSQL answer alike)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 < value <= MAX_ID:
        return value
    return None


def _unit_for(meeting, unit_id=None, unit_code=None) -> Unit:
    unit = None
    if unit_id not in (None, ""):
        key = _whole_id(unit_id)
        unit = db.session.get(Unit, key) if key is not None else None
    elif isinstance(unit_code, str) and unit_code.strip():
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code.strip()))
    if unit is None:
        raise ValidationError({"unit_id": _("Unknown unit.")})
    day = meeting_day(meeting)
    if not unit.is_active or not unit.is_valid_on(day):
        raise ValidationError({"unit_id": _("%(unit)s did not exist on %(day)s.", unit=unit.name,
                                            day=day.strftime("%d/%m/%Y"))})
    return unit


def _status_label(code) -> str | None:
    """What the audit log keeps of a connection status: its label, readable in the meeting's history."""
    return str(CONNECTION_STATUSES[code]) if code in CONNECTION_STATUSES else code


def _names(labels) -> str:
    return ", ".join(labels)


def add_point(meeting: Meeting, data: dict, user=None) -> BridgePoint:
    """Add one bridge point: a unit (unit_id or unit_code) or a named site. The same point twice is refused."""
    _require_online(meeting)
    errors, fields = {}, {}
    for field in ("address", "contact_name", "contact_phone", "site_name"):
        try:
            fields[field] = _text(data.get(field), POINT_TEXT_FIELDS[field], field)
        except ValidationError as exc:
            errors.update(exc.fields)
    site_name = fields.get("site_name", "")
    has_unit = data.get("unit_id") not in (None, "") or data.get("unit_code") not in (None, "")
    unit = None
    if has_unit and site_name:
        errors["site_name"] = _("Choose a unit or name a site, not both.")
    elif not has_unit and not site_name and "site_name" not in errors:
        errors["unit_id"] = _("Choose a unit or name a site.")
    elif has_unit:
        try:
            unit = _unit_for(meeting, data.get("unit_id"), data.get("unit_code"))
        except ValidationError as exc:
            errors.update(exc.fields)
    for field in ("planned_participants", "actual_participants"):
        try:
            fields[field] = check_participants(data.get(field), field)
        except ValidationError as exc:
            errors.update(exc.fields)
    if fields.get("actual_participants") is not None and not has_started(meeting):
        errors["actual_participants"] = not_started_message(meeting)
    contact_person_id = data.get("contact_person_id")
    if contact_person_id not in (None, ""):
        from meetingsvc.directory.models import Person

        contact_person_id = _whole_id(contact_person_id)
        if contact_person_id is None or db.session.get(Person, contact_person_id) is None:
            errors["contact_person_id"] = _("Unknown person.")
    else:
        contact_person_id = None
    is_host = False
    if data.get("is_host") is not None:
        try:
            is_host = check_boolean(data["is_host"], "is_host")
        except ValidationError as exc:
            errors.update(exc.fields)
    units, sites, has_host = _present_keys(meeting.id)
    if unit is not None and unit.id in units:
        errors["unit_id"] = _("%(name)s is already a bridge point of this meeting.", name=unit.name)
    if site_name and site_name.casefold() in sites:
        errors["site_name"] = _("%(name)s is already a bridge point of this meeting.", name=site_name)
    if is_host and has_host:
        errors["is_host"] = _("This meeting already has a host point.")
    if errors:
        raise ValidationError(errors)
    point = BridgePoint(
        meeting_id=meeting.id, unit_id=unit.id if unit else None, site_name=site_name or None, is_host=is_host,
        address=fields["address"], contact_name=fields["contact_name"], contact_phone=fields["contact_phone"],
        contact_person_id=contact_person_id, planned_participants=fields["planned_participants"],
        actual_participants=fields["actual_participants"], sort_order=_next_sort_order(meeting.id),
    )
    db.session.add(point)
    db.session.flush()
    record("bridge_point_add", meeting, user=user,
           summary=_("Bridge point added: %(name)s", name=unit.name if unit else site_name))
    db.session.commit()
    return point


def add_points_bulk(meeting: Meeting, *, kind=None, parent_id=None, group_id=None, planned_participants=None,
                    user=None) -> BulkResult:
    """Add every unit of a selection as a bridge point; units already present are skipped and counted.
    A selection that finds no unit on the meeting's day is refused with the reason."""
    _require_online(meeting)
    if kind is None and group_id is None:
        raise ValidationError({"selection": _("Choose which units to add.")})
    if kind is not None and (not isinstance(kind, str) or kind not in SELECTIONS):
        raise ValidationError({"selection": _("Unknown selection.")})
    if parent_id is not None and kind != "commune":
        raise ValidationError({"parent_id": _("Only wards and communes are taken under a unit: choose all wards "
                                              "and communes, or no unit for this selection.")})
    if parent_id is not None and (_whole_id(parent_id) is None or db.session.get(Unit, parent_id) is None):
        raise ValidationError({"parent_id": _("Unknown unit.")})
    if group_id is not None and (_whole_id(group_id) is None or db.session.get(UnitGroup, group_id) is None):
        raise ValidationError({"group_id": _("Unknown group.")})
    planned = check_participants(planned_participants, "planned_participants")
    day = meeting_day(meeting)
    units = units_for_selection(kind=kind, parent_id=parent_id, group_id=group_id, on_date=day)
    if not units:
        raise ValidationError({"selection": _nothing_found(kind, parent_id, group_id, day)})
    present_units, _sites, _host = _present_keys(meeting.id)
    order = _next_sort_order(meeting.id)
    added = []
    for unit in units:
        if unit.id in present_units:
            continue
        added.append(BridgePoint(meeting_id=meeting.id, unit_id=unit.id, planned_participants=planned,
                                 sort_order=order + len(added)))
    skipped = len(units) - len(added)
    if added:
        db.session.add_all(added)
        db.session.flush()
        label = str(SELECTIONS[kind][0]) if kind else db.session.get(UnitGroup, group_id).name
        record("bridge_point_bulk_add", meeting, user=user,
               summary=_("%(n)s bridge points added (%(what)s), %(skipped)s already present",
                         n=len(added), what=label, skipped=skipped),
               after={"points": _names(u.name for u in units if u.id not in present_units)})
    db.session.commit()
    return BulkResult(added=added, skipped=skipped)


LINK_FIELDS = ("online_provider", "join_url", "online_meeting_code", "passcode", "dial_in", "is_relayed",
               "origin_network")
# What a copy of a bridge point keeps: the plan, not what happened (attendance, connection checks).
COPIED_POINT_FIELDS = ("unit_id", "site_name", "is_host", "address", "contact_person_id", "contact_name",
                       "contact_phone", "planned_participants", "sort_order")


def copy_online_setup(source: Meeting, copy: Meeting, user=None) -> None:
    """Give `copy` (a duplicate of `source` on another day) the source's online link and bridge points, those of
    units that exist on the copy's day. Added to the session, not committed: the caller commits with its copy."""
    link = {k: getattr(source, k) for k in LINK_FIELDS if getattr(source, k) != getattr(copy, k)}
    for key, value in link.items():
        setattr(copy, key, value)
    if link:
        record("online_link", copy, summary=_("Online link copied from meeting %(id)s", id=source.id), user=user,
               after=_audit_link_values(link, source.passcode))
    left_out = points_left_out(source, meeting_day(copy))
    points = [BridgePoint(meeting_id=copy.id, **{k: getattr(p, k) for k in COPIED_POINT_FIELDS})
              for p in source.bridge_points if p.id not in left_out]
    if points:
        db.session.add_all(points)
        record("bridge_point_bulk_add", copy, user=user,
               summary=_("%(n)s bridge points copied from meeting %(id)s", n=len(points), id=source.id),
               after={"points": _names(p.label for p in source.bridge_points if p.id not in left_out)})


def points_left_out(source: Meeting, day) -> dict[int, str]:
    """{point id: label} of the source's bridge points whose unit does not exist on `day` (a copy leaves them out)."""
    unit_ids = {p.unit_id for p in source.bridge_points if p.unit_id}
    valid = set(db.session.scalars(sa.select(Unit.id).where(Unit.id.in_(unit_ids), _valid_on(day)))) if unit_ids else set()
    return {p.id: p.label for p in source.bridge_points if p.unit_id and p.unit_id not in valid}


def remove_points(meeting: Meeting, point_ids=None, *, remove_all=False, user=None) -> int:
    """Remove the given bridge points of the meeting (or all of them); returns how many were removed."""
    query = sa.select(BridgePoint).where(BridgePoint.meeting_id == meeting.id)
    if not remove_all:
        given = list(point_ids or [])
        if not given:
            raise ValidationError({"points": _("Select the bridge points to remove.")})
        ids = [_whole_id(i) for i in given]
        bad = [str(v)[:40] for v in given if _whole_id(v) is None]
        if bad:
            raise ValidationError({"points": _("Bridge points are named by their ids (whole numbers), not: %(values)s.",
                                               values=", ".join(bad[:10]))})
        query = query.where(BridgePoint.id.in_(ids))
    points = list(db.session.scalars(query))
    if not remove_all:
        missing = sorted(set(ids) - {p.id for p in points})
        if missing:
            # A stale page (someone removed them meanwhile) or another meeting's points: remove none of them.
            raise ValidationError({"points": _(
                "Nothing was removed: not (or no longer) bridge points of this meeting: %(ids)s. Reload the page.",
                ids=", ".join(map(str, missing[:10])) + ("…" if len(missing) > 10 else ""))})
    if not points:
        return 0
    names = [p.label for p in points]
    db.session.execute(sa.delete(BridgePoint).where(BridgePoint.id.in_([p.id for p in points])))
    record("bridge_point_remove", meeting, user=user,
           summary=_("%(n)s bridge points removed: %(names)s", n=len(points),
                     names=", ".join(names[:10]) + ("…" if len(names) > 10 else "")),
           before={"points": _names(names)})
    db.session.commit()
    return len(points)


def update_point(point: BridgePoint, data: dict, user=None) -> BridgePoint:
    """Change a bridge point. Technicians may change only TECHNICIAN_POINT_FIELDS (PermissionError otherwise).

    Who checked the connection and when (checked_by, checked_at) are stamped only when the connection status
    really changes: editing the contact or the planned figure keeps them."""
    unknown = set(data) - set(POINT_FIELDS)
    if unknown:
        raise ValidationError({k: _("This field cannot be changed here.") for k in sorted(unknown)})
    if getattr(user, "role", None) == "technician" and set(data) - set(TECHNICIAN_POINT_FIELDS):
        raise PermissionError(", ".join(sorted(set(data) - set(TECHNICIAN_POINT_FIELDS))))
    errors, changes = {}, {}
    for field in ("planned_participants", "actual_participants"):
        if field in data:
            try:
                changes[field] = check_participants(data[field], field)
            except ValidationError as exc:
                errors.update(exc.fields)
    actual = changes.get("actual_participants")
    if actual is not None and actual != point.actual_participants and not has_started(point.meeting):
        errors["actual_participants"] = not_started_message(point.meeting)
    for field in ("address", "contact_name", "contact_phone", "connection_note"):
        if field in data:
            try:
                changes[field] = _text(data[field], POINT_TEXT_FIELDS[field], field)
            except ValidationError as exc:
                errors.update(exc.fields)
    if "site_name" in data:
        try:
            name = _text(data["site_name"], POINT_TEXT_FIELDS["site_name"], "site_name")
        except ValidationError as exc:
            errors.update(exc.fields)
            name = None
        if name is None:
            pass
        elif point.unit_id is not None:
            errors["site_name"] = _("This bridge point is a unit; it has no site name.")
        elif not name:
            errors["site_name"] = _("Name the site.")
        elif db.session.scalar(sa.select(BridgePoint.id).where(
                BridgePoint.meeting_id == point.meeting_id, BridgePoint.id != point.id,
                sa.func.lower(BridgePoint.site_name) == name.lower())):
            errors["site_name"] = _("%(name)s is already a bridge point of this meeting.", name=name)
        else:
            changes["site_name"] = name
    if "is_host" in data:
        try:
            is_host = check_boolean(data["is_host"], "is_host")
        except ValidationError as exc:
            errors.update(exc.fields)
        else:
            if is_host and not point.is_host and db.session.scalar(sa.select(BridgePoint.id).where(
                    BridgePoint.meeting_id == point.meeting_id, BridgePoint.is_host.is_(True))):
                errors["is_host"] = _("This meeting already has a host point.")
            changes["is_host"] = is_host
    if "connection_status" in data:
        status = data["connection_status"]
        if not isinstance(status, str) or status not in CONNECTION_STATUSES:
            errors["connection_status"] = _("Choose not checked, checked OK or problem.")
        else:
            changes["connection_status"] = status
            note = changes.get("connection_note", point.connection_note)
            if status == "problem" and not note:
                errors["connection_note"] = _("Describe the problem.")
    if errors:
        raise ValidationError(errors)
    status_changed = changes.get("connection_status", point.connection_status) != point.connection_status
    if status_changed and changes["connection_status"] != "problem" and "connection_note" not in changes:
        changes["connection_note"] = ""  # the note described a problem that is no longer the status
    before = {k: getattr(point, k) for k in changes}
    for key, value in changes.items():
        setattr(point, key, value)
    if status_changed:
        if point.connection_status == "not_checked":
            point.checked_at, point.checked_by_id = None, None
        else:
            point.checked_at, point.checked_by_id = utcnow(), getattr(user, "id", None)
    after = {k: getattr(point, k) for k in changes}
    changed = {k for k in changes if before.get(k) != after[k]}
    if changed:
        before = {k: before.get(k) for k in changed}
        after = {k: after[k] for k in changed}
        for values in (before, after):
            if "connection_status" in values:
                values["connection_status"] = _status_label(values["connection_status"])
        if changed <= {"connection_status", "connection_note"}:
            record("connection_check", point.meeting, user=user, before=before, after=after,
                   summary=_("Connection check of %(name)s: %(status)s", name=point.label,
                             status=_status_label(point.connection_status)))
        else:
            record("bridge_point_update", point.meeting, user=user, before=before, after=after,
                   summary=_("Bridge point changed: %(name)s", name=point.label))
    db.session.commit()
    return point


def points_of(meeting_id) -> list[BridgePoint]:
    return list(db.session.scalars(
        sa.select(BridgePoint).where(BridgePoint.meeting_id == meeting_id)
        .options(joinedload(BridgePoint.unit))
        .order_by(BridgePoint.is_host.desc(), BridgePoint.sort_order, BridgePoint.id)
    ).unique())


def point_rows(meeting_id, point_ids=None):
    """The bridge points of a meeting as light rows for pages (no ORM objects: 600 points render fast).

    Each row has id, is_host, label, unit_id, unit_code, unit_name, unit_kind, site_name, address,
    contact_person_id, contact_name, contact_phone,
    planned_participants, actual_participants, connection_status, connection_note, checked_at, checked_by_id.
    """
    return db.session.execute(
        sa.select(
            BridgePoint.id, BridgePoint.is_host, sa.func.coalesce(Unit.name, BridgePoint.site_name).label("label"),
            BridgePoint.unit_id, Unit.code.label("unit_code"), Unit.name.label("unit_name"),
            Unit.kind.label("unit_kind"), BridgePoint.site_name, BridgePoint.address, BridgePoint.contact_person_id,
            BridgePoint.contact_name, BridgePoint.contact_phone, BridgePoint.planned_participants,
            BridgePoint.actual_participants, BridgePoint.connection_status, BridgePoint.connection_note,
            BridgePoint.checked_at, BridgePoint.checked_by_id,
        )
        .outerjoin(Unit, Unit.id == BridgePoint.unit_id)
        .where(BridgePoint.meeting_id == meeting_id,
               BridgePoint.id.in_(point_ids) if point_ids is not None else sa.true())
        .order_by(BridgePoint.is_host.desc(), BridgePoint.sort_order, BridgePoint.id)
    ).all()


def check_counts(points) -> dict[str, int]:
    """{connection status: how many of `points` (rows of point_rows) have it}, every status present."""
    counts = dict.fromkeys(CONNECTION_STATUSES, 0)
    for p in points:
        counts[p.connection_status] = counts.get(p.connection_status, 0) + 1
    return counts


def check_filter(value) -> str | None:
    """A connection status to list only the points that have it (the technician's work list), or None: all."""
    return value if isinstance(value, str) and value in CONNECTION_STATUSES else None


def checked_by_names(points) -> dict[int, str]:
    from meetingsvc.auth.models import User

    ids = {p.checked_by_id for p in points if p.checked_by_id}
    if not ids:
        return {}
    return {u.id: u.display_name or u.username for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


# ---- after the meeting -------------------------------------------------------------------------------------


_UNNEST_UPDATE = sa.text(
    "UPDATE bridge_points AS b SET actual_participants = u.value "
    "FROM unnest(CAST(:ids AS integer[]), CAST(:values AS integer[])) AS u(id, value) "
    "WHERE b.id = u.id AND b.meeting_id = :meeting_id"
)


def _set_actuals(meeting_id: int, changed: list[dict]) -> None:
    """Write many actual figures at once. PostgreSQL: one statement over two arrays (hundreds of single
    UPDATEs cost a round trip and an execution each); SQLite, in-process: one cached statement, executemany.
    Both are bounded to the meeting, and say so to the listener that keeps its updated_at (feeds.services)."""
    touches = {"meeting_ids": [meeting_id]}
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_UNNEST_UPDATE, {"ids": [c["id"] for c in changed],
                                            "values": [c["actual_participants"] for c in changed],
                                            "meeting_id": meeting_id}, execution_options=touches)
        return
    table = BridgePoint.__table__
    db.session.execute(
        table.update().where(table.c.id == sa.bindparam("point_id"), table.c.meeting_id == meeting_id)
        .values(actual_participants=sa.bindparam("value")),
        [{"point_id": c["id"], "value": c["actual_participants"]} for c in changed], execution_options=touches,
    )


def _sum(values) -> int | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _presence(value) -> str | None:
    return None if value is None else str(_l("Present") if value else _l("Absent"))


def record_results(meeting: Meeting, actuals: dict, *, attended: dict | None = None, present_count=None,
                   set_present_count: bool = False, user=None, source: str | None = None) -> int:
    """Save actual participants per bridge point ({point_id: number or None}), attendance of invited people
    ({attendee_id: True/False/None}) and the head count at the venue (Meeting.present_count: in-person and
    hybrid meetings). All checked first; all or nothing. Actual figures are refused before the meeting has
    started. `source`: the name of the uploaded file the figures come from (one summary entry in the history).
    Returns how many bridge points changed."""
    errors = {}
    rows = {r.id: r for r in db.session.execute(
        sa.select(BridgePoint.id, BridgePoint.actual_participants,
                  sa.func.coalesce(Unit.name, BridgePoint.site_name).label("label"))
        .outerjoin(Unit, Unit.id == BridgePoint.unit_id)
        .where(BridgePoint.meeting_id == meeting.id))}
    clean = {}
    for key, value in actuals.items():
        point_id = _whole_id(key)
        if point_id not in rows:
            errors[f"actual-{key}"] = _("Not a bridge point of this meeting.")
            continue
        try:
            clean[point_id] = check_participants(value, f"actual-{point_id}")
        except ValidationError as exc:
            errors.update(exc.fields)
    attendee_changes = {}
    known = {a.id: a for a in meeting.attendees} if attended else {}
    for key, value in (attended or {}).items():
        attendee_id = _whole_id(key)
        if attendee_id not in known:
            errors[f"attended-{key}"] = _("Not an attendee of this meeting.")
        elif value is not None and not isinstance(value, bool):
            errors[f"attended-{key}"] = _("Choose present or absent.")
        elif known[attendee_id].attended != value:
            attendee_changes[attendee_id] = value
    if set_present_count:
        try:
            present_count = check_participants(present_count, "present_count", at_venue=True)
        except ValidationError as exc:
            errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)
    changed = [{"id": pid, "actual_participants": v} for pid, v in clean.items()
               if rows[pid].actual_participants != v]
    count_changed = set_present_count and meeting.present_count != present_count
    if not has_started(meeting) and (
            any(c["actual_participants"] is not None for c in changed)
            or any(v is not None for v in attendee_changes.values())
            or (count_changed and present_count is not None)):
        raise ValidationError({"actual_participants": not_started_message(meeting)})

    before, after = {}, {}
    if len(changed) <= HISTORY_DETAIL_LIMIT:
        for c in changed:
            before[rows[c["id"]].label] = rows[c["id"]].actual_participants
            after[rows[c["id"]].label] = c["actual_participants"]
    else:
        new_values = {pid: r.actual_participants for pid, r in rows.items()}
        new_values.update({c["id"]: c["actual_participants"] for c in changed})
        before["actual_total"] = _sum(r.actual_participants for r in rows.values())
        after["actual_total"] = _sum(new_values.values())
    if count_changed:
        before["present_count"], after["present_count"] = meeting.present_count, present_count
    for attendee_id, value in attendee_changes.items():
        key = _("Attended: %(name)s", name=known[attendee_id].label)
        before[key], after[key] = _presence(known[attendee_id].attended), _presence(value)

    if changed:
        _set_actuals(meeting.id, changed)
    for attendee_id, value in attendee_changes.items():
        db.session.get(Attendee, attendee_id).attended = value
    if count_changed:
        meeting.present_count = present_count
    if source is not None:
        record("participants_uploaded", meeting, user=user, before=before, after=after,
               summary=_("From %(file)s: %(n)s bridge points, %(changed)s changed", file=source, n=len(clean),
                         changed=len(changed)))
    elif changed or attendee_changes or count_changed:
        summary = (_("Participants recorded: %(n)s bridge points changed", n=len(changed)) if changed
                   else _("Attendance recorded"))
        record("participants_recorded", meeting, user=user, before=before, after=after, summary=summary)
    db.session.commit()
    return len(changed)
