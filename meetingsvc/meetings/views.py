"""Meeting pages: the meeting, booking (new, edit, cancel, postpone, duplicate), lookups, the free-slot finder."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meetingsvc.core.audit import history
from meetingsvc.core.auth import BOOKING_ROLES, can_see_meeting, roles_required
from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.core.text import matches_all
from meetingsvc.core.time import local_today, parse_day
from meetingsvc.directory.models import Person, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings import availability, services
from meetingsvc.meetings.conflicts import WarningsNotAccepted
from meetingsvc.meetings.forms import AvailabilityForm, DuplicateForm, MeetingForm, PostponeForm, ReasonForm
from meetingsvc.meetings.models import Meeting
from meetingsvc.meetings.validation import meeting_values, parse_time
from meetingsvc.meetings.visibility import present

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

LOOKUP_LIMIT = 20
PREFILL = ("date", "start", "end", "room_id", "chair_id", "day_part")


def _bookable(meeting_id) -> Meeting:
    """The meeting a booking page works on: 404 if absent, 403 if the user may not see its content."""
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    if not can_see_meeting(current_user, meeting):
        abort(403)
    return meeting


def _history_labels() -> dict:
    return {
        "title": _("Title"), "kind": _("Kind"), "start": _("Start"), "end": _("End"), "day_part": _("Session"),
        "status": _("Status"), "status_reason": _("Reason"), "room": _("Room"), "location": _("Location"),
        "chair": _("Chair"), "co_chairs": _("Co-chairs"), "attending_leaders": _("Leaders attending"),
        "attendees": _("Attendees"), "preparing_unit": _("Preparing unit"), "classification": _("Classification"),
        "mode": _("Mode"), "is_urgent": _("Urgent"), "agenda": _("Agenda"),
        "create": _("created the meeting"), "update": _("changed the meeting"), "cancel": _("cancelled the meeting"),
        "postpone": _("postponed the meeting"), "move": _("moved the meeting"),
        "duplicate": _("copied the meeting"),
    }


@bp.route("/<int:meeting_id>")
def detail(meeting_id):
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    shown = present(meeting, current_user)
    masked = getattr(shown, "is_masked", False)
    return render_template(
        "meetings/detail.html",
        meeting=shown,
        history=[] if masked else history(meeting),
        labels=_history_labels(),
        can_book=not masked and (current_user.role in BOOKING_ROLES),
    )


def _render_form(form, meeting=None, refusal=None, warnings=None, general=None):
    return render_template("meetings/form.html", form=form, meeting=meeting, refusal=refusal, warnings=warnings,
                           general=general or [])


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def new():
    form = MeetingForm().load_choices()
    refusal = warnings = general = None
    if request.method == "GET":
        for name in PREFILL:
            if request.args.get(name):
                getattr(form, name).data = request.args[name]
    elif form.validate_on_submit():
        try:
            meeting = services.create_meeting(form.to_data(), current_user, accept_warnings=form.accept_warnings.data)
        except ValidationError as exc:
            general = form.show_errors(exc.fields)
        except ConflictError as exc:
            refusal = exc
        except WarningsNotAccepted as exc:
            warnings = exc.issues
        else:
            flash(_("The meeting is booked."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return _render_form(form, refusal=refusal, warnings=warnings, general=general)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def edit(meeting_id):
    meeting = _bookable(meeting_id)
    form = MeetingForm().load_choices()
    refusal = warnings = general = None
    if request.method == "GET":
        form.fill(meeting_values(meeting))
    elif form.validate_on_submit():
        data = form.to_data()
        data.pop("repeat", None)
        if meeting.status not in ("draft", "scheduled"):
            data.pop("status")  # held, postponed or cancelled stay so; postpone/move reschedules
        try:
            services.update_meeting(meeting, data, current_user, accept_warnings=form.accept_warnings.data)
        except ValidationError as exc:
            general = form.show_errors(exc.fields)
        except ConflictError as exc:
            refusal = exc
        except WarningsNotAccepted as exc:
            warnings = exc.issues
        else:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return _render_form(form, meeting=meeting, refusal=refusal, warnings=warnings, general=general)


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
    refusal = warnings = None
    if form.validate_on_submit():
        try:
            new_start = new_end = None
            if form.date.data or form.start.data or form.end.data:
                errors = {}
                try:
                    day = parse_day(form.date.data)
                except (TypeError, ValueError):
                    errors["date"] = _("Not a date (use dd/mm/yyyy).")
                for name in ("start", "end"):
                    try:
                        parse_time(getattr(form, name).data)
                    except (TypeError, ValueError):
                        errors[name] = _("Not a time (24-hour, e.g. 08:30 or 8h30).")
                if errors:
                    raise ValidationError(errors)
                new_start = services.local_instant(day, form.start.data)
                new_end = services.local_instant(day, form.end.data)
            services.postpone_meeting(meeting, form.reason.data, current_user, new_start, new_end,
                                      accept_warnings=form.accept_warnings.data)
        except ValidationError as exc:
            for name, message in exc.fields.items():
                target = getattr(form, {"start_at": "start", "end_at": "end"}.get(name, name), None) or form.reason
                target.errors = list(target.errors) + [message]
        except ConflictError as exc:
            refusal = exc
        except WarningsNotAccepted as exc:
            warnings = exc.issues
        else:
            flash(_("The meeting is postponed."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/postpone.html", form=form, meeting=meeting, refusal=refusal, warnings=warnings)


@bp.route("/<int:meeting_id>/duplicate", methods=["GET", "POST"])
@roles_required(*BOOKING_ROLES)
def duplicate(meeting_id):
    meeting = _bookable(meeting_id)
    form = DuplicateForm()
    refusal = warnings = None
    if form.validate_on_submit():
        try:
            try:
                day = parse_day(form.date.data)
            except (TypeError, ValueError):
                raise ValidationError({"date": _("Not a date (use dd/mm/yyyy).")}) from None
            copy = services.duplicate_meeting(meeting, day, current_user, accept_warnings=form.accept_warnings.data)
        except ValidationError as exc:
            form.date.errors = list(exc.fields.values())
        except ConflictError as exc:
            refusal = exc
        except WarningsNotAccepted as exc:
            warnings = exc.issues
        else:
            flash(_("The meeting is copied."), "success")
            return redirect(url_for("meetings.detail", meeting_id=copy.id))
    return render_template("meetings/duplicate.html", form=form, meeting=meeting, refusal=refusal,
                           warnings=warnings)


def _lookup(model, label):
    query = request.args.get("q", "")[:100]
    rows = db.session.scalars(
        sa.select(model).where(model.is_active.is_(True), matches_all(model.search_text, query))
        .order_by(*([model.sort_order] if model is Unit else [sa.func.coalesce(model.leader_rank, 999)]),
                  model.name if model is Unit else model.full_name)
        .limit(LOOKUP_LIMIT)
    ).all()
    return jsonify([{"id": row.id, "label": label(row)} for row in rows])


@bp.route("/lookup/people")
@roles_required(*BOOKING_ROLES)
def lookup_people():
    return _lookup(Person, lambda p: f"{p.label} — {p.unit.name}" if p.unit else p.label)


@bp.route("/lookup/units")
@roles_required(*BOOKING_ROLES)
def lookup_units():
    return _lookup(Unit, lambda u: u.name)


@bp.route("/availability", endpoint="availability")
def availability_page():
    form = AvailabilityForm(request.args).load_choices()
    slots, general = None, []
    if request.args:
        errors = {}
        try:
            hours, _sep, minutes = (form.duration.data or "").replace("h", ":").partition(":")
            duration = timedelta(hours=int(hours or 0), minutes=int(minutes or 0))
        except ValueError:
            errors["duration"] = _("Write the duration as 1:30 or 1h30.")
        days = {}
        for name in ("first_day", "last_day"):
            try:
                days[name] = parse_day(getattr(form, name).data) if getattr(form, name).data else (
                    local_today() + timedelta(days=1 if name == "first_day" else 14))
            except (TypeError, ValueError):
                errors[name] = _("Not a date (use dd/mm/yyyy).")
        min_capacity = form.min_capacity.data or None
        if min_capacity and not str(min_capacity).isdigit():
            errors["min_capacity"] = _("A whole number of at least 1.")
        try:
            if errors:
                raise ValidationError(errors)
            slots = availability.find_slots(
                [int(i) for i in form.leader_ids.data or [] if str(i).isdigit()], duration, days["first_day"],
                days["last_day"], room_id=int(form.room_id.data) if (form.room_id.data or "").isdigit() else None,
                min_capacity=int(min_capacity) if min_capacity else None)
        except ValidationError as exc:
            for name, message in exc.fields.items():
                field = getattr(form, name, None)
                if field is None:
                    general.append(message)
                else:
                    field.errors = [message]
    return render_template("meetings/availability.html", form=form, slots=slots, general=general,
                           leader_ids=form.leader_ids.data or [])


from meetingsvc.meetings import schedule_views  # noqa: E402,F401  (its routes live on this blueprint)
