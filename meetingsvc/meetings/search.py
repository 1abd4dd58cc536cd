"""Finding meetings: words in the title or agenda (with or without diacritics), person, unit, room, kind, status
and dates.

A classified meeting the user may not see is matched only by what its busy slot shows anyway (its time, its
status and its leaders), never by its words, attendees, units, room or kind, and it is shown masked.
"""

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload
from wtforms import Form, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from meetingsvc.auth.models import SECRET_LEVELS, classification_rank
from meetingsvc.core.forms import DayField
from meetingsvc.core.text import fold, like_pattern
from meetingsvc.core.time import local_day_bounds
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from meetingsvc.meetings.models import KINDS, STATUSES, Attendee, Meeting, MeetingLeader
from meetingsvc.meetings.validation import READ_FIRST_DAY, READ_LAST_DAY, read_day_error, text_error
from meetingsvc.meetings.visibility import present

PER_PAGE = 25
_WORD = re.compile(r"\w+")


def search_terms(query: str | None) -> list[str]:
    """The folded words of a query: 'Giải phóng mặt-bằng' -> ['giai', 'phong', 'mat', 'bang']."""
    return _WORD.findall(fold(query))


def words_clause(column, query: str | None):
    """SQL condition: every word of the query starts a word of the folded `column`.

    'bi mat' finds 'bí mật' but not 'giải phóng mặt bằng' (no word starts with 'bi'); a single character
    must be a whole word ('4' finds 'Vành đai 4', 'd' does not find every meeting with a d in it).
    """
    terms = search_terms(query)
    if not terms:
        return sa.true()
    padded = sa.literal(" ", sa.String) + column + sa.literal(" ", sa.String)
    clauses = []
    for term in terms:
        word = like_pattern(term)[1:-1]  # escaped, without the surrounding %
        clauses.append(padded.like(f"% {word} %" if len(term) == 1 else f"% {word}%", escape="\\"))
    return sa.and_(*clauses)


class WholeNumberField(IntegerField):
    """An integer field whose error is in the page's language."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0])
            except ValueError:
                raise ValueError(_l("A whole number.")) from None


def _typed_text(_form, field):
    problem = field.data and text_error(field.data)
    if problem:
        raise ValidationError(problem)


def _readable_day(_form, field):
    problem = field.data and read_day_error(field.data)
    if problem:
        raise ValidationError(problem)


def _at_most(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


class SearchForm(Form):
    """Read from the query string (GET), so no CSRF token: searching changes nothing."""

    q = StringField(_l("Words in the title or agenda"), validators=[Optional(), _at_most(200), _typed_text])
    person = StringField(_l("Person"), validators=[Optional(), _at_most(120), _typed_text])
    unit = StringField(_l("Unit"), validators=[Optional(), _at_most(200), _typed_text])
    room = SelectField(_l("Room"), coerce=lambda v: int(v) if v not in (None, "", "None") else None,
                       validators=[Optional()], validate_choice=False)
    kind = SelectField(_l("Kind"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)
    date_from = DayField(_l("From"), validators=[Optional(), _readable_day])
    date_to = DayField(_l("To"), validators=[Optional(), _readable_day])
    page = WholeNumberField(validators=[Optional(), NumberRange(min=1, max=100000,
                                                                message=_l("From %(min)s to %(max)s."))])

    def __init__(self, formdata, rooms):
        super().__init__(formdata)
        self.room.choices = [SelectChoice("", _l("Any room"))] + [SelectChoice(r.id, r.name) for r in rooms]
        self.kind.choices = [SelectChoice("", _l("Any kind"))] + [SelectChoice(k, v) for k, v in KINDS.items()]
        self.status.choices = [SelectChoice("", _l("Any status"))] + [SelectChoice(k, v)
                                                                       for k, v in STATUSES.items()]

    def validate_room(self, field):
        if field.data is not None and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a room from the list."))

    def validate_kind(self, field):
        if field.data and field.data not in KINDS:
            raise ValidationError(_l("Choose a kind from the list."))

    def validate_status(self, field):
        if field.data and field.data not in STATUSES:
            raise ValidationError(_l("Choose a status from the list."))

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end of the range is before its start."))


@dataclass
class Criteria:
    words: str = ""
    person: str = ""
    unit: str = ""
    room_id: int | None = None
    kind: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_form(cls, form: SearchForm) -> "Criteria":
        return cls(words=form.q.data or "", person=form.person.data or "", unit=form.unit.data or "",
                   room_id=form.room.data, kind=form.kind.data or "", status=form.status.data or "",
                   date_from=form.date_from.data, date_to=form.date_to.data)

    @property
    def is_empty(self) -> bool:
        return not any((search_terms(self.words), search_terms(self.person), search_terms(self.unit), self.room_id,
                        self.kind, self.status, self.date_from, self.date_to))


def visible_clause(user):
    """SQL form of core.auth.can_see_meeting: which meetings `user` may see in full."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Meeting.classification == "public"
    clauses = [Meeting.classification.notin_(SECRET_LEVELS)]
    cleared = [level for level in SECRET_LEVELS if classification_rank(level) <= classification_rank(user.clearance)]
    if cleared:
        clauses.append(Meeting.classification.in_(cleared))
    if user.person_id:
        clauses.append(Meeting.id.in_(_person_meetings([user.person_id], leaders_only=False)))
    return sa.or_(*clauses)


