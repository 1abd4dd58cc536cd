"""Pages of online meetings: the link and bridge points, connection checks, participants after the meeting."""

from functools import lru_cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from meetingsvc.core.auth import can_see_meeting, roles_required
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.forms import select_choices
from meetingsvc.core.i18n import format_number
from meetingsvc.directory.models import UNIT_KINDS
from meetingsvc.extensions import db
from meetingsvc.meetings.models import Meeting
from meetingsvc.online import imports, services
from meetingsvc.online.forms import BulkForm, LinkForm, PointEditForm, PointForm, UploadForm
from meetingsvc.online.models import CONNECTION_STATUSES, BridgePoint

bp = Blueprint("online", __name__, url_prefix="/online")

EDITORS = ("admin", "secretary")
RECORDERS = ("admin", "secretary", "technician")


def _meeting_or_404(meeting_id) -> Meeting:
    """The meeting, or 404 when it does not exist or the user may not see it (classified)."""
    meeting = db.session.get(Meeting, meeting_id) if meeting_id <= services.MAX_ID else None
    if meeting is None or not can_see_meeting(current_user, meeting):
        abort(404)
    return meeting


def _point_or_404(point_id) -> BridgePoint:
    point = db.session.get(BridgePoint, point_id) if point_id <= services.MAX_ID else None
    if point is None:
        abort(404)
    _meeting_or_404(point.meeting_id)
    return point


def _errors_to_form(form, exc: ValidationError) -> None:
    for name, message in exc.fields.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors) + [message]
        else:
            flash(message, "error")


def _options(choices, selected) -> Markup:
    """<option>s for a long list (hundreds of units), much faster than WTForms' select widget."""
    selected = "" if selected is None else str(selected)
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in choices))


def _unit_options(meeting, selected) -> Markup:
    """The single-add list: the units of the meeting's day in one <optgroup> per kind."""
    groups = {}
    for uid, name, code, kind in services.unit_choices_on(services.meeting_day(meeting)):
        groups.setdefault(kind, []).append((str(uid), f"{name} ({code})"))
    return _options([("", "—")], selected) + Markup("").join(
        Markup('<optgroup label="{}">{}</optgroup>').format(UNIT_KINDS.get(kind, kind), _options(choices, selected))
        for kind, choices in groups.items())


def _page_helpers() -> dict:
    """Per-request pieces for pages with hundreds of rows: numbers formatted once per value, labels translated
    once, and the fixed parts of each row's connection-check form built once (3 variants of the select)."""
    labels = {code: str(label) for code, label in CONNECTION_STATUSES.items()}
    select = {
        status: Markup('<select name="connection_status" aria-label="{}">{}</select>').format(
            _("Connection check"), _options(labels.items(), status))
        for status in labels
    }
    return {
        "num": lru_cache(maxsize=None)(lambda v: "" if v is None else format_number(v)),
        "status_labels": labels,
        "check_select": select,
        "check_note_attrs": Markup('placeholder="{}" aria-label="{}"').format(
            _("Note (required for a problem)"), _("Note")),
        "check_tail": Markup('<button type="submit">{}</button>').format(_("Save")),
    }


