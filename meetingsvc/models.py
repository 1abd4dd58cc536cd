"""Every model, imported once so that the metadata (and Alembic) sees the whole schema."""

from meetingsvc.auth.models import ApiToken, LoginAttempt, User
from meetingsvc.core.audit import AuditEntry
from meetingsvc.core.workdays import CalendarDay
from meetingsvc.directory.models import Person, Room, Unit, UnitGroup
from meetingsvc.feeds.models import FeedToken
from meetingsvc.meetings.models import Attendee, Meeting, MeetingLeader, MeetingSeries, ScheduleRevision
from meetingsvc.online.models import BridgePoint

__all__ = [
    "ApiToken", "Attendee", "AuditEntry", "BridgePoint", "CalendarDay", "FeedToken", "LoginAttempt", "Meeting",
    "MeetingLeader", "MeetingSeries", "Person", "Room", "ScheduleRevision", "Unit", "UnitGroup", "User",
]
