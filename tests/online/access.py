"""Who may open the online pages (GET); the POST rules are tested in test_views.py."""

EVERYONE = {"admin", "secretary", "technician", "leader", "viewer"}
EDITORS = {"admin", "secretary"}
RECORDERS = {"admin", "secretary", "technician"}

ACCESS = {
    "online.meeting": EVERYONE,
    "online.save_link": EDITORS,
    "online.add_point": EDITORS,
    "online.add_points_bulk": EDITORS,
    "online.remove_points": EDITORS,
    "online.check_point": RECORDERS,
    "online.edit_point": EDITORS,
    "online.attendance": RECORDERS,
    "online.upload": RECORDERS,
    "online.template": RECORDERS,
    "api.online_endpoints": EVERYONE,
    "api.online_endpoint": RECORDERS,
}


def url_values(getfixture) -> dict:
    from meetingsvc.extensions import db
    from meetingsvc.online.models import BridgePoint

    meeting = getfixture("create_meeting")(title="Hội nghị trực tuyến", mode="online", classification="internal",
                                           day=None)
    point = BridgePoint(meeting_id=meeting.id, site_name="Trụ sở UBND", is_host=True)
    db.session.add(point)
    db.session.commit()
    return {"point_id": point.id, "fmt": "xlsx"}
