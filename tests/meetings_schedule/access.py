"""Who may open the weekly schedule, room view, search and the public page (GET), walked by tests/test_access.py."""

EVERYONE = {"admin", "secretary", "technician", "leader", "viewer"}

ACCESS = {
    "meetings.week": EVERYONE,
    "meetings.publish_week": {"admin", "secretary"},  # POST only; checked in test_publish.py
    "meetings.public_week": "public",
    "meetings.rooms_view": EVERYONE,
    "meetings.search": EVERYONE,
}
