"""Who may open the directory and user-management pages (GET)."""

ADMIN = {"admin"}
READERS = {"admin", "secretary"}
EVERYONE = {"admin", "secretary", "technician", "leader", "viewer"}

ACCESS = {
    "directory.index": READERS,
    "directory.units": READERS,
    "directory.unit_detail": READERS,
    "directory.history_page": ADMIN,
    "directory.unit_new": ADMIN,
    "directory.unit_edit": ADMIN,
    "directory.unit_move": ADMIN,
    "directory.unit_set_active": ADMIN,
    "directory.people": READERS,
    "directory.person_detail": READERS,
    "directory.person_new": ADMIN,
    "directory.person_edit": ADMIN,
    "directory.person_set_active": ADMIN,
    "directory.rooms": READERS,
    "directory.room_detail": READERS,
    "directory.room_new": ADMIN,
    "directory.room_edit": ADMIN,
    "directory.room_set_active": ADMIN,
    "directory.room_photo": EVERYONE,
    "directory.groups": READERS,
    "directory.group_detail": READERS,
    "directory.group_new": ADMIN,
    "directory.group_edit": ADMIN,
    "directory.group_set_active": ADMIN,
    "directory.import_upload": ADMIN,
    "directory.import_confirm": ADMIN,
    "directory.import_template": ADMIN,
    "users.index": ADMIN,
    "users.new": ADMIN,
    "users.edit": ADMIN,
    "users.reset_password": ADMIN,
    "users.set_active": ADMIN,
    "users.tokens": ADMIN,
    "users.revoke_token": ADMIN,
    "api.list_units": EVERYONE,
    "api.get_unit": EVERYONE,
    "api.create_unit": ADMIN,
    "api.patch_unit": ADMIN,
    "api.list_people": EVERYONE,
    "api.get_person": EVERYONE,
    "api.create_person": ADMIN,
    "api.patch_person": ADMIN,
    "api.list_rooms": EVERYONE,
    "api.get_room": EVERYONE,
    "api.create_room": ADMIN,
    "api.patch_room": ADMIN,
    "api.list_unit_groups": EVERYONE,
}


def url_values(getfixture) -> dict:
    from meetingsvc.directory.models import UnitGroup
    from meetingsvc.extensions import db

    photo_room = getfixture("create_room")(photo=PNG, photo_mimetype="image/png")
    unit = getfixture("create_unit")()
    group = UnitGroup(name="Nhóm kiểm tra quyền", units=[unit])
    db.session.add(group)
    db.session.commit()
    user = getfixture("create_user")(role="viewer")
    from meetingsvc.auth.services import create_api_token

    token, _secret = create_api_token(user, "portal")
    db.session.commit()
    return {"room_id": photo_room.id, "group_id": group.id, "user_id": user.id, "token_id": token.id,
            "what": "units", "fmt": "csv"}


# The smallest valid PNG (1x1 pixel).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
