"""The language switch in the header: a signed-in user's choice is their account's, kept at the next sign-in."""

from meetingsvc.auth.models import User
from meetingsvc.core.audit import history
from meetingsvc.extensions import db
from tests.helpers import login


def test_the_language_picked_when_signed_in_is_kept_at_the_next_sign_in(client, login_as):
    user = login_as("secretary")
    client.post("/language/en", data={"next": "/"})
    client.post("/logout")
    login(client, user)
    assert "Dashboard" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    account = db.session.get(User, user.id)
    assert account.language == "en"
    entry = history(account)[0]
    assert entry.before["language"] == "vi" and entry.after["language"] == "en" and entry.user_id == user.id


def test_a_language_picked_on_the_sign_in_page_holds_for_the_session_only(client, create_user):
    user = create_user(role="viewer")
    client.post("/language/en", data={"next": "/login"})
    login(client, user)
    assert "Dashboard" in client.get("/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).language == "vi" and history(db.session.get(User, user.id)) == []


def test_picking_the_language_already_set_writes_nothing(client, login_as):
    user = login_as("viewer")
    client.post("/language/vi", data={"next": "/"})
    db.session.expire_all()
    assert history(db.session.get(User, user.id)) == []
