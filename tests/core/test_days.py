"""Days are typed and shown as dd/mm/yyyy; links, the API and the CLI write ISO; both are read alike."""

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from meetingsvc.core.forms import DayField
from meetingsvc.core.i18n import format_day_input
from meetingsvc.core.time import parse_day


@pytest.mark.parametrize("text", ["01/12/2026", "1/12/2026", " 01.12.2026 ", "01-12-2026", "2026-12-01"])
def test_a_day_is_read_as_the_office_writes_it_or_in_iso(text):
    assert parse_day(text) == date(2026, 12, 1)


@pytest.mark.parametrize("text", ["31/02/2026", "12/31/2026", "2026-13-01", "1 tháng 12", "", "01/12/26"])
def test_what_is_not_a_day_is_refused(text):
    with pytest.raises(ValueError):
        parse_day(text)


def test_a_date_input_shows_dd_mm_yyyy_and_keeps_what_was_typed_otherwise():
    assert format_day_input(date(2026, 1, 5)) == "05/01/2026"
    assert format_day_input("2026-01-05") == "05/01/2026"
    assert format_day_input("31/02/2026") == "31/02/2026"
    assert format_day_input(None) == ""


class _DayForm(Form):
    day = DayField()


def test_the_day_field_reads_a_date_and_names_a_bad_one(app):
    with app.test_request_context():
        form = _DayForm(MultiDict({"day": "05/01/2026"}))
        assert form.validate() and form.day.data == date(2026, 1, 5)
        form = _DayForm(MultiDict({"day": "31/02/2026"}))
        assert not form.validate()
        assert form.day.errors == ["Ngày không hợp lệ (dạng dd/mm/yyyy)."]
        assert form.day._value() == "31/02/2026"
        assert _DayForm(data={"day": date(2026, 1, 5)}).day._value() == "05/01/2026"
