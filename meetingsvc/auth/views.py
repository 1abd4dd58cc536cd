from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from meetingsvc.auth import services
from meetingsvc.auth.forms import LoginForm
from meetingsvc.core.auth import public

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("core.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(form.username.data, form.password.data, services.client_address())
        if result.throttled:
            flash(_("Too many failed sign-in attempts. Wait a few minutes and try again."), "error")
            status = 429
        elif result.user is None:
            flash(_("Login name or password is wrong."), "error")
            status = 401
        else:
            # A language picked on the sign-in page holds for this session; the account's otherwise.
            picked = session.get("language")
            session.clear()
            login_user(result.user)
            session["language"] = picked if picked in current_app.config["LANGUAGES"] else result.user.language
            return redirect(_safe_next(request.args.get("next")))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code):
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["language"] = code
    if current_user.is_authenticated:
        services.save_language(current_user, code)  # the next sign-in, and the feeds, keep it
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))
