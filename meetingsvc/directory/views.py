"""Directory pages: secretaries read, admins change. Handlers load, check, call a service and render."""

from datetime import time, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from meetingsvc.auth.models import User
from meetingsvc.core.audit import describe, history, recent
from meetingsvc.core.auth import roles_required
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.forms import select_choices
from meetingsvc.core.i18n import format_day
from meetingsvc.core.time import local_to_utc, parse_day
from meetingsvc.directory import imports, services
from meetingsvc.directory.forms import (
    ConfirmImportForm,
    GroupForm,
    ImportForm,
    MoveForm,
    PersonForm,
    RoomForm,
    UnitForm,
    apply_errors,
)
from meetingsvc.directory.history import IMPORT
from meetingsvc.directory.models import LEADER_ROLES, UNIT_KINDS, Person, Room, Unit, UnitGroup
from meetingsvc.directory.services import DuplicateError, _
from meetingsvc.extensions import db

bp = Blueprint("directory", __name__, url_prefix="/directory")

READERS = ("secretary",)  # and admins, who pass every role check


def _is_admin() -> bool:
    return current_user.is_authenticated and current_user.role == "admin"


def _get(model, object_id):
    return db.session.get(model, object_id) or abort(404)


def _refused(form, exc) -> None:
    """Roll back and show a service's refusal on the form."""
    db.session.rollback()
    fields = exc.fields if isinstance(exc, ValidationError) else {exc.field: exc.message}
    for message in apply_errors(form, fields):
        flash(message, "error")


def _unit_label(unit: Unit, mark_former: bool = False) -> str:
    label = f"{unit.name} ({unit.code})"
    if mark_former and (unit.valid_from or unit.valid_to or not unit.is_active):
        if not unit.is_active:
            label += " — " + _("deactivated")
        elif unit.valid_to:
            label += " — " + _("until %(day)s", day=format_day(unit.valid_to))
        else:
            label += " — " + _("from %(day)s", day=format_day(unit.valid_from))
    return label


def _unit_choices(exclude: Unit | None = None, blank: str = "—", *, former: bool | None = None,
                  mark: bool = False) -> list[tuple[str, str]]:
    """Units indented as in the tree, for parent, successor and member pickers (a fixed number of queries).

    Current units only, unless `former` (default: when editing a unit, whose parent may be a former one);
    `exclude` leaves out a unit and everything under it (it cannot be its own ancestor); `mark` adds the
    validity of units that have one ("until 30/06/2025").
    """
    choices = [("", blank)]
    banned = set()
    if exclude is not None and exclude.id:
        banned = {exclude.id} | services.descendant_ids(exclude)
    include_former = exclude is not None if former is None else former
    for unit, depth in services.unit_tree(include_former=include_former, with_successors=False):
        if unit.id not in banned:
            choices.append((str(unit.id), "\u2003" * depth + _unit_label(unit, mark)))
    return choices


def _keep_choice(select, choices: list[tuple[str, str]]) -> None:
    """Offer what was posted even when the picker would not (a choice the service refused, e.g. a unit under the
    edited one), so that the refused form shows what was typed beside the error."""
    wanted = select.data if isinstance(select.data, list) else [select.data]
    offered = {value for value, _label in choices}
    for value in wanted:
        if value and str(value) not in offered and str(value).isdigit():
            unit = db.session.get(Unit, int(value))
            if unit is not None:
                choices.append((str(unit.id), _unit_label(unit, mark_former=True)))
    select.choices = select_choices(choices)


def _views(obj) -> list:
    return describe(history(obj))


# ---- landing ---------------------------------------------------------------------------------------------


@bp.route("/")
@roles_required(*READERS)
def index():
    counts = {
        "units": db.session.scalar(sa.select(sa.func.count()).select_from(Unit).where(Unit.is_active.is_(True))),
        "people": db.session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.is_active.is_(True))),
        "rooms": db.session.scalar(sa.select(sa.func.count()).select_from(Room).where(Room.is_active.is_(True))),
        "groups": db.session.scalar(sa.select(sa.func.count()).select_from(UnitGroup)
                                    .where(UnitGroup.is_active.is_(True))),
    }
    return render_template("directory/index.html", counts=counts)


# ---- units -----------------------------------------------------------------------------------------------


