"""What a user is shown of a meeting: the meeting itself, or a busy slot with nothing secret in it."""

from flask_babel import lazy_gettext as _l

from meetingsvc.core.auth import can_see_meeting

MASKED_TITLE = _l("Meeting (classified content)")


class MaskedMeeting:
    """A classified meeting as a user not cleared for it sees it: its time and the leaders concerned.

    Only the attributes below exist; anything else a template asks for is undefined and renders empty,
    so a new field can never leak through a forgotten mask.
    """

    is_masked = True
    is_classified = True

    def __init__(self, meeting):
        self.id = meeting.id
        self.start_at = meeting.start_at
        self.end_at = meeting.end_at
        self.day_part = meeting.day_part
        self.status = meeting.status
        self.sequence = meeting.sequence
        self.updated_at = meeting.updated_at
        self.chair = meeting.chair
        self.co_chairs = meeting.co_chairs
        self.attending_leaders = meeting.attending_leaders
        self.title = str(MASKED_TITLE)
        self.classification = "classified"
        self.attendees = []
        self.bridge_points = []
        self.room = None
        self.room_id = meeting.room_id  # the room view must still show the room as busy
        self.location = ""
        self.location_label = ""
        self.agenda = ""

    def __repr__(self):
        return f"<MaskedMeeting {self.id}>"


def present(meeting, user):
    """The meeting if `user` may see it, else its busy slot."""
    if can_see_meeting(user, meeting):
        return meeting
    return MaskedMeeting(meeting)
