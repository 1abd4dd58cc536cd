"""Settings from the environment: a weak secret key stops the app; behind a proxy, its headers are trusted."""

import pytest

from meetingsvc import config
from tests.conftest import make_app


def test_a_short_secret_key_from_the_environment_stops_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("MEETINGSVC_SECRET_KEY", "short")
    with pytest.raises(ValueError, match="MEETINGSVC_SECRET_KEY"):
        config.load_secret_key(str(tmp_path))
    monkeypatch.setenv("MEETINGSVC_SECRET_KEY", "k" * 32)
    assert config.load_secret_key(str(tmp_path)) == "k" * 32


def test_the_generated_secret_key_is_kept_and_long(monkeypatch, tmp_path):
    monkeypatch.delenv("MEETINGSVC_SECRET_KEY", raising=False)
    key = config.load_secret_key(str(tmp_path))
    assert len(key) >= 64 and config.load_secret_key(str(tmp_path)) == key


@pytest.mark.parametrize("proxies, root, address", [
    (0, "http://localhost/", "127.0.0.1"),
    (1, "https://meet.hanoi.gov.vn/", "203.0.113.9"),
])
def test_the_proxy_headers_are_trusted_only_when_told_there_is_a_proxy(database_url, proxies, root, address):
    from flask import request

    app = make_app(database_url, PROXY_COUNT=proxies)

    def where():
        return f"{request.url_root} {request.remote_addr}"

    where._public = True
    app.add_url_rule("/_where", "where", where)
    response = app.test_client().get("/_where", headers={
        "X-Forwarded-Proto": "https", "X-Forwarded-Host": "meet.hanoi.gov.vn", "X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == f"{root} {address}"


def test_an_id_no_database_can_hold_is_a_404_on_every_page(client, login_as):
    login_as("admin")
    for url in ("/meetings/99999999999", "/directory/people/99999999999", "/directory/units/99999999999",
                "/directory/rooms/99999999999", "/users/99999999999", "/online/meetings/99999999999",
                "/api/v1/meetings/99999999999"):
        assert client.get(url).status_code == 404, url
    assert client.get("/meetings/2147483647").status_code == 404  # the largest id: just not there


def test_the_sign_in_link_keeps_the_page_without_a_stray_question_mark(client):
    assert client.get("/meetings/week").headers["Location"].endswith("next=/meetings/week")
