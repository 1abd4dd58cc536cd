"""The weekly work schedule, its publication, the public page, the room view and search (routes on the meetings
blueprint)."""

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from meetingsvc.core.auth import BOOKING_ROLES, public, roles_required
from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.core.time import local_now, local_today, parse_day, week_start
from meetingsvc.meetings import schedule
from meetingsvc.meetings.search import Criteria, SearchForm, bookable_rooms, search_meetings
from meetingsvc.meetings.validation import MAX_ID, read_day_error
from meetingsvc.meetings.views import bp


def _week_from_args() -> date:
    try:
        return schedule.parse_week(request.args.get("week"), request.args.get("date"))
    except ValidationError as exc:
        abort(400, description=" ".join(exc.fields.values()))


def _id_arg(name: str) -> int | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > MAX_ID:
        abort(400, description=_("%(name)s must be a number from the list.", name=name))
    return int(value)


def _day_arg() -> date:
    value = request.args.get("date", "").strip()
    if not value:
        return local_today()
    try:
        day = parse_day(value)
    except ValueError:
        abort(400, description=_("Not a date (use dd/mm/yyyy)."))
    problem = read_day_error(day) or read_day_error(week_start(day) + timedelta(days=6))
    if problem:
        abort(400, description=problem)
    return day


@bp.route("/week")
def week():
    monday = _week_from_args()
    filters = schedule.WeekFilters(_id_arg("leader"), _id_arg("room"), _id_arg("unit"))
    revisions = schedule.revisions_of(monday)
    latest = revisions[-1].revision if revisions else None
    default = "draft" if current_user.role in BOOKING_ROLES or latest is None else "published"
    version = request.args.get("version", default)
    if version not in ("draft", "published"):
        abort(400, description=_("Choose the draft or the published version."))
    revision_number = _id_arg("revision")
    # The user itself, not the proxy: build_week asks it what it may see for each of hundreds of rows.
    view = schedule.build_week(monday, current_user._get_current_object(), version=version, filters=filters,
                               revision_number=revision_number)
    if version == "published" and revision_number is not None and view.revision is None:
        abort(404)
    leaders, rooms, units = schedule.filter_choices(monday, filters.unit_id, selected_leader_id=filters.leader_id,
                                                    selected_room_id=filters.room_id)
    base = {"week": schedule.iso_week(monday), "leader": filters.leader_id, "room": filters.room_id,
            "unit": filters.unit_id, "version": version}

    def week_url(**changes):
        return url_for("meetings.week", **{k: v for k, v in {**base, **changes}.items() if v is not None})

    return render_template(
        "meetings/week.html", view=view, filters=filters, leaders=leaders, rooms=rooms, units=units,
        week_url=week_url, now=local_now(),
        iso_week=schedule.iso_week(monday), previous_week=schedule.iso_week(monday - timedelta(days=7)),
        next_week=schedule.iso_week(monday + timedelta(days=7)), this_week=schedule.iso_week(week_start(local_today())),
        revisions=revisions, latest=latest, can_publish=current_user.role in BOOKING_ROLES,
    )


@bp.route("/week/publish", methods=["POST"])
@roles_required(*BOOKING_ROLES)
def publish_week():
    try:
        monday = schedule.parse_week(request.form.get("week"))
        revision = schedule.publish_week(monday, current_user)
    except schedule.NothingToPublish as exc:
        flash(exc.fields["week"], "warning")
        return redirect(url_for("meetings.week", week=schedule.iso_week(monday), version="draft"))
    except ValidationError as exc:
        abort(400, description=" ".join(exc.fields.values()))
    except ConflictError as exc:
        abort(409, description=exc.message)
    if revision.revision == 0:
        flash(_("The schedule of the week was published."), "success")
    else:
        flash(_("The schedule of the week was published again (revision %(n)s).", n=revision.revision), "success")
    return redirect(url_for("meetings.week", week=schedule.iso_week(monday), version="published"))


@public
def public_week():
    monday = _week_from_args()
    revision, days = schedule.public_week(monday)
    return render_template(
        "meetings/public_week.html", monday=monday, revision=revision, days=days,
        title=schedule.week_label(monday), previous_week=schedule.iso_week(monday - timedelta(days=7)),
        next_week=schedule.iso_week(monday + timedelta(days=7)),
    )


# The public page lives outside /meetings (it is the address the office gives out) but keeps its endpoint name.
bp.record_once(lambda state: state.app.add_url_rule("/schedule/public", "meetings.public_week", public_week))


@bp.route("/rooms")
def rooms_view():
    day = _day_arg()
    span = request.args.get("span", "day")
    if span not in ("day", "week"):
        abort(400, description=_("Choose a day or a week."))
    first, last = (day, day) if span == "day" else (week_start(day), week_start(day) + timedelta(days=6))
    rooms = bookable_rooms()
    room_id = _id_arg("room")
    if room_id is not None:
        rooms = [r for r in rooms if r.id == room_id]
    step = timedelta(days=1 if span == "day" else 7)
    days = schedule.room_days(first, last, current_user._get_current_object(), rooms=rooms)  # not the proxy: see week()
    return render_template(
        "meetings/rooms_view.html", days=days,
        rooms=rooms, all_rooms=bookable_rooms() if room_id is not None else rooms, room_id=room_id, span=span,
        day=day, first=first, last=last, previous=day - step, following=day + step, today=local_today(),
        slots=schedule.grid_slots(), hours=schedule.grid_hours(), slot_minutes=schedule.SLOT_MINUTES,
    )


@bp.route("/search")
def search():
    form = SearchForm(request.args, bookable_rooms())
    results = None
    if form.validate():
        criteria = Criteria.from_form(form)
        if not criteria.is_empty:
            results = search_meetings(criteria, current_user, page=form.page.data or 1)
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("meetings/search.html", form=form, results=results, args=args)
