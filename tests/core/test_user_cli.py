"""`flask user create` and `flask token create`: the accounts page's checks, a clear error, nothing written."""

import pytest

from meetingsvc.auth import cli
from meetingsvc.auth.models import ApiToken, User
from meetingsvc.extensions import db
from tests.helpers import login


def _usernames():
    db.session.expire_all()
    return sorted(u.username for u in db.session.query(User))


def _run(app, command, args):
    return app.test_cli_runner().invoke(command, args)


def test_an_account_made_on_the_command_line_can_sign_in(app, client):
    made = _run(app, cli.create_user, ["Thu.LT@VP", "--role", "secretary", "--display-name", "Lê Thị Thu",
                                       "--password", "a long password"])
    assert made.exit_code == 0, made.output
    assert "created thu.lt@vp (secretary)" in made.output
    user = db.session.query(User).filter_by(username="thu.lt@vp").one()
    assert user.role == "secretary" and user.display_name == "Lê Thị Thu"
    login(client, user, password="a long password")


@pytest.mark.parametrize("name", ["", "   ", "có dấu", "with space", "x" * 65])
def test_a_login_name_the_accounts_page_would_refuse_is_refused(app, name):
    before = _usernames()
    result = _run(app, cli.create_user, [name, "--password", "a long password"])
    assert result.exit_code == 1 and "username:" in result.output, result.output
    assert _usernames() == before


def test_a_taken_login_name_is_refused_whatever_its_case_or_spaces(app, create_user):
    create_user(username="clerk1")
    before = _usernames()
    result = _run(app, cli.create_user, [" Clerk1", "--password", "a long password"])
    assert result.exit_code == 1 and "clerk1" in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert _usernames() == before


def test_a_short_password_is_refused(app):
    result = _run(app, cli.create_user, ["shorty", "--password", "abcdefgh"])
    assert result.exit_code == 1 and "password:" in result.output
    assert "shorty" not in _usernames()


def test_a_token_name_too_long_is_refused_and_no_token_is_stored(app, create_user):
    create_user(username="portal")
    result = _run(app, cli.create_token, ["--user", "portal", "--name", "y" * 130])
    assert result.exit_code == 1 and "name:" in result.output
    assert db.session.query(ApiToken).count() == 0


def test_a_token_without_a_name_is_printed_once_and_named_after_the_command_line(app, create_user):
    create_user(username="portal")
    result = _run(app, cli.create_token, ["--user", " Portal"])
    assert result.exit_code == 0, result.output
    token = db.session.query(ApiToken).one()
    assert token.name == "command line" and result.output.strip().startswith(token.prefix)
