"""Who may open the feed endpoints (GET). Token feeds need no login: the token in the URL is the key."""

EVERYONE = {"admin", "secretary", "technician", "leader", "viewer"}

ACCESS = {
    "feeds.index": EVERYONE,
    "feeds.meeting_download": EVERYONE,
    "feeds.public_feed": "public",
    "feeds.leader_feed": "public",
    "feeds.room_feed": "public",
    "feeds.unit_feed": "public",
    "feeds.my_feed": "public",
    "feeds.all_feed": "public",
    "api.feeds_list": EVERYONE,
}


def url_values(getfixture) -> dict:
    from meetingsvc.extensions import db
    from meetingsvc.feeds.services import issue_token

    owner = getfixture("create_user")(role="viewer")
    _row, token = issue_token(owner)
    db.session.commit()
    return {"token": token}

# POST/DELETE only (not walked by tests/test_access.py; tested in tests/feeds/test_http.py).
ACCESS.update({
    "feeds.regenerate_token": EVERYONE,
    "feeds.revoke_token": EVERYONE,
    "api.feeds_token_create": EVERYONE,
    "api.feeds_token_revoke": EVERYONE,
})
