"""Booking forms. They only carry what was typed; the rules (and the messages) live in services/validation."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.fields.choices import SelectChoice

from meetingsvc.auth.models import CLASSIFICATIONS
from meetingsvc.core.forms import DayField, select_choices
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import DAY_PARTS, KINDS, MODES

WEEKDAYS = [("0", _l("Mon")), ("1", _l("Tue")), ("2", _l("Wed")), ("3", _l("Thu")), ("4", _l("Fri")),
            ("5", _l("Sat")), ("6", _l("Sun"))]


def _leaders(keep_ids=()):
    """Active leaders in rank order, and the people in `keep_ids` (already on the meeting) even if they are not."""
    keep_ids = [i for i in keep_ids if i]
    condition = sa.and_(Person.is_leader.is_(True), Person.is_active.is_(True))
    if keep_ids:
        condition = sa.or_(condition, Person.id.in_(keep_ids))
    people = db.session.scalars(sa.select(Person).where(condition)
                                .order_by(sa.func.coalesce(Person.leader_rank, 999), Person.full_name)).all()
    return [SelectChoice(str(p.id), p.label if p.is_active else _l("%(name)s (no longer active)", name=p.label))
            for p in people]


def _rooms(keep_id=None, label=lambda r: r.name):
    condition = sa.and_(Room.is_active.is_(True), Room.is_bookable.is_(True))
    if keep_id:
        condition = sa.or_(condition, Room.id == keep_id)
    rooms = db.session.scalars(sa.select(Room).where(condition).order_by(Room.name)).all()
    return [SelectChoice(str(r.id), label(r) if r.is_active and r.is_bookable else
                         _l("%(name)s (no longer bookable)", name=label(r))) for r in rooms]


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):  # ids are checked by the service, with a message it can name
        pass


class IdListField(SelectMultipleField):
    """Ids posted by the autocomplete (several inputs of one name); labels are looked up for redisplay."""

    def pre_validate(self, form):
        pass

    def process_formdata(self, valuelist):
        self.data = [v for v in valuelist if v.strip()]


class MeetingForm(FlaskForm):
    title = StringField(_l("Title (content)"))
    kind = SelectField(_l("Kind"), validate_choice=False, choices=select_choices(KINDS.items()), default="work_resolution")
    date = StringField(_l("Date"))
    end_date = StringField(_l("Last day (meetings over several days)"))
    start = StringField(_l("Start"))
    end = StringField(_l("End"))
    day_part = SelectField(_l("Or a session of the day"), validate_choice=False)
    chair_id = SelectField(_l("Chair"), validate_choice=False)
    co_chair_ids = CheckboxesField(_l("Co-chairs"))
    attending_leader_ids = CheckboxesField(_l("Leaders attending (meeting hosted by another body)"))
    room_id = SelectField(_l("Room"), validate_choice=False)
    location = StringField(_l("Or an external location"))
    attendee_person_ids = IdListField(_l("Attendees: people"))
    attendee_unit_ids = IdListField(_l("Attendees: whole units"))
    preparing_unit_id = IdListField(_l("Preparing unit"))
    agenda = TextAreaField(_l("Meeting agenda"))
    classification = SelectField(_l("Classification"), validate_choice=False, choices=select_choices(CLASSIFICATIONS.items()),
                                 default="internal")
    mode = SelectField(_l("Mode"), validate_choice=False, choices=select_choices(MODES.items()), default="in_person")
    status = SelectField(_l("Status"), validate_choice=False,
                         choices=select_choices([("scheduled", _l("Scheduled")), ("draft", _l("Draft"))]), default="scheduled")
    is_urgent = BooleanField(_l("Urgent (ad hoc meeting: no invitation lead time)"))
    repeat_freq = SelectField(_l("Repeat"), validate_choice=False, default="", choices=select_choices([
        ("", _l("Does not repeat")), ("weekly", _l("Every N weeks")), ("monthly", _l("Every N months, same day"))]))
    repeat_interval = StringField(_l("Every"), default="1")
    repeat_weekdays = CheckboxesField(_l("On"), choices=select_choices(WEEKDAYS))
    repeat_until = StringField(_l("Until"))
    repeat_count = StringField(_l("Or number of times"))
    accept_warnings = BooleanField(_l("I have read the warnings and book anyway"))

    GENERAL_ERRORS = ("_", "repeat", "start_at", "end_at", "invitation_sent_at")

    def load_choices(self, meeting=None):
        """The lists to choose from: active leaders and bookable rooms, and what `meeting` already has even if it
        has since been deactivated (an edit keeps it; only newly chosen ones must be active)."""
        keep = [meeting.chair_id] + [link.person_id for link in meeting.leaders] if meeting is not None else []
        leader_choices = _leaders(keep)
        self.chair_id.choices = [SelectChoice("", "—")] + leader_choices
        self.co_chair_ids.choices = leader_choices
        self.attending_leader_ids.choices = leader_choices
        self.room_id.choices = [SelectChoice("", "—")] + _rooms(
            meeting.room_id if meeting is not None else None, label=lambda r: f"{r.location_label} ({r.capacity})")
        self.day_part.choices = [SelectChoice("", _l("(from the times)"))] + select_choices(DAY_PARTS.items())
        return self

    def selected(self, field) -> list:
        """(id, label) of the people or units picked in an autocomplete field, to show them again."""
        ids = [int(v) for v in (field.data or []) if str(v).isdigit()]
        if not ids:
            return []
        model = Person if field.name == "attendee_person_ids" else Unit
        load = selectinload(Unit.parent) if model is Unit else selectinload(Person.unit)
        rows = {r.id: r for r in db.session.scalars(sa.select(model).where(model.id.in_(ids)).options(load))}
        return [(i, person_label(rows[i]) if model is Person else unit_label(rows[i])) if i in rows else (i, f"#{i}")
                for i in ids]

    def to_data(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "title", "kind", "date", "end_date", "start", "end", "day_part", "chair_id", "co_chair_ids",
            "attending_leader_ids", "room_id", "location", "attendee_person_ids", "attendee_unit_ids", "agenda",
            "classification", "mode", "status", "is_urgent")}
        data["preparing_unit_id"] = (self.preparing_unit_id.data or [None])[0]
        if self.repeat_freq.data:
            data["repeat"] = {"freq": self.repeat_freq.data, "interval": self.repeat_interval.data,
                              "weekdays": self.repeat_weekdays.data, "until": self.repeat_until.data,
                              "count": self.repeat_count.data}
        return data

    def fill(self, values: dict):
        """Show a stored meeting (validation.meeting_values) in the form."""
        for name in ("title", "kind", "date", "start", "end", "location", "agenda", "classification", "mode",
                     "is_urgent"):
            getattr(self, name).data = values.get(name)
        self.end_date.data = values["end_date"] if values.get("end_date") != values.get("date") else ""
        self.status.data = values["status"] if values["status"] in ("draft", "scheduled") else "scheduled"
        self.day_part.data = ""
        self.chair_id.data = str(values["chair_id"] or "")
        self.room_id.data = str(values["room_id"] or "")
        for name in ("co_chair_ids", "attending_leader_ids", "attendee_person_ids", "attendee_unit_ids"):
            getattr(self, name).data = [str(i) for i in values[name]]
        self.preparing_unit_id.data = [str(values["preparing_unit_id"])] if values.get("preparing_unit_id") else []
        return self

    def show_errors(self, fields: dict) -> list[str]:
        """Put each service error next to its field; returns those that belong to no field."""
        general = []
        aliases = {"end_at": "end", "start_at": "start"}
        for name, message in fields.items():
            target = getattr(self, aliases.get(name, name), None)
            if target is None or name in ("_", "repeat"):
                general.append(message)
                continue
            target.errors = list(target.errors) + [message]
        return general


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))
    scope = SelectField(_l("Which meetings"), validate_choice=False, default="one", choices=select_choices([
        ("one", _l("Only this meeting")), ("following", _l("This and all later meetings of the series"))]))


class PostponeForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))
    date = StringField(_l("New date"))
    start = StringField(_l("New start"))
    end = StringField(_l("New end"))
    accept_warnings = BooleanField(_l("I have read the warnings and book anyway"))


class RestoreForm(FlaskForm):
    reason = TextAreaField(_l("Reason"))
    accept_warnings = BooleanField(_l("I have read the warnings and book anyway"))


class DuplicateForm(FlaskForm):
    date = StringField(_l("New date"))
    accept_warnings = BooleanField(_l("I have read the warnings and book anyway"))


class AvailabilityForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    leader_ids = CheckboxesField(_l("Leaders"))
    room_id = SelectField(_l("Room"), validate_choice=False)
    min_capacity = StringField(_l("Or any room with at least this many seats"))
    duration = StringField(_l("Duration (hours:minutes)"), default="1:00")
    first_day = DayField(_l("From"))
    last_day = DayField(_l("To"))

    def load_choices(self):
        self.leader_ids.choices = _leaders()
        self.room_id.choices = [SelectChoice("", "—")] + _rooms(label=lambda r: f"{r.name} ({r.capacity})")
        return self


def person_label(person) -> str:
    """A person as the pickers show them: 'Chuyên viên Lê Văn A — Sở Nội vụ'."""
    return f"{person.label} — {person.unit.name}" if person.unit else person.label


def unit_label(unit) -> str:
    """A unit as the pickers show it, told apart from its namesakes: 'Sở Nội vụ — UBND Thành phố Hà Nội (01.SNV)'."""
    parent = f" — {unit.parent.name}" if unit.parent is not None else ""
    return f"{unit.name}{parent} ({unit.code})"
