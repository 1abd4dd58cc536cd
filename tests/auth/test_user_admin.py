"""User management at /users: admins only; roles, clearance, linked person, password reset, deactivation, tokens."""

import re

from meetingsvc.auth.models import ApiToken, User, hash_token
from meetingsvc.core.audit import history
from meetingsvc.extensions import db


def test_only_admins_manage_users(client, login_as, create_user):
    target = create_user(role="viewer")
    login_as("secretary")
    assert client.get("/users/").status_code == 403
    assert client.post(f"/users/{target.id}", data={"role": "admin"}).status_code == 403
    assert client.post(f"/users/{target.id}/tokens", data={"name": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "viewer"
    assert db.session.query(ApiToken).count() == 0


def test_admin_creates_a_user_linked_to_a_person_and_changes_role(client, login_as, create_leader):
    leader = create_leader(full_name="Phạm Quang Lãnh")
    login_as("admin")
    short = client.post("/users/new", data={"username": "pql", "role": "leader", "clearance": "mat",
                                            "language": "vi", "person_id": str(leader.id), "password": "short"})
    assert short.status_code == 400 and db.session.query(User).filter_by(username="pql").count() == 0
    made = client.post("/users/new", data={"username": "PQL", "display_name": "Anh Lãnh", "role": "leader",
                                           "clearance": "mat", "language": "en", "person_id": str(leader.id),
                                           "password": "a long password"})
    assert made.status_code == 302
    user = db.session.query(User).filter_by(username="pql").one()
    assert (user.person_id, user.clearance, user.language) == (leader.id, "mat", "en")
    dup = client.post("/users/new", data={"username": "pql", "role": "viewer", "password": "a long password"})
    assert dup.status_code == 400
    client.post(f"/users/{user.id}", data={"role": "secretary", "clearance": "internal", "language": "vi",
                                           "person_id": ""})
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.role == "secretary" and user.person_id is None
    entry = history(user)[0]
    assert entry.before["role"] == "leader" and entry.after["role"] == "secretary"
    assert "password_hash" not in (entry.after or {})


def test_reset_password_and_deactivate(client, login_as, create_user):
    target = create_user(role="viewer")
    admin = login_as("admin")
    response = client.post(f"/users/{target.id}/password", data={"new_password": ""}, follow_redirects=True)
    shown = re.search(r"Mật khẩu mới của [^:]+: (\S+) ", response.get_data(as_text=True)).group(1)
    db.session.expire_all()
    assert db.session.get(User, target.id).check_password(shown)
    client.post(f"/users/{target.id}/active", data={"active": "0"})
    # an admin cannot lock themself out
    client.post(f"/users/{admin.id}/active", data={"active": "0"})
    refused = client.post(f"/users/{admin.id}", data={"role": "viewer", "clearance": "internal", "language": "vi"})
    assert refused.status_code == 400
    db.session.expire_all()
    assert not db.session.get(User, target.id).is_active_account
    assert db.session.get(User, admin.id).is_active_account and db.session.get(User, admin.id).role == "admin"
    other = client.application.test_client()
    assert other.post("/login", data={"username": target.username, "password": shown}).status_code == 401


def test_admin_creates_a_token_shown_once_stored_hashed_and_revokes_it(client, login_as, create_user):
    target = create_user(role="viewer")
    login_as("admin")
    page = client.post(f"/users/{target.id}/tokens", data={"name": "Cổng thông tin"}).get_data(as_text=True)
    secret = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    token = db.session.query(ApiToken).one()
    assert token.token_hash == hash_token(secret) and secret not in (token.token_hash, token.prefix)
    assert secret not in client.get(f"/users/{target.id}/tokens").get_data(as_text=True)
    api = client.application.test_client()
    assert api.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    client.post(f"/users/{target.id}/tokens/{token.id}/revoke")
    assert api.get("/api/v1/units", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.post(f"/users/{target.id}/tokens", data={"name": ""}).status_code == 400


def test_user_search_without_diacritics(client, login_as, create_user):
    create_user(username="nguyenhoa", role="viewer", display_name="Nguyễn Thị Hòa")
    create_user(username="tranbinh", role="viewer", display_name="Trần Bình")
    login_as("admin")
    page = client.get("/users/?q=thi+hoa").get_data(as_text=True)
    assert "nguyenhoa" in page and "tranbinh" not in page



def test_accounts_and_tokens_made_from_the_cli_are_in_the_audit_log(app):
    from meetingsvc.auth.cli import create_token, create_user
    from meetingsvc.core.audit import describe

    runner = app.test_cli_runner()
    made = runner.invoke(create_user, ["cli-user", "--role", "secretary", "--password", "a long password"])
    assert made.exit_code == 0, made.output
    user = db.session.query(User).filter_by(username="cli-user").one()
    token = runner.invoke(create_token, ["--user", "cli-user", "--name", "cổng thông tin"])
    assert token.exit_code == 0, token.output
    entries = history(user)
    assert [e.action for e in entries] == ["create"] and entries[0].after["role"] == "secretary"
    token_row = db.session.query(ApiToken).one()
    views = describe(history(token_row))
    assert views[0].summary == "Đã tạo mã truy cập API cổng thông tin cho cli-user"


def test_a_short_password_says_what_is_wrong_not_only_the_hint(client, login_as):
    login_as("admin")
    refused = client.post("/users/new", data={"username": "thuky3", "role": "secretary", "clearance": "internal",
                                              "language": "vi", "password": "ngan"})
    assert refused.status_code == 400
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in refused.get_data(as_text=True)
