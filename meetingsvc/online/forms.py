"""Forms of the online pages. The rules are checked again in online.services (the API shares them)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.forms import select_choices
from meetingsvc.meetings.models import MODES
from meetingsvc.online.models import CONNECTION_STATUSES


class ParticipantsField(IntegerField):
    """A number of participants: empty, or a whole number from 0 to MAX_PARTICIPANTS_PER_POINT, checked by the
    service's rule, with ONE translated message when it is not (not WTForms' English "Not a valid integer value."
    beside a range message). What was typed stays in the field."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        from meetingsvc.online.services import check_participants

        try:
            self.data = check_participants(valuelist[0], self.name)
        except ValidationError as exc:
            self.data = None
            raise ValueError(next(iter(exc.fields.values()))) from None


class LinkForm(FlaskForm):
    mode = SelectField(_l("Mode"), choices=select_choices(MODES.items()))
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
    planned_participants = ParticipantsField(_l("Planned participants"))


class PointEditForm(FlaskForm):
    site_name = StringField(_l("Site name"))
    is_host = BooleanField(_l("Host point"))
    address = StringField(_l("Room / address"))
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Contact phone"))
    planned_participants = ParticipantsField(_l("Planned participants"))
    actual_participants = ParticipantsField(_l("Actual participants"))
    connection_status = SelectField(_l("Connection check"), choices=select_choices(CONNECTION_STATUSES.items()))
    connection_note = StringField(_l("Note"))


class BulkForm(FlaskForm):
    """On the same page as PointForm: its own element ids ("bulk-…"), so that each label points at its field."""

    selection = SelectField(_l("Add"), choices=[], validate_choice=False, id="bulk-selection")
    parent_id = SelectField(_l("Of unit"), choices=[], validate_choice=False, id="bulk-parent_id")
    planned_participants = ParticipantsField(_l("Planned participants per point"), id="bulk-planned_participants")


class UploadForm(FlaskForm):
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])
