import click
import sqlalchemy as sa
from flask.cli import AppGroup

from meetingsvc.auth import admin_services
from meetingsvc.auth.models import CLASSIFICATIONS, ROLES, User
from meetingsvc.core.errors import ConflictError, ValidationError
from meetingsvc.extensions import db

user_cli = AppGroup("user", help="Manage accounts.")
token_cli = AppGroup("token", help="Manage API tokens.")


def _refused(exc: ValidationError | ConflictError) -> click.ClickException:
    """The service's message, naming the option to fix, as a command-line error (nothing was written)."""
    db.session.rollback()
    if isinstance(exc, ValidationError):
        return click.ClickException("; ".join(f"{name}: {message}" for name, message in exc.fields.items()))
    return click.ClickException(exc.message)


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), default="viewer", show_default=True)
@click.option("--clearance", type=click.Choice(list(CLASSIFICATIONS)), default="internal", show_default=True)
@click.option("--language", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--display-name", default="", help="The name shown in the header and the history.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username, role, clearance, language, display_name, password):
    """Create an account (the same checks as the accounts page: login name, password length, duplicates)."""
    try:
        user = admin_services.create_user({"username": username, "role": role, "clearance": clearance,
                                           "language": language, "display_name": display_name,
                                           "password": password})
    except (ValidationError, ConflictError) as exc:
        raise _refused(exc) from None
    db.session.commit()
    click.echo(f"created {user.username} ({role})")


@token_cli.command("create")
@click.option("--user", "username", required=True)
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token(username, name):
    """Create an API token and print it once."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    try:
        _token, secret = admin_services.create_token(user, name)
    except ValidationError as exc:
        raise _refused(exc) from None
    db.session.commit()
    click.echo(secret)
