"""Meeting pages: the meeting, booking (new, edit, cancel, postpone, duplicate), lookups, the free-slot finder."""

import importlib
from datetime import timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from meetingsvc.core.audit import history
from meetingsvc.core.auth import BOOKING_ROLES, can_see_meeting, roles_required
from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.core.i18n import format_day
from meetingsvc.core.time import local_today, parse_day, to_local
from meetingsvc.directory.models import Person
from meetingsvc.extensions import db
from meetingsvc.meetings import availability, services
from meetingsvc.meetings.conflicts import WarningsNotAccepted
from meetingsvc.meetings.forms import (
    AvailabilityForm,
    DuplicateForm,
    MeetingForm,
    PostponeForm,
    ReasonForm,
    RestoreForm,
    person_label,
    unit_label,
)
from meetingsvc.meetings.models import Meeting
from meetingsvc.meetings.search import words_clause
from meetingsvc.meetings.validation import MAX_ID, READ_LAST_DAY, meeting_values, read_day_error, text_error
from meetingsvc.meetings.visibility import present

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

LOOKUP_LIMIT = 20
PREFILL = ("date", "start", "end", "room_id", "chair_id", "day_part")


def _found(meeting_id: int) -> Meeting:
    """The meeting at this address, or 404 (also for an id larger than any row can have: no database error)."""
    meeting = db.session.get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    return meeting or abort(404)


def _bookable(meeting_id) -> Meeting:
    """The meeting a booking page works on: 404 if absent, 403 if the user may not see its content."""
    meeting = _found(meeting_id)
    if not can_see_meeting(current_user, meeting):
        abort(403)
    return meeting


# Domains that write audit entries on a meeting, each with a HISTORY_LABELS dict {action or field: label}.
HISTORY_SOURCES = ("meetingsvc.online.services",)


def _fallback_labels() -> dict:
    """Labels for the actions other domains write on a meeting, should a domain not register its own."""
    return {
        "online_link": _("changed the online link"), "bridge_point_add": _("added a bridge point"),
        "bridge_point_bulk_add": _("added bridge points"), "bridge_point_update": _("changed a bridge point"),
        "bridge_point_remove": _("removed bridge points"), "connection_check": _("recorded a connection check"),
        "participants_recorded": _("recorded participants"), "points": _("Bridge points"),
    }


def _history_labels() -> dict:
    """{action or field: label} for the meeting's history: this domain's, and those other domains register."""
    labels = _fallback_labels()
    for name in HISTORY_SOURCES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        labels.update({key: str(label) for key, label in getattr(module, "HISTORY_LABELS", {}).items()})
    labels.update({
        "title": _("Title"), "kind": _("Kind"), "start": _("Start"), "end": _("End"), "day_part": _("Session"),
        "status": _("Status"), "status_reason": _("Reason"), "room": _("Room"), "location": _("Location"),
        "chair": _("Chair"), "co_chairs": _("Co-chairs"), "attending_leaders": _("Leaders attending"),
        "attendees": _("Attendees"), "preparing_unit": _("Preparing unit"), "classification": _("Classification"),
        "mode": _("Mode"), "is_urgent": _("Urgent"), "agenda": _("Meeting agenda"),
        "create": _("created the meeting"), "update": _("changed the meeting"), "cancel": _("cancelled the meeting"),
        "postpone": _("postponed the meeting"), "move": _("moved the meeting"),
        "duplicate": _("copied the meeting"), "restore": _("restored the meeting"),
    })
    return labels


# The order in which a history entry lists what changed: the form's, not the alphabet's (start before end).
CHANGE_ORDER = ("title", "kind", "status", "status_reason", "start", "end", "day_part", "chair", "co_chairs",
                "attending_leaders", "room", "location", "attendees", "preparing_unit", "classification", "mode",
                "is_urgent", "agenda")


def _in_form_order(changes):
    rank = {name: i for i, name in enumerate(CHANGE_ORDER)}
    return sorted(changes, key=lambda change: (rank.get(change[0], len(rank)), change[0]))


@bp.route("/<int:meeting_id>")
def detail(meeting_id):
    meeting = _found(meeting_id)
    shown = present(meeting, current_user)
    masked = getattr(shown, "is_masked", False)
    return render_template(
        "meetings/detail.html",
        meeting=shown,
        history=[] if masked else history(meeting),
        labels=_history_labels(),
        in_form_order=_in_form_order,
        can_book=not masked and (current_user.role in BOOKING_ROLES),
    )


class Attempt(NamedTuple):
    """A booking change tried from a page: its result, or why not (field errors, a refusal, warnings)."""

    result: object = None
    fields: dict = {}
    refusal: ConflictError | None = None
    warnings: list | None = None


