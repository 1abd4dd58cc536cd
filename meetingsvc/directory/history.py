"""How the directory's audit entries read: summaries, field labels, names for ids (see core.audit.describe).

Services store a neutral English summary (`summary()`) and snapshots with ids, codes and ISO dates; pages
render them in the reader's language when shown, so an entry written by the CLI, the demo loader or an import
reads like one written from a page.
"""

import sqlalchemy as sa
from flask import url_for

from meetingsvc.core.audit import N_, ObjectDescription, register_object, register_resolver
from meetingsvc.directory.models import LEADER_ROLES, UNIT_KINDS, Person, Room, Unit, UnitGroup
from meetingsvc.extensions import db

IMPORT = "directory_import"

SUMMARIES = {
    "units": {
        "create": N_("Unit %(name)s added"), "update": N_("Unit %(name)s changed"), "move": N_("Unit %(name)s moved."),
        "activate": N_("Unit %(name)s reactivated"), "deactivate": N_("Unit %(name)s deactivated"),
    },
    "people": {
        "create": N_("Person %(name)s added"), "update": N_("Person %(name)s changed"),
        "activate": N_("Person %(name)s reactivated"), "deactivate": N_("Person %(name)s deactivated"),
    },
    "rooms": {
        "create": N_("Room %(name)s added"), "update": N_("Room %(name)s changed"),
        "activate": N_("Room %(name)s reactivated"), "deactivate": N_("Room %(name)s deactivated"),
    },
    "unit_groups": {
        "create": N_("Group %(name)s added"), "update": N_("Group %(name)s changed"),
        "activate": N_("Group %(name)s reactivated"), "deactivate": N_("Group %(name)s deactivated"),
    },
    IMPORT: {
        "import_units": N_("Units imported from %(filename)s: %(created)d added, %(updated)d changed, "
                           "%(unchanged)d unchanged."),
        "import_people": N_("People imported from %(filename)s: %(created)d added, %(updated)d changed, "
                            "%(unchanged)d unchanged."),
    },
}


def summary(object_type: str, action: str, **values) -> str:
    """The neutral (English) line stored with an entry; pages show the translated one."""
    return SUMMARIES[object_type][action] % values


IN_USE = (N_("In use"), "bool")
UNIT_FIELDS = {
    "code": (N_("Unit code"), "text"), "name": (N_("Unit name"), "text"), "short_name": (N_("Short name"), "text"),
    "kind": (N_("Unit kind"), UNIT_KINDS), "parent_id": (N_("Parent unit"), "ref:unit"),
    "valid_from": (N_("Valid from"), "date"), "valid_to": (N_("Valid until"), "date"),
    "sort_order": (N_("Order"), "text"), "successor_ids": (N_("Successors"), "refs:unit"), "is_active": IN_USE,
}
PERSON_FIELDS = {
    "full_name": (N_("Full name"), "text"), "title": (N_("Job title"), "text"),
    "unit_id": (N_("Unit they work in"), "ref:unit"), "email": (N_("Email"), "text"), "phone": (N_("Phone"), "text"),
    "is_leader": (N_("Leader of the People's Committee"), "bool"), "leader_role": (N_("Leader role"), LEADER_ROLES),
    "leader_rank": (N_("Rank order"), "text"), "is_active": IN_USE,
}
ROOM_FIELDS = {
    "name": (N_("Room name"), "text"), "building": (N_("Building"), "text"),
    "capacity": (N_("Capacity (seats)"), "text"), "equipment": (N_("Equipment"), "list"),
    "is_bookable": (N_("Can be booked"), "bool"),
    "photo_mimetype": (N_("Photo"), {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}),
    "is_active": IN_USE,
}
GROUP_FIELDS = {
    "name": (N_("Group name"), "text"), "description": (N_("Description"), "text"),
    "unit_ids": (N_("Units of the group"), "refs:unit"), "is_active": IN_USE,
}


def _unit_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(Unit.id, Unit.name, Unit.code).where(Unit.id.in_(sorted(ids))))
    return {row.id: f"{row.name} ({row.code})" for row in rows}


def _person_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(Person.id, Person.full_name).where(Person.id.in_(sorted(ids))))
    return {row.id: row.full_name for row in rows}


def _link(endpoint: str, arg: str):
    def make(entry) -> str | None:
        return url_for(endpoint, **{arg: entry.object_id}) if entry.object_id else None

    return make


register_resolver("unit", _unit_names)
register_resolver("person", _person_names)
register_object(Unit.__tablename__, ObjectDescription(SUMMARIES["units"], UNIT_FIELDS,
                                                      link=_link("directory.unit_detail", "unit_id")))
register_object(Person.__tablename__, ObjectDescription(SUMMARIES["people"], PERSON_FIELDS, name_field="full_name",
                                                        link=_link("directory.person_detail", "person_id")))
register_object(Room.__tablename__, ObjectDescription(SUMMARIES["rooms"], ROOM_FIELDS,
                                                      link=_link("directory.room_detail", "room_id")))
register_object(UnitGroup.__tablename__, ObjectDescription(SUMMARIES["unit_groups"], GROUP_FIELDS,
                                                           link=_link("directory.group_detail", "group_id")))
register_object(IMPORT, ObjectDescription(SUMMARIES[IMPORT], name_field="filename"))