@bp.route("/units")
@roles_required(*READERS)
def units():
    q = request.args.get("q", "").strip()
    former = request.args.get("former") == "1"
    tree = services.unit_tree(include_former=former, q=q or None)
    return render_template("directory/units.html", tree=tree, q=q, former=former, is_former=services.is_former,
                           kinds=UNIT_KINDS)


@bp.route("/units/<int:unit_id>")
@roles_required(*READERS)
def unit_detail(unit_id):
    unit = _get(Unit, unit_id)
    move_form = MoveForm(parent_id=str(unit.parent_id or ""))
    move_form.parent_id.choices = select_choices(_unit_choices(exclude=unit, blank=_("(top level)")))
    people = services.search_people(unit_id=unit.id, include_inactive=True)
    warnings = services.deactivation_warnings(unit) if _is_admin() and unit.is_active else []
    return render_template("directory/unit_detail.html", unit=unit, kinds=UNIT_KINDS, move_form=move_form,
                           people=people, current=services.current_successors(unit), history=_views(unit),
                           is_former=services.is_former(unit), warnings=warnings)


def _unit_form_page(unit: Unit | None):
    form = UnitForm(obj=None)
    if request.method == "GET" and unit is not None:
        form.process(data={
            "code": unit.code, "name": unit.name, "short_name": unit.short_name or "", "kind": unit.kind,
            "parent_id": str(unit.parent_id or ""), "valid_from": unit.valid_from, "valid_to": unit.valid_to,
            "sort_order": str(unit.sort_order), "successor_ids": [str(s.id) for s in unit.successors],
        })
    elif request.method == "GET" and request.args.get("parent_id"):
        form.parent_id.data = request.args["parent_id"]
    parent_choices = _unit_choices(exclude=unit)
    successor_choices = _unit_choices(former=True, mark=True)[1:]
    form.parent_id.choices = select_choices(parent_choices)
    form.successor_ids.choices = select_choices(successor_choices)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                if unit is None:
                    unit = services.create_unit(form.service_data())
                else:
                    services.update_unit(unit, form.service_data(), partial=False)
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("directory.unit_detail", unit_id=unit.id))
            except (ValidationError, DuplicateError) as exc:
                _refused(form, exc)
                unit = db.session.get(Unit, unit.id) if unit is not None and unit.id else None
        _keep_choice(form.parent_id, parent_choices)
        _keep_choice(form.successor_ids, successor_choices)
        status = 400
    return render_template("directory/unit_form.html", form=form, unit=unit), status


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required("admin")
def unit_new():
    return _unit_form_page(None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def unit_edit(unit_id):
    return _unit_form_page(_get(Unit, unit_id))


@bp.route("/units/<int:unit_id>/move", methods=["POST"])
@roles_required("admin")
def unit_move(unit_id):
    unit = _get(Unit, unit_id)
    form = MoveForm()
    try:
        services.update_unit(unit, {"parent_id": form.parent_id.data or None})
        db.session.commit()
        flash(_("Unit %(name)s moved.", name=unit.name), "success")
    except ValidationError as exc:
        db.session.rollback()
        for message in exc.fields.values():
            flash(message, "error")
    return redirect(url_for("directory.unit_detail", unit_id=unit_id))


def _set_active(obj, setter, active: bool, done: str) -> None:
    """Deactivate or reactivate; what still relies on the object is said after deactivating (not refused)."""
    warnings = [] if active or not obj.is_active else services.deactivation_warnings(obj)
    setter(obj, active)
    db.session.commit()
    flash(done, "success")
    for warning in warnings:
        flash(warning, "warning")


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@roles_required("admin")
def unit_set_active(unit_id):
    unit = _get(Unit, unit_id)
    active = request.form.get("active") == "1"
    _set_active(unit, services.set_unit_active, active,
                _("Unit %(name)s reactivated", name=unit.name) if active
                else _("Unit %(name)s deactivated", name=unit.name))
    return redirect(url_for("directory.unit_detail", unit_id=unit_id))


# ---- people ----------------------------------------------------------------------------------------------


@bp.route("/people")
@roles_required(*READERS)
def people():
    q = request.args.get("q", "").strip()
    inactive = request.args.get("inactive") == "1"
    leaders = request.args.get("leaders") == "1"
    unit_id = request.args.get("unit_id", type=int)
    found = services.search_people(q or None, unit_id=unit_id, include_inactive=inactive, leaders_only=leaders)
    return render_template("directory/people.html", people=found, q=q, inactive=inactive, leaders=leaders,
                           unit_id=unit_id, leader_roles=LEADER_ROLES)


@bp.route("/people/<int:person_id>")
@roles_required(*READERS)
def person_detail(person_id):
    person = _get(Person, person_id)
    warnings = services.deactivation_warnings(person) if _is_admin() and person.is_active else []
    return render_template("directory/person_detail.html", person=person, history=_views(person),
                           warnings=warnings)


def _person_form_page(person: Person | None):
    form = PersonForm()
    if request.method == "GET" and person is not None:
        form.process(data={
            "full_name": person.full_name, "title": person.title, "unit_id": str(person.unit_id or ""),
            "email": person.email or "", "phone": person.phone or "", "is_leader": person.is_leader,
            "leader_role": person.leader_role or "", "leader_rank": str(person.leader_rank or ""),
        })
    unit_choices = _unit_choices()
    if person is not None and person.unit is not None and str(person.unit_id) not in dict(unit_choices):
        unit_choices.append((str(person.unit_id), _unit_label(person.unit, mark_former=True)))
    form.unit_id.choices = select_choices(unit_choices)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                if person is None:
                    person = services.create_person(form.service_data())
                else:
                    services.update_person(person, form.service_data(), partial=False)
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("directory.people", q=person.full_name))
            except ValidationError as exc:
                _refused(form, exc)
                person = db.session.get(Person, person.id) if person is not None and person.id else None
        _keep_choice(form.unit_id, unit_choices)
        status = 400
    warnings = services.deactivation_warnings(person) if person is not None and person.is_active else []
    return render_template("directory/person_form.html", form=form, person=person, warnings=warnings,
                           history=_views(person) if person else []), status


