import sqlalchemy as sa

from meetingsvc.auth.models import LoginAttempt
from meetingsvc.extensions import db
from tests.helpers import PASSWORD, login


def test_login_page_is_vietnamese_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Đăng nhập" in response.get_data(as_text=True)


def test_secretary_signs_in_and_sees_the_dashboard(client, create_user):
    user = create_user(role="secretary")
    response = login(client, user)
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Tổng quan" in page


def test_wrong_password_and_unknown_user_get_the_same_answer(client, create_user):
    user = create_user(role="viewer")
    wrong = client.post("/login", data={"username": user.username, "password": "nope"})
    unknown = client.post("/login", data={"username": "nobody-here", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in wrong.get_data(as_text=True)
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in unknown.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_repeated_failures_slow_down_even_the_right_password(client, create_user, app):
    user = create_user(role="viewer")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert client.post("/login", data={"username": user.username, "password": "bad"}).status_code == 401
    blocked = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert blocked.status_code == 429
    assert client.get("/").status_code == 302
    # An unknown name is throttled the same way, so the answer reveals nothing.
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"username": "ghost", "password": "bad"})
    assert client.post("/login", data={"username": "ghost", "password": "bad"}).status_code == 429


def test_failures_from_one_address_are_throttled_across_names(client, app):
    for i in range(app.config["LOGIN_MAX_FAILURES"] * 4):
        client.post("/login", data={"username": f"guess{i}", "password": "bad"})
    assert client.post("/login", data={"username": "another", "password": "bad"}).status_code == 429
    failures = db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt))
    assert failures == app.config["LOGIN_MAX_FAILURES"] * 4  # the refused attempt was not even checked


def test_a_deactivated_account_cannot_sign_in(client, create_user):
    user = create_user(role="viewer")
    user.is_active_account = False
    db.session.commit()
    assert client.post("/login", data={"username": user.username, "password": PASSWORD}).status_code == 401


def test_missing_csrf_token_is_refused_with_a_clear_message(client, create_user, app, monkeypatch):
    user = create_user(role="viewer")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    assert client.get("/").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 0


def test_open_redirects_are_ignored(client, create_user):
    user = create_user(role="viewer")
    response = client.post("/login?next=//evil.example/x", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_ends_the_session(client, login_as):
    login_as("viewer")
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_language_switch_shows_english(client, login_as):
    login_as("secretary")
    client.post("/language/en", data={"next": "/"})
    assert "Dashboard" in client.get("/").get_data(as_text=True)
    client.post("/language/vi", data={"next": "/"})
    assert "Tổng quan" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_refused(client):
    assert client.post("/language/fr").status_code == 400
