"""The report's choices besides the period, and who the report is for.

- `units`: group meetings by preparing unit "now" (the unit the stored one has become after mergers: Sở Giao
  thông vận tải's meetings under Sở Xây dựng) or "then" (the unit stored on the meeting, as it was).
- `attended`: whether meetings the Chairman and Vice Chairmen only attended ("dự": none of them chairs or
  co-chairs, e.g. a Party conference) count in the total the Office advised to hold. Default: they do not
  (domain.md §6); they are counted apart either way.

`Viewer` is the user the figures are for. A user not cleared for some classified meetings (the rule of
core.auth.can_see_meeting: clearance at that level, or involved in the meeting) gets those meetings counted by
their time and leaders only: see services for which figures keep them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from meetingsvc.auth.models import SECRET_LEVELS, classification_rank
from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader
from meetingsvc.reports.periods import PeriodError

UNIT_GROUPINGS = {"now": _l("as it is now (after mergers)"), "then": _l("as it was (the unit stored on the meeting)")}
ATTENDED_CHOICES = {"exclude": _l("not counted in the total (counted apart)"),
                    "include": _l("counted in the total")}


@dataclass(frozen=True)
class Options:
    units: str = "now"
    attended: str = "exclude"

    @property
    def include_attended(self) -> bool:
        return self.attended == "include"

    def query_args(self) -> dict:
        """Only what differs from the defaults, so that links stay short."""
        args = {}
        if self.units != "now":
            args["units"] = self.units
        if self.attended != "exclude":
            args["attended"] = self.attended
        return args

    def as_dict(self) -> dict:
        return {"units": self.units, "attended": self.attended}


def options_from_args(args) -> Options:
    codes = {}
    units = str(args.get("units") or "now").strip()
    attended = str(args.get("attended") or "exclude").strip()
    if units not in UNIT_GROUPINGS:
        codes["units"] = "unknown_option"
    if attended not in ATTENDED_CHOICES:
        codes["attended"] = "unknown_option"
    if codes:
        raise PeriodError(codes)
    return Options(units, attended)


@dataclass(frozen=True)
class Viewer:
    """Whom the figures are for: the classification levels they are not cleared for, and their person."""

    hidden_levels: tuple[str, ...] = ()
    person_id: int | None = None

    @classmethod
    def of(cls, user) -> Viewer:
        clearance = getattr(user, "clearance", None) or "public"
        rank = classification_rank(clearance)
        hidden = tuple(level for level in SECRET_LEVELS if classification_rank(level) > rank)
        return cls(hidden, getattr(user, "person_id", None))

    @classmethod
    def office(cls) -> Viewer:
        """The office itself (the CLI, run by the server's operator): every meeting in full."""
        return cls()

    @property
    def sees_everything(self) -> bool:
        return not self.hidden_levels

    def visible(self):
        """SQL: the meeting's details may be shown (the same rule as core.auth.can_see_meeting)."""
        if self.sees_everything:
            return sa.true()
        condition = Meeting.classification.not_in(self.hidden_levels)
        if self.person_id is None:
            return condition
        pid = self.person_id
        link, attendee = aliased(MeetingLeader), aliased(Attendee)
        involved = sa.or_(
            Meeting.chair_id == pid,
            sa.exists().where(link.meeting_id == Meeting.id, link.person_id == pid),
            sa.exists().where(attendee.meeting_id == Meeting.id, attendee.person_id == pid),
        )
        return sa.or_(condition, involved)