def _person_meetings(person_ids, *, leaders_only: bool):
    """Meeting ids where one of `person_ids` chairs, co-chairs or attends as a leader (or is invited)."""
    chaired = sa.select(Meeting.id).where(Meeting.chair_id.in_(person_ids))
    led = sa.select(MeetingLeader.meeting_id).where(MeetingLeader.person_id.in_(person_ids))
    if leaders_only:
        return sa.union(chaired, led)
    invited = sa.select(Attendee.meeting_id).where(Attendee.person_id.in_(person_ids))
    return sa.union(chaired, led, invited)


def search_query(criteria: Criteria, user):
    """The SELECT for `criteria` as `user` may search, newest first."""
    shared = []  # conditions a masked meeting may be matched by: time, status, leaders
    full = []  # conditions on what only a user who may see the meeting can know
    if criteria.date_from or criteria.date_to:
        start, end = local_day_bounds(criteria.date_from or READ_FIRST_DAY, criteria.date_to or READ_LAST_DAY)
        shared += [Meeting.start_at < end, Meeting.end_at > start]
    if criteria.status:
        shared.append(Meeting.status == criteria.status)
    hidden_allowed = True
    if search_terms(criteria.person):
        people = sa.select(Person.id).where(words_clause(Person.search_text, criteria.person))
        full.append(Meeting.id.in_(_person_meetings(people, leaders_only=False)))
        hidden_condition = Meeting.id.in_(_person_meetings(people, leaders_only=True))
    else:
        hidden_condition = sa.true()
    if search_terms(criteria.words):
        full.append(words_clause(Meeting.search_text, criteria.words))
        hidden_allowed = False
    if search_terms(criteria.unit):
        units = sa.select(Unit.id).where(words_clause(Unit.search_text, criteria.unit))
        invited = sa.select(Attendee.meeting_id).where(Attendee.unit_id.in_(units))
        full.append(sa.or_(Meeting.preparing_unit_id.in_(units), Meeting.id.in_(invited)))
        hidden_allowed = False
    if criteria.room_id:
        full.append(Meeting.room_id == criteria.room_id)
        hidden_allowed = False
    if criteria.kind:
        full.append(Meeting.kind == criteria.kind)
        hidden_allowed = False
    visible = visible_clause(user)
    scope = sa.and_(visible, *full)
    if hidden_allowed:
        scope = sa.or_(scope, sa.and_(sa.not_(visible), hidden_condition))
    return (
        sa.select(Meeting).where(*shared, scope)
        .order_by(Meeting.start_at.desc(), Meeting.id.desc())
        .options(selectinload(Meeting.leaders), selectinload(Meeting.attendees))
    )


def search_meetings(criteria: Criteria, user, *, page: int = 1, per_page: int = PER_PAGE):
    """A page of results (Flask-SQLAlchemy Pagination) whose items are what `user` may see of each meeting."""
    pagination = db.paginate(search_query(criteria, user), page=page, per_page=per_page, error_out=False)
    pagination.items = [present(m, user) for m in pagination.items]
    return pagination


def bookable_rooms():
    return db.session.scalars(sa.select(Room).where(Room.is_active.is_(True)).order_by(Room.name)).all()
