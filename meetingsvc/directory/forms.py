"""Forms of the directory pages. The rules live in services; these carry what was typed and show its errors."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from meetingsvc.core.forms import DayField, select_choices
from meetingsvc.directory.models import LEADER_ROLES, UNIT_KINDS


class UnitForm(FlaskForm):
    code = StringField(_l("Unit code"), validators=[InputRequired(), Length(max=32)])
    name = StringField(_l("Unit name"), validators=[InputRequired(), Length(max=200)])
    short_name = StringField(_l("Short name"), validators=[Length(max=80)])
    kind = SelectField(_l("Unit kind"), choices=select_choices(UNIT_KINDS.items()), validate_choice=False)
    parent_id = SelectField(_l("Parent unit"), choices=[], validate_choice=False)
    valid_from = StringField(_l("Valid from"))
    valid_to = StringField(_l("Valid until"))
    sort_order = StringField(_l("Order"), render_kw={"type": "number"})
    successor_ids = SelectMultipleField(_l("Successors (after a merger or split)"), choices=[], validate_choice=False,
                                        render_kw={"size": 6})

    def service_data(self) -> dict:
        return {
            "code": self.code.data, "name": self.name.data, "short_name": self.short_name.data,
            "kind": self.kind.data, "parent_id": self.parent_id.data or None, "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data, "sort_order": self.sort_order.data,
            "successor_ids": [s for s in (self.successor_ids.data or []) if s],
        }


class MoveForm(FlaskForm):
    parent_id = SelectField(_l("New parent unit"), choices=[], validate_choice=False)


class PersonForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=120)])
    title = StringField(_l("Job title"), validators=[Length(max=160)])
    unit_id = SelectField(_l("Unit they work in"), choices=[], validate_choice=False)
    email = StringField(_l("Email"), validators=[Length(max=254)], render_kw={"type": "email"})
    phone = StringField(_l("Phone"), validators=[Length(max=40)])
    is_leader = BooleanField(_l("Leader of the People's Committee"))
    leader_role = SelectField(_l("Leader role"), choices=select_choices([("", "—"), *LEADER_ROLES.items()]),
                              validate_choice=False)
    leader_rank = StringField(_l("Rank order (1 = first)"), render_kw={"type": "number", "min": 1})

    def service_data(self) -> dict:
        return {
            "full_name": self.full_name.data, "title": self.title.data, "unit_id": self.unit_id.data or None,
            "email": self.email.data, "phone": self.phone.data, "is_leader": self.is_leader.data,
            "leader_role": self.leader_role.data or None, "leader_rank": self.leader_rank.data,
        }


class RoomForm(FlaskForm):
    name = StringField(_l("Room name"), validators=[InputRequired(), Length(max=120)])
    building = StringField(_l("Building"), validators=[Length(max=160)])
    capacity = StringField(_l("Capacity (seats)"), validators=[InputRequired()], render_kw={"type": "number", "min": 1})
    equipment = TextAreaField(_l("Equipment (one item per line)"))
    is_bookable = BooleanField(_l("Can be booked"), default=True)
    photo = FileField(_l("Photo (JPEG, PNG or WebP, at most 2 MB)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    remove_photo = BooleanField(_l("Remove the photo"))

    def service_data(self) -> dict:
        return {"name": self.name.data, "building": self.building.data, "capacity": self.capacity.data,
                "equipment": self.equipment.data or "", "is_bookable": self.is_bookable.data}


class GroupForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[InputRequired(), Length(max=160)])
    description = TextAreaField(_l("Description"))
    unit_ids = SelectMultipleField(_l("Units of the group"), choices=[], validate_choice=False,
                                   render_kw={"size": 14})
    rule_kind = SelectField(_l("Add all units of this kind"),
                            choices=select_choices([("", "—"), *UNIT_KINDS.items()]), validate_choice=False)
    rule_parent_id = SelectField(_l("Add all direct sub-units of"), choices=[], validate_choice=False)
    rule_on_date = DayField(_l("Units valid on"))

    def service_data(self) -> dict:
        return {"name": self.name.data, "description": self.description.data,
                "unit_ids": [u for u in (self.unit_ids.data or []) if u],
                "rule_kind": self.rule_kind.data or None, "rule_parent_id": self.rule_parent_id.data or None,
                "rule_on_date": self.rule_on_date.data}


class ImportForm(FlaskForm):
    what = SelectField(_l("What the file holds"), choices=select_choices([("units", _l("Units")), ("people", _l("People"))]))
    file = FileField(_l("File (CSV or XLSX)"), render_kw={"accept": ".csv,.xlsx"})


class ConfirmImportForm(FlaskForm):
    payload = StringField(render_kw={"type": "hidden"})


def apply_errors(form: FlaskForm, fields: dict) -> list[str]:
    """Put a service's field errors on the form's fields; returns the ones no field shows."""
    leftover = []
    for name, message in fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + [message]
        else:
            leftover.append(message)
    return leftover
