import click
import sqlalchemy as sa
from flask.cli import AppGroup

from meetingsvc.auth import services
from meetingsvc.auth.admin_services import user_snapshot
from meetingsvc.auth.history import summary
from meetingsvc.auth.models import CLASSIFICATIONS, ROLES, User
from meetingsvc.core.audit import record
from meetingsvc.extensions import db

user_cli = AppGroup("user", help="Manage accounts.")
token_cli = AppGroup("token", help="Manage API tokens.")


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(list(ROLES)), default="viewer", show_default=True)
@click.option("--clearance", type=click.Choice(list(CLASSIFICATIONS)), default="internal", show_default=True)
@click.option("--language", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username, role, clearance, language, password):
    """Create an account."""
    if db.session.scalar(sa.select(User).where(User.username == username.lower())):
        raise click.ClickException(f"user {username!r} exists already")
    if len(password) < 8:
        raise click.ClickException("the password needs at least 8 characters")
    user = services.create_user(username, password, role=role, clearance=clearance, language=language)
    db.session.flush()
    record("create", user, summary=summary("users", "create", name=user.username), after=user_snapshot(user))
    db.session.commit()
    click.echo(f"created {username} ({role})")


@token_cli.command("create")
@click.option("--user", "username", required=True)
@click.option("--name", default="", help="What the token is for.")
def create_token(username, name):
    """Create an API token and print it once."""
    user = db.session.scalar(sa.select(User).where(User.username == username.lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    token, secret = services.create_api_token(user, name)
    db.session.flush()
    record("create", token, summary=summary("api_tokens", "create", name=token.name, user=user.username),
           after={"name": token.name, "prefix": token.prefix, "user_id": user.id, "user": user.username})
    db.session.commit()
    click.echo(secret)
