"""Who may open the booking pages and the meetings API (GET); see tests/test_access.py."""

EVERYONE = {"admin", "secretary", "technician", "leader", "viewer"}
BOOKING = {"admin", "secretary"}

ACCESS = {
    "meetings.new": BOOKING,
    "meetings.edit": BOOKING,
    "meetings.cancel": BOOKING,
    "meetings.postpone": BOOKING,
    "meetings.duplicate": BOOKING,
    "meetings.restore": BOOKING,
    "meetings.lookup_people": BOOKING,
    "meetings.lookup_units": BOOKING,
    "meetings.availability": EVERYONE,
    "api.meetings_list": EVERYONE,
    "api.meetings_get": EVERYONE,
    "api.availability": EVERYONE,
    # not GET: listed so that every endpoint has a rule; their role checks are in test_api.py
    "api.meetings_create": BOOKING,
    "api.meetings_update": BOOKING,
    "api.meetings_cancel": BOOKING,
    "api.meetings_restore": BOOKING,
}