@bp.route("/people/new", methods=["GET", "POST"])
@roles_required("admin")
def person_new():
    return _person_form_page(None)


@bp.route("/people/<int:person_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def person_edit(person_id):
    return _person_form_page(_get(Person, person_id))


@bp.route("/people/<int:person_id>/active", methods=["POST"])
@roles_required("admin")
def person_set_active(person_id):
    person = _get(Person, person_id)
    active = request.form.get("active") == "1"
    _set_active(person, services.set_person_active, active,
                _("Person %(name)s reactivated", name=person.full_name) if active
                else _("Person %(name)s deactivated", name=person.full_name))
    return redirect(url_for("directory.person_edit", person_id=person_id))


# ---- rooms -----------------------------------------------------------------------------------------------


@bp.route("/rooms")
@roles_required(*READERS)
def rooms():
    q = request.args.get("q", "").strip()
    inactive = request.args.get("inactive") == "1"
    return render_template("directory/rooms.html", rooms=services.search_rooms(q or None, include_inactive=inactive),
                           q=q, inactive=inactive)


@bp.route("/rooms/<int:room_id>")
@roles_required(*READERS)
def room_detail(room_id):
    room = _get(Room, room_id)
    warnings = services.deactivation_warnings(room) if _is_admin() and room.is_active else []
    return render_template("directory/room_detail.html", room=room, history=_views(room), warnings=warnings)


def _uploaded_photo(form: RoomForm) -> bytes | None:
    storage = form.photo.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read(services.PHOTO_MAX_BYTES + 1)


def _room_form_page(room: Room | None):
    form = RoomForm()
    if request.method == "GET" and room is not None:
        form.process(data={"name": room.name, "building": room.building, "capacity": str(room.capacity),
                           "equipment": "\n".join(room.equipment or []), "is_bookable": room.is_bookable})
    status = 200
    if request.method == "POST":
        photo = None
        if form.validate():
            try:
                photo = _uploaded_photo(form)
                if room is None:
                    room = services.create_room(form.service_data(), photo=photo)
                else:
                    services.update_room(room, form.service_data(), partial=False, photo=photo,
                                         remove_photo=form.remove_photo.data)
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("directory.rooms", q=room.name))
            except (ValidationError, DuplicateError) as exc:
                _refused(form, exc)
                room = db.session.get(Room, room.id) if room is not None and room.id else None
        else:
            photo = _uploaded_photo(form)
        if photo and not form.photo.errors:
            # A browser cannot put a chosen file back into a form: say so rather than lose it silently.
            form.photo.errors = [_("Nothing was saved, so the photo was not kept either: choose it again.")]
        status = 400
    warnings = services.deactivation_warnings(room) if room is not None and room.is_active else []
    return render_template("directory/room_form.html", form=form, room=room, warnings=warnings,
                           history=_views(room) if room else []), status


