"""meetingsvc: meetings, rooms and the weekly work schedule of a People's Committee Office."""

import gc
import os

from flask import Flask, jsonify, redirect, request, url_for
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from meetingsvc import config as config_module
from meetingsvc.extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations")


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(config_module.DEFAULTS)
    app.config.update(config_module.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_module.load_secret_key(app.instance_path)

    import meetingsvc.models  # noqa: F401  (the whole schema, for the metadata and Alembic)
    from meetingsvc.core.i18n import register_template_helpers, select_locale, translation_directories

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_directories())
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    register_template_helpers(app)
    from meetingsvc.core import templating

    templating.register(app)

    from meetingsvc.core.database import configure_engine_events

    with app.app_context():
        configure_engine_events(db.engine, serialized_writes=app.config.get("SQLITE_SERIALIZED_WRITES", True))

    if app.config.get("PROXY_COUNT"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    # Every <int:…> in a URL names a row: a number no INTEGER id can be is a 404 like any unknown id (SQLite
    # would overflow on it, PostgreSQL refuse it).
    app.url_map.converters["int"] = DatabaseIdConverter
    _register_blueprints(app)
    _register_access_rules(app)
    _register_cli(app)
    return app


class DatabaseIdConverter(IntegerConverter):
    """<int:…> that reads a number no INTEGER id can be as 0, which no row has: the view answers its ordinary
    404 (refusing the match instead would make Werkzeug answer 405 for the other methods of the URL)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= 2**31 - 1 else 0


def ready_to_serve(app: Flask) -> Flask:
    """Compile every template, then move everything alive into the permanent generation (gc.freeze).

    The app, its modules and templates live as long as the serving process; without this, each full run of
    Python's cyclic collector walks all of them in the middle of some request (the p95 of the week page was
    three times its median). Called once per process, by wsgi.py.
    """
    for name in app.jinja_env.list_templates(extensions=("html",)):
        app.jinja_env.get_template(name)
    gc.collect()
    gc.freeze()
    return app


def _register_blueprints(app: Flask) -> None:
    from meetingsvc.api import bp as api_bp
    from meetingsvc.auth.admin_views import bp as users_bp
    from meetingsvc.auth.views import bp as auth_bp
    from meetingsvc.core.views import bp as core_bp
    from meetingsvc.directory.views import bp as directory_bp
    from meetingsvc.feeds.views import bp as feeds_bp
    from meetingsvc.meetings.views import bp as meetings_bp
    from meetingsvc.online.views import bp as online_bp
    from meetingsvc.reports.views import bp as reports_bp

    for bp in (core_bp, auth_bp, directory_bp, meetings_bp, online_bp, feeds_bp, reports_bp, users_bp, api_bp):
        app.register_blueprint(bp)


def _register_access_rules(app: Flask) -> None:
    """Every endpoint needs a login unless its view is marked @public."""
    from meetingsvc.auth import services as auth_services
    from meetingsvc.core.auth import is_api_request

    login_manager.login_view = "auth.login"
    login_manager.user_loader(auth_services.load_user)
    login_manager.request_loader(auth_services.user_from_bearer_token)

    @login_manager.unauthorized_handler
    def _unauthorized():
        if is_api_request():
            from flask_babel import gettext

            # The same shape as every other API error (the OpenAPI Error schema): the status and a message.
            return jsonify(error=401, message=gettext("Sign in or send an API token (Authorization: Bearer …).")), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))

    @app.before_request
    def _require_login():
        if request.endpoint is None or request.endpoint == "static":
            return None
        view = app.view_functions.get(request.endpoint)
        if getattr(view, "_public", False) or current_user.is_authenticated:
            return None
        return login_manager.unauthorized()

    from meetingsvc.core.views import register_error_handlers

    register_error_handlers(app)


def _register_cli(app: Flask) -> None:
    from meetingsvc.auth.cli import token_cli, user_cli
    from meetingsvc.demo import demo_cli

    app.cli.add_command(user_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(demo_cli)

    from meetingsvc.reports.cli import report_command

    app.cli.add_command(report_command)
