"""Forms of the online pages. The rules are checked again in online.services (the API shares them)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from meetingsvc.meetings.models import MODES
from meetingsvc.online.models import CONNECTION_STATUSES, MAX_PARTICIPANTS_PER_POINT


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


PARTICIPANTS = [Optional(), NumberRange(min=0, max=MAX_PARTICIPANTS_PER_POINT,
                                        message=_l("Between 0 and %(max)s.", max=MAX_PARTICIPANTS_PER_POINT))]


class LinkForm(FlaskForm):
    mode = SelectField(_l("Mode"), choices=choices(MODES.items()))
    online_provider = StringField(_l("Provider"), filters=[lambda v: (v or "").strip()])
    join_url = StringField(_l("Join URL"), filters=[lambda v: (v or "").strip()])
    online_meeting_code = StringField(_l("Meeting ID"))
    passcode = StringField(_l("Passcode"))
    dial_in = StringField(_l("Dial-in"))
    is_relayed = BooleanField(_l("Relayed from another body's system"))
    origin_network = StringField(_l("Origin network"))


class PointForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False)
    site_name = StringField(_l("Or a named site"))
    is_host = BooleanField(_l("Host point"))
    address = StringField(_l("Room / address"))
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Contact phone"))
    planned_participants = IntegerField(_l("Planned participants"), validators=PARTICIPANTS)


class PointEditForm(FlaskForm):
    site_name = StringField(_l("Site name"))
    is_host = BooleanField(_l("Host point"))
    address = StringField(_l("Room / address"))
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Contact phone"))
    planned_participants = IntegerField(_l("Planned participants"), validators=PARTICIPANTS)
    actual_participants = IntegerField(_l("Actual participants"), validators=PARTICIPANTS)
    connection_status = SelectField(_l("Connection check"), choices=choices(CONNECTION_STATUSES.items()))
    connection_note = StringField(_l("Note"))


class BulkForm(FlaskForm):
    selection = SelectField(_l("Add"), choices=[], validate_choice=False)
    parent_id = SelectField(_l("Of unit"), choices=[], validate_choice=False)
    planned_participants = IntegerField(_l("Planned participants per point"), validators=PARTICIPANTS)


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