def _attempt(change) -> Attempt:
    """Run `change()` (a booking service call); what it refuses becomes an Attempt the page shows."""
    try:
        return Attempt(result=change())
    except ValidationError as exc:
        return Attempt(fields=exc.fields)
    except ConflictError as exc:
        return Attempt(refusal=exc)
    except WarningsNotAccepted as exc:
        return Attempt(warnings=exc.issues)


def _render_form(form, meeting=None, refusal=None, warnings=None, general=None):
    return render_template("meetings/form.html", form=form, meeting=meeting, refusal=refusal, warnings=warnings,
                           general=general or [])


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def new():
    form = MeetingForm().load_choices()
    tried, general = Attempt(), None
    if request.method == "GET":
        for name in PREFILL:
            if request.args.get(name):
                getattr(form, name).data = request.args[name]
        if request.args.getlist("co_chair_ids"):
            form.co_chair_ids.data = request.args.getlist("co_chair_ids")
    elif form.validate_on_submit():
        tried = _attempt(lambda: services.create_meeting(form.to_data(), current_user,
                                                         accept_warnings=form.accept_warnings.data))
        if tried.result is not None:
            flash(_("The meeting is booked."), "success")
            return redirect(url_for("meetings.detail", meeting_id=tried.result.id))
        general = form.show_errors(tried.fields)
    return _render_form(form, refusal=tried.refusal, warnings=tried.warnings, general=general)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def edit(meeting_id):
    meeting = _bookable(meeting_id)
    form = MeetingForm().load_choices(meeting)
    tried, general = Attempt(), None
    if request.method == "GET":
        form.fill(meeting_values(meeting))
    elif form.validate_on_submit():
        data = form.to_data()
        data.pop("repeat", None)
        if meeting.status not in ("draft", "scheduled"):
            data.pop("status")  # held, postponed or cancelled stay so; postpone/move reschedules
        tried = _attempt(lambda: services.update_meeting(meeting, data, current_user,
                                                         accept_warnings=form.accept_warnings.data))
        if tried.result is not None:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        general = form.show_errors(tried.fields)
    return _render_form(form, meeting=meeting, refusal=tried.refusal, warnings=tried.warnings, general=general)


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def cancel(meeting_id):
    meeting = _bookable(meeting_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            if meeting.series_id and form.scope.data == "following":
                cancelled = services.cancel_series_from(meeting, form.reason.data, current_user)
                flash(_("%(n)s meetings of the series are cancelled.", n=len(cancelled)), "success")
            else:
                services.cancel_meeting(meeting, form.reason.data, current_user)
                flash(_("The meeting is cancelled."), "success")
        except ValidationError as exc:
            for name, message in exc.fields.items():
                getattr(form, name if hasattr(form, name) else "reason").errors = [message]
        else:
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/cancel.html", form=form, meeting=meeting)


@bp.route("/<int:meeting_id>/postpone", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def postpone(meeting_id):
    meeting = _bookable(meeting_id)
    form = PostponeForm()
    tried = Attempt()
    if form.validate_on_submit():
        tried = _attempt(lambda: services.postpone_from_input(
            meeting, form.reason.data, form.date.data, form.start.data, form.end.data, current_user,
            accept_warnings=form.accept_warnings.data))
        if tried.result is not None:
            flash(_("The meeting is postponed."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        for name, message in tried.fields.items():
            target = getattr(form, {"start_at": "start", "end_at": "end"}.get(name, name), None) or form.reason
            target.errors = list(target.errors) + [message]
    return render_template("meetings/postpone.html", form=form, meeting=meeting, refusal=tried.refusal,
                           warnings=tried.warnings)


@bp.route("/<int:meeting_id>/restore", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def restore(meeting_id):
    meeting = _bookable(meeting_id)
    form = RestoreForm()
    tried = Attempt()
    if form.validate_on_submit():
        tried = _attempt(lambda: services.restore_meeting(meeting, form.reason.data, current_user,
                                                          accept_warnings=form.accept_warnings.data))
        if tried.result is not None:
            flash(_("The meeting is restored."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        form.reason.errors = list(tried.fields.values())
    return render_template("meetings/restore.html", form=form, meeting=meeting, refusal=tried.refusal,
                           warnings=tried.warnings)


@bp.route("/<int:meeting_id>/duplicate", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def duplicate(meeting_id):
    meeting = _bookable(meeting_id)
    form = DuplicateForm()
    tried = Attempt()

    def copy_to_the_day():
        try:
            day = parse_day(form.date.data)
        except (TypeError, ValueError):
            raise ValidationError({"date": _("Not a date (use dd/mm/yyyy).")}) from None
        return services.duplicate_meeting(meeting, day, current_user, accept_warnings=form.accept_warnings.data)

    if form.validate_on_submit():
        tried = _attempt(copy_to_the_day)
        if tried.result is not None:
            flash(_("The meeting is copied."), "success")
            from meetingsvc.online.services import points_left_out

            day = to_local(tried.result.start_at).date()
            left_out = points_left_out(meeting, day)
            if left_out:
                flash(_("Bridge points not copied, their units do not exist on %(day)s: %(names)s.",
                        day=format_day(day), names=", ".join(left_out.values())), "warning")
            return redirect(url_for("meetings.detail", meeting_id=tried.result.id))
        form.date.errors = list(tried.fields.values())
    return render_template("meetings/duplicate.html", form=form, meeting=meeting, refusal=tried.refusal,
                           warnings=tried.warnings)


def _lookup_query():
    query = request.args.get("q", "")[:100]
    if text_error(query):
        abort(400, description=text_error(query))
    return query


@bp.route("/lookup/people")
@roles_required(*BOOKING_ROLES)
def lookup_people():
    rows = db.session.scalars(
        sa.select(Person).where(Person.is_active.is_(True), words_clause(Person.search_text, _lookup_query()))
        .order_by(sa.func.coalesce(Person.leader_rank, 999), Person.full_name).limit(LOOKUP_LIMIT)
    ).all()
    return jsonify([{"id": p.id, "label": person_label(p)} for p in rows])


@bp.route("/lookup/units")
@roles_required(*BOOKING_ROLES)
def lookup_units():
    """Units valid on the meeting's day (`date`, dd/mm/yyyy or ISO; today without one), told apart by parent;
    with `groups=1` (inviting units) the saved groups that match too, each with its members of that day."""
    query = _lookup_query()
    try:
        day = parse_day(request.args["date"]) if request.args.get("date", "").strip() else local_today()
    except ValueError:
        day = local_today()  # the form's date is still being typed: offer today's units
    if read_day_error(day):
        day = local_today()
    rows = services.units_on(day, query, limit=LOOKUP_LIMIT)
    # A saved group ("the economic departments") invites its members valid on that day, picked at once.
    groups = [{"group": g.id, "label": _("Group: %(name)s", name=g.name),
               "detail": ngettext("%(num)s unit", "%(num)s units", len(units)),
               "units": [{"id": u.id, "label": u.name} for u in units]}
              for g, units in services.groups_on(day, query, limit=5)] if request.args.get("groups") else []
    return jsonify(groups + [{"id": u.id, "label": u.name, "detail": unit_label(u)[len(u.name):].lstrip(" —")}
                             for u in rows])


@bp.route("/availability", endpoint="availability")
def availability_page():
    form = AvailabilityForm(request.args).load_choices()
    slots, general = None, []
    if request.args:
        errors = {name: field.process_errors[0] for name, field in form._fields.items() if field.process_errors}
        duration = None
        try:
            hours, _sep, minutes = (form.duration.data or "").strip().replace("h", ":").partition(":")
            duration = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
        except (ValueError, OverflowError):
            errors["duration"] = _("Write the duration as 1:30 or 1h30.")
        min_capacity = (form.min_capacity.data or "").strip() or None
        if min_capacity and not min_capacity.isdigit():
            errors["min_capacity"] = _("A whole number of at least 1.")
        room_id = form.room_id.data if (form.room_id.data or "").isdigit() else None
        try:
            if errors:
                raise ValidationError(errors)
            first = form.first_day.data or local_today() + timedelta(days=1)
            last = form.last_day.data or min(first, READ_LAST_DAY - timedelta(days=13)) + timedelta(days=13)
            slots = availability.find_slots(
                [int(i) for i in form.leader_ids.data or [] if str(i).isdigit()], duration, first, last,
                room_id=int(room_id) if room_id else None,
                min_capacity=int(min_capacity) if min_capacity else None)
        except ValidationError as exc:
            for name, message in exc.fields.items():
                field = getattr(form, name, None)
                if field is None:
                    general.append(message)
                else:
                    field.errors = [message]
    leader_ids = [i for i in form.leader_ids.data or [] if str(i).isdigit()]
    return render_template("meetings/availability.html", form=form, slots=slots, general=general,
                           chair_id=leader_ids[0] if leader_ids else "", co_chair_ids=leader_ids[1:])


from meetingsvc.meetings import schedule_views  # noqa: E402,F401  (its routes live on this blueprint)