def _page(meeting, *, link_form=None, point_form=None, bulk_form=None, check_refused=None, shown_status=None,
          status=200):
    editable = services.can_edit_online(current_user)
    day = services.meeting_day(meeting)
    if link_form is None:
        link_form = LinkForm(obj=meeting, formdata=None)
    if point_form is None:
        point_form = PointForm(formdata=None)
    if bulk_form is None:
        bulk_form = BulkForm(formdata=None)
    unit_options = None
    if editable:
        unit_options = _unit_options(meeting, point_form.unit_id.data)
        bulk_form.selection.choices = select_choices((o.value, o.label) for o in services.bulk_options(day))
        bulk_form.parent_id.choices = select_choices([("", _("any unit"))] + [
            (str(u.id), u.name) for u in services.parent_choices(day)])
    points = services.point_rows(meeting.id)
    totals = services.meeting_totals(meeting)
    # Each row keeps its number in the whole list when only the points of one check status are shown.
    numbered = [(n, p) for n, p in enumerate(points, start=1)
                if shown_status is None or p.connection_status == shown_status]
    return render_template(
        "online/meeting.html",
        meeting=meeting,
        points=points,
        numbered=numbered,
        shown_status=shown_status,
        check_counts=services.check_counts(points),
        checked_by=services.checked_by_names(p for _n, p in numbered),
        totals=totals,
        editable=editable,
        can_check=services.can_record(current_user),
        link_form=link_form,
        point_form=point_form,
        unit_options=unit_options,
        bulk_form=bulk_form,
        check_refused=check_refused or {},
        invalid_points=services.points_invalid_on(meeting) if points else [],
        day=day,
        **_page_helpers(),
        providers=[str(p) for p in services.PROVIDER_SUGGESTIONS],
        origins=[str(p) for p in services.ORIGIN_NETWORK_SUGGESTIONS],
    ), status


@bp.route("/meetings/<int:meeting_id>")
def meeting(meeting_id):
    return _page(_meeting_or_404(meeting_id), shown_status=services.check_filter(request.args.get("check")))


