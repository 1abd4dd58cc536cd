"""Meeting rules: queries, booking, conflicts. Callable without HTTP."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from meetingsvc.extensions import db
from meetingsvc.meetings.models import Meeting, MeetingLeader
from meetingsvc.meetings.visibility import present


def meetings_between(start_at, end_at, *, person_id=None, room_id=None, statuses=None):
    """Meetings overlapping [start_at, end_at), ordered by start."""
    query = (
        sa.select(Meeting)
        .where(Meeting.start_at < end_at, Meeting.end_at > start_at)
        .order_by(Meeting.start_at, Meeting.id)
        .options(selectinload(Meeting.leaders), selectinload(Meeting.attendees))
    )
    if statuses:
        query = query.where(Meeting.status.in_(statuses))
    if room_id is not None:
        query = query.where(Meeting.room_id == room_id)
    if person_id is not None:
        led = sa.select(MeetingLeader.meeting_id).where(MeetingLeader.person_id == person_id)
        query = query.where(sa.or_(Meeting.chair_id == person_id, Meeting.id.in_(led)))
    return db.session.scalars(query).unique().all()


def dashboard_meetings(user, today_bounds, week_bounds):
    """Today's and this week's meetings of the user's leader (or of all leaders), and rooms in use today."""
    person_id = user.person_id if user.role == "leader" and user.person_id else None
    shown = ("draft", "scheduled", "held", "postponed") if user.role in ("admin", "secretary") else (
        "scheduled", "held", "postponed")
    week = [present(m, user) for m in meetings_between(*week_bounds, person_id=person_id, statuses=shown)]
    today = [m for m in week if m.start_at < today_bounds[1] and m.end_at > today_bounds[0]]
    rooms_today = sorted({m.room.name for m in today if getattr(m, "room", None)})
    return today, week, rooms_today