@bp.route("/rooms/new", methods=["GET", "POST"])
@roles_required("admin")
def room_new():
    return _room_form_page(None)


@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def room_edit(room_id):
    return _room_form_page(_get(Room, room_id))


@bp.route("/rooms/<int:room_id>/active", methods=["POST"])
@roles_required("admin")
def room_set_active(room_id):
    room = _get(Room, room_id)
    active = request.form.get("active") == "1"
    _set_active(room, services.set_room_active, active,
                _("Room %(name)s reactivated", name=room.name) if active
                else _("Room %(name)s deactivated", name=room.name))
    return redirect(url_for("directory.room_edit", room_id=room_id))


@bp.route("/rooms/<int:room_id>/photo")
def room_photo(room_id):
    """The room's photo for anyone signed in (rooms are shown on booking pages); a drawing if it has none."""
    row = db.session.execute(sa.select(Room.photo, Room.photo_mimetype).where(Room.id == room_id)).first()
    if row is None:
        abort(404)
    if row.photo is None:
        return redirect(url_for("static", filename="directory-room.svg"))
    response = Response(row.photo, mimetype=row.photo_mimetype or "application/octet-stream")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# ---- saved groups ----------------------------------------------------------------------------------------


@bp.route("/groups")
@roles_required(*READERS)
def groups():
    inactive = request.args.get("inactive") == "1"
    return render_template("directory/groups.html", groups=services.all_groups(include_inactive=inactive),
                           inactive=inactive, is_former=services.is_former)


@bp.route("/groups/<int:group_id>")
@roles_required(*READERS)
def group_detail(group_id):
    group = _get(UnitGroup, group_id)
    return render_template("directory/group_detail.html", group=group, history=_views(group),
                           is_former=services.is_former, kinds=UNIT_KINDS)


def _group_form_page(group: UnitGroup | None):
    form = GroupForm()
    if request.method == "GET" and group is not None:
        form.process(data={"name": group.name, "description": group.description,
                           "unit_ids": [str(u.id) for u in group.units]})
    # Every unit, former ones marked: a group may gather units of an earlier period ("the 30 district-level units").
    member_choices = _unit_choices(former=True, mark=True)[1:]
    form.unit_ids.choices = select_choices(member_choices)
    form.rule_parent_id.choices = select_choices(_unit_choices(former=True, mark=True))
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                if group is None:
                    group = services.create_group(form.service_data())
                else:
                    services.update_group(group, form.service_data())
                db.session.commit()
                flash(_("Saved."), "success")
                # the group's page lists its members: what a rule added is seen at once
                return redirect(url_for("directory.group_detail", group_id=group.id))
            except (ValidationError, DuplicateError) as exc:
                _refused(form, exc)
                group = db.session.get(UnitGroup, group.id) if group is not None and group.id else None
        _keep_choice(form.unit_ids, member_choices)
        status = 400
    return render_template("directory/group_form.html", form=form, group=group,
                           history=_views(group) if group else []), status


@bp.route("/groups/new", methods=["GET", "POST"])
@roles_required("admin")
def group_new():
    return _group_form_page(None)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@roles_required("admin")
def group_edit(group_id):
    return _group_form_page(_get(UnitGroup, group_id))


@bp.route("/groups/<int:group_id>/active", methods=["POST"])
@roles_required("admin")
def group_set_active(group_id):
    group = _get(UnitGroup, group_id)
    active = request.form.get("active") == "1"
    services.set_group_active(group, active)
    db.session.commit()
    flash(_("Group %(name)s reactivated", name=group.name) if active
          else _("Group %(name)s deactivated", name=group.name), "success")
    return redirect(url_for("directory.groups"))


# ---- the directory's change log --------------------------------------------------------------------------

HISTORY_TYPES = {
    "units": _l("Units"), "people": _l("People"), "rooms": _l("Rooms"), "unit_groups": _l("Groups of units"),
    IMPORT: _l("Imports"), "users": _l("Accounts"), "api_tokens": _l("API tokens"),
}