@bp.route("/meetings/<int:meeting_id>/link", methods=["POST"])
@roles_required(*EDITORS)
def save_link(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            services.update_link(meeting, {name: form[name].data for name in ("mode", *services.LINK_FIELDS)},
                                 user=current_user)
            flash(_("The online link was saved."), "success")
            points = services.meeting_totals(meeting).points
            if meeting.mode == "in_person" and points:
                flash(_("The meeting is now in person; its %(n)s bridge points are kept but not counted in reports "
                        "while it is in person. Remove them below if they are no longer needed.",
                        n=format_number(points)), "warning")
            return redirect(url_for("online.meeting", meeting_id=meeting.id))
        except ValidationError as exc:
            db.session.rollback()
            _errors_to_form(form, exc)
    flash(_("Nothing was saved: correct the fields marked below."), "error")
    return _page(meeting, link_form=form, status=400)


@bp.route("/meetings/<int:meeting_id>/points", methods=["POST"])
@roles_required(*EDITORS)
def add_point(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = PointForm()
    if form.validate_on_submit():
        try:
            point = services.add_point(meeting, {name: form[name].data for name in (
                "unit_id", "site_name", "is_host", "address", "contact_name", "contact_phone",
                "planned_participants")}, user=current_user)
            flash(_("Bridge point added: %(name)s", name=point.label), "success")
            return redirect(url_for("online.meeting", meeting_id=meeting.id, _anchor="points"))
        except ValidationError as exc:
            db.session.rollback()
            _errors_to_form(form, exc)
    flash(_("Nothing was saved: correct the fields marked below."), "error")
    return _page(meeting, point_form=form, status=400)


@bp.route("/meetings/<int:meeting_id>/points/bulk", methods=["POST"])
@roles_required(*EDITORS)
def add_points_bulk(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = BulkForm()
    if form.validate_on_submit():
        selection = form.selection.data or ""
        kind = group_id = parent_id = None
        if selection.startswith("group:") and selection[6:].isdigit():
            group_id = int(selection[6:])
        elif selection:
            kind = selection
        if (form.parent_id.data or "").isdigit():
            parent_id = int(form.parent_id.data)  # with another selection than wards and communes: refused
        try:
            result = services.add_points_bulk(meeting, kind=kind, parent_id=parent_id, group_id=group_id,
                                              planned_participants=form.planned_participants.data,
                                              user=current_user)
            flash(_("%(added)s bridge points added; %(skipped)s were already there.",
                    added=len(result.added), skipped=result.skipped), "success")
            return redirect(url_for("online.meeting", meeting_id=meeting.id, _anchor="points"))
        except ValidationError as exc:
            db.session.rollback()
            _errors_to_form(form, exc)
    flash(_("Nothing was saved: correct the fields marked below."), "error")
    return _page(meeting, bulk_form=form, status=400)


@bp.route("/meetings/<int:meeting_id>/points/remove", methods=["POST"])
@roles_required(*EDITORS)
def remove_points(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    remove_all = request.form.get("scope") == "all"
    ids = request.form.getlist("point_id")
    try:
        removed = services.remove_points(meeting, ids, remove_all=remove_all, user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        for message in exc.fields.values():
            flash(message, "error")
        return redirect(url_for("online.meeting", meeting_id=meeting.id, _anchor="points"))
    flash(_("%(n)s bridge points removed.", n=removed), "success")
    return redirect(url_for("online.meeting", meeting_id=meeting.id, _anchor="points"))


@bp.route("/points/<int:point_id>/check", methods=["POST"])
@roles_required(*RECORDERS)
def check_point(point_id):
    point = _point_or_404(point_id)
    shown_status = services.check_filter(request.form.get("check"))
    chosen = {"connection_status": request.form.get("connection_status", ""),
              "connection_note": request.form.get("connection_note", "")}
    # In a list of one status, the rows after this one: where to go back to if this row leaves the list.
    listed = [p.id for p in services.point_rows(point.meeting_id)
              if p.connection_status == shown_status] if shown_status else []
    later = listed[listed.index(point.id) + 1:] if point.id in listed else []
    unchanged = (point.connection_status, point.connection_note) == (chosen["connection_status"],
                                                                     chosen["connection_note"].strip())
    try:
        services.update_point(point, chosen, user=current_user)
        if unchanged:
            flash(_("Nothing changed: %(name)s is already %(status)s.", name=point.label,
                    status=CONNECTION_STATUSES[point.connection_status]), "info")
        else:
            flash(_("Connection check saved: %(name)s", name=point.label), "success")
    except ValidationError as exc:
        db.session.rollback()
        # The page again, with this row's form as it was sent (the chosen status, the note) and what to fix.
        message = " ".join(exc.fields.values())
        flash(_("%(name)s: %(errors)s", name=point.label, errors=message), "error")
        refused = {point.id: {"status": chosen["connection_status"], "note": chosen["connection_note"],
                              "error": message}}
        return _page(point.meeting, check_refused=refused, shown_status=shown_status, status=400)
    if shown_status is None or point.connection_status == shown_status:
        anchor = f"point-{point.id}"
    else:
        anchor = f"point-{later[0]}" if later else "points"
    return redirect(url_for("online.meeting", meeting_id=point.meeting_id, check=shown_status, _anchor=anchor))


@bp.route("/points/<int:point_id>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_point(point_id):
    point = _point_or_404(point_id)
    form = PointEditForm(obj=point)
    status = 200
    if form.validate_on_submit():
        fields = ["is_host", "address", "contact_name", "contact_phone", "planned_participants",
                  "actual_participants", "connection_status", "connection_note"]
        if point.unit_id is None:
            fields.append("site_name")
        try:
            services.update_point(point, {name: form[name].data for name in fields}, user=current_user)
            flash(_("Bridge point saved: %(name)s", name=point.label), "success")
            return redirect(url_for("online.meeting", meeting_id=point.meeting_id, _anchor=f"point-{point.id}"))
        except ValidationError as exc:
            db.session.rollback()
            _errors_to_form(form, exc)
    if request.method == "POST":
        status = 400
        flash(_("Nothing was saved: correct the fields marked below."), "error")
    return render_template("online/point.html", point=point, meeting=point.meeting, form=form), status


# ---- after the meeting -------------------------------------------------------------------------------------


def _attendance_page(meeting, *, errors=None, typed=None, upload_form=None, upload_errors=None, status=200):
    points = services.point_rows(meeting.id)
    return render_template(
        "online/attendance.html",
        **_page_helpers(),
        meeting=meeting,
        points=points,
        totals=services.meeting_totals(meeting),
        errors=errors or {},
        typed=typed or {},
        upload_form=upload_form or UploadForm(formdata=None),
        upload_errors=upload_errors,
        started=services.has_started(meeting),
        not_started=services.not_started_message(meeting),
    ), status


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@roles_required(*RECORDERS)
def attendance(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET":
        return _attendance_page(meeting)
    actuals = {key[7:]: value for key, value in request.form.items() if key.startswith("actual-")}
    attended = {}
    for key, value in request.form.items():
        if key.startswith("attended-"):
            # "—" clears; anything but yes/no goes to the service as it came, which refuses it.
            attended[key[9:]] = {"yes": True, "no": False, "": None}.get(value, value)
    has_count = "present_count" in request.form
    try:
        changed = services.record_results(meeting, actuals, attended=attended,
                                          present_count=request.form.get("present_count"),
                                          set_present_count=has_count, user=current_user)
    except ValidationError as exc:
        db.session.rollback()
        # Messages beside their inputs; those of fields the page has no input for (a point removed meanwhile,
        # a forged key) at the top, so that no refusal goes unexplained.
        shown = {f"actual-{p.id}" for p in services.point_rows(meeting.id)} | {
            f"attended-{a.id}" for a in meeting.attendees}
        if meeting.mode != "online":
            shown.add("present_count")
        inputs = {key for key in exc.fields if key in shown}
        for key, message in exc.fields.items():
            if key not in inputs:
                flash(message, "error")
        if inputs:
            flash(_("Nothing was saved: correct the fields marked below."), "error")
        return _attendance_page(meeting, errors=exc.fields, typed=request.form, status=400)
    if changed:
        flash(_("Participants saved (%(n)s bridge points changed).", n=changed), "success")
    elif actuals:
        flash(_("Saved; no bridge point's figure changed."), "success")
    else:
        flash(_("Attendance saved."), "success")
    return redirect(url_for("online.attendance", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/attendance/upload", methods=["POST"])
@roles_required(*RECORDERS)
def upload(meeting_id):
    meeting = _meeting_or_404(meeting_id)
    form = UploadForm()
    if not form.validate_on_submit():
        return _attendance_page(meeting, upload_form=form, status=400)
    storage = form.file.data
    try:
        saved = imports.import_actuals(meeting, storage.filename or "", storage.read(), user=current_user)
    except imports.UploadError as exc:
        db.session.rollback()
        return _attendance_page(meeting, upload_form=form, upload_errors=exc, status=400)
    flash(_("%(n)s rows saved from %(file)s.", n=saved, file=storage.filename), "success")
    return redirect(url_for("online.attendance", meeting_id=meeting_id))


@bp.route("/meetings/<int:meeting_id>/attendance/template.<any(xlsx, csv):fmt>")
@roles_required(*RECORDERS)
def template(meeting_id, fmt):
    meeting = _meeting_or_404(meeting_id)
    if fmt == "xlsx":
        body = imports.template_xlsx(meeting)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = imports.template_csv(meeting)
        mimetype = "text/csv; charset=utf-8"
    name = f"bridge-points-meeting-{meeting.id}.{fmt}"
    return body, 200, {"Content-Type": mimetype, "Content-Disposition": f'attachment; filename="{name}"'}


# ---- the panel on the meeting page ---------------------------------------------------------------------


@bp.app_context_processor
def _online_panel_helpers():
    def online_panel(meeting):
        """What the meeting page's online panel shows; the passcode only to a signed-in user allowed to see it."""
        totals = services.meeting_totals(meeting)
        attended = [a.attended for a in meeting.attendees]
        return {
            "totals": totals,
            # Attendance of the invited, once someone recorded it (the page loads the attendees anyway).
            "invited": len(attended),
            "invited_present": sum(1 for a in attended if a),
            "invited_recorded": any(a is not None for a in attended),
            # Bridge points kept on an in-person meeting are shown as such, not silently as its figures.
            "stray_points": totals.points if meeting.mode == "in_person" else 0,
            "invalid_points": len(services.points_invalid_on(meeting)) if totals.points else 0,
            "show_passcode": bool(getattr(current_user, "is_authenticated", False))
            and can_see_meeting(current_user, meeting),
            "can_manage": services.can_record(current_user),
            "can_edit": services.can_edit_online(current_user),
        }

    return {"online_panel": online_panel}
