"""Form fields every domain uses."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.fields.choices import SelectChoice

from meetingsvc.core.i18n import format_day_input
from meetingsvc.core.time import parse_day


def select_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the options of a select (WTForms 3.4 drops plain tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


class DayField(StringField):
    """A calendar day typed as dd/mm/yyyy (or ISO); `data` is a date, or None when empty.

    What was typed is kept and shown again when it is not a day, with the error beside it.
    """

    def process_formdata(self, valuelist):
        self.raw_data = valuelist
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if text:
            try:
                self.data = parse_day(text)
            except ValueError:
                raise ValueError(_l("Not a date (use dd/mm/yyyy).")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_day_input(self.data)