@bp.route("/history")
@roles_required("admin")
def history_page():
    """The newest changes to the directory and the accounts, with filters (what, who, from, to)."""
    what = request.args.get("what") or ""
    types = [what] if what in HISTORY_TYPES else list(HISTORY_TYPES)
    user_id = request.args.get("user_id", type=int)
    before_id = request.args.get("before", type=int)
    since, until, errors = None, None, {}
    for key in ("from", "to"):
        raw = (request.args.get(key) or "").strip()
        if not raw:
            continue
        try:
            day = parse_day(raw)
        except ValueError:
            errors[key] = _("Not a date (use dd/mm/yyyy).")
            continue
        if key == "from":
            since = local_to_utc(day, time.min)
        else:
            until = local_to_utc(day + timedelta(days=1), time.min)
    if since is not None and until is not None and until <= since:
        errors["to"] = _("The end date is before the start date.")
    entries = recent(types, user_id=user_id, since=since, until=until, before_id=before_id, limit=HISTORY_PAGE + 1)
    more = len(entries) > HISTORY_PAGE
    entries = entries[:HISTORY_PAGE]
    authors = db.session.execute(sa.select(User.id, User.username, User.display_name).order_by(User.username)).all()
    older_url = None
    if more:
        keep = {k: v for k, v in request.args.items() if k != "before" and v}
        older_url = url_for("directory.history_page", **keep, before=entries[-1].id)
    return render_template("directory/history.html", views=describe(entries), types=HISTORY_TYPES, what=what,
                           user_id=user_id, authors=authors, args=request.args, errors=errors,
                           older_url=older_url), 400 if errors else 200


HISTORY_PAGE = 100


# ---- bulk import -----------------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@roles_required("admin")
def import_upload():
    form = ImportForm()
    if request.method == "POST" and form.validate():
        storage = form.file.data
        if storage is None or not getattr(storage, "filename", ""):
            form.file.errors = [_("Choose a file.")]
        else:
            try:
                parsed = imports.parse(form.what.data, storage.filename, storage.read())
            except ValidationError as exc:
                apply_errors(form, exc.fields)
            else:
                result = imports.plan(parsed)
                confirm = ConfirmImportForm(payload=imports.dump_token(parsed))
                return render_template("directory/import_preview.html", result=result, confirm=confirm), (
                    200 if result.ok else 400)
        return render_template("directory/import_upload.html", form=form), 400
    return render_template("directory/import_upload.html", form=form)


@bp.route("/import/confirm", methods=["POST"])
@roles_required("admin")
def import_confirm():
    confirm = ConfirmImportForm()
    try:
        parsed = imports.load_token(confirm.payload.data)
    except ValidationError as exc:
        flash(exc.fields["payload"], "error")
        return redirect(url_for("directory.import_upload"))
    result = imports.plan(parsed)
    if not result.ok:
        flash(_("The file has errors; nothing was saved."), "error")
        return render_template("directory/import_preview.html", result=result, confirm=confirm), 400
    try:
        counts = imports.apply(result)
        db.session.commit()
    except (ValidationError, DuplicateError, sa.exc.IntegrityError) as exc:
        db.session.rollback()
        message = "; ".join(exc.fields.values()) if isinstance(exc, ValidationError) else str(exc)
        flash(_("Nothing was saved: %(reason)s", reason=message), "error")
        return render_template("directory/import_preview.html", result=result, confirm=confirm), 400
    flash(_("Import done: %(created)d added, %(updated)d changed, %(unchanged)d unchanged.", **counts), "success")
    return redirect(url_for("directory.units" if parsed.what == "units" else "directory.people"))


@bp.route("/import/template/<what>.<fmt>")
@roles_required("admin")
def import_template(what, fmt):
    if what not in imports.COLUMNS or fmt not in ("csv", "xlsx"):
        abort(404)
    if fmt == "csv":
        body, mimetype = imports.template_csv(what), "text/csv; charset=utf-8"
    else:
        body = imports.template_xlsx(what)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{what}-template.{fmt}"'})


@bp.context_processor
def _helpers():
    return {"is_admin": _is_admin(), "unit_kinds": UNIT_KINDS, "leader_roles": LEADER_ROLES,
            "display_value": imports.display_value}
