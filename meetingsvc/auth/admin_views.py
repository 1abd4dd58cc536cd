"""User management pages (/users), for admins only: accounts, roles, clearance, passwords, API tokens."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length

from meetingsvc.auth import admin_services
from meetingsvc.auth.history import LANGUAGES
from meetingsvc.auth.models import CLASSIFICATIONS, ROLES, ApiToken, User
from meetingsvc.core.audit import describe, history
from meetingsvc.core.auth import roles_required
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.forms import select_choices
from meetingsvc.directory import services as directory_services
from meetingsvc.directory.forms import apply_errors
from meetingsvc.directory.services import DuplicateError, _
from meetingsvc.extensions import db

bp = Blueprint("users", __name__, url_prefix="/users")


class UserForm(FlaskForm):
    username = StringField(_l("Login name"), validators=[InputRequired(), Length(max=64)])
    display_name = StringField(_l("Display name"), validators=[Length(max=120)])
    role = SelectField(_l("Account role"), choices=select_choices(ROLES.items()), validate_choice=False)
    clearance = SelectField(_l("Clearance"), choices=select_choices(CLASSIFICATIONS.items()),
                            default="internal", validate_choice=False)
    language = SelectField(_l("Language of the pages"), choices=select_choices(LANGUAGES.items()), validate_choice=False)
    person_id = SelectField(_l("Linked person"), choices=[], validate_choice=False)
    password = PasswordField(_l("Password"))

    def service_data(self) -> dict:
        return {"username": self.username.data, "display_name": self.display_name.data, "role": self.role.data,
                "clearance": self.clearance.data, "language": self.language.data,
                "person_id": self.person_id.data or None, "password": self.password.data}


class PasswordForm(FlaskForm):
    new_password = PasswordField(_l("New password (empty: generate one)"))


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[Length(max=120)])


def _person_choices(user: User | None) -> list[tuple[str, str]]:
    people = directory_services.active_people()
    choices = [("", "—")] + [(str(p.id), p.label) for p in people]
    if user is not None and user.person is not None and user.person not in people:
        choices.append((str(user.person.id), user.person.label))
    return choices


@bp.route("/")
@roles_required("admin")
def index():
    q = request.args.get("q", "").strip()
    inactive = request.args.get("inactive") == "1"
    return render_template("auth/users.html", users=admin_services.search_users(q or None, inactive), q=q,
                           inactive=inactive)


def _user_form_page(user: User | None):
    form = UserForm()
    if request.method == "GET" and user is not None:
        form.process(data={"username": user.username, "display_name": user.display_name, "role": user.role,
                           "clearance": user.clearance, "language": user.language,
                           "person_id": str(user.person_id or "")})
    if user is not None:
        form.username.validators = []
    form.person_id.choices = select_choices(_person_choices(user))
    status = 200
    if request.method == "POST":
        if user is not None:
            form.username.data = user.username
        if form.validate():
            try:
                if user is None:
                    user = admin_services.create_user(form.service_data(), acting=current_user)
                else:
                    admin_services.update_user(user, form.service_data(), acting=current_user)
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("users.edit", user_id=user.id))
            except (ValidationError, DuplicateError) as exc:
                db.session.rollback()
                fields = exc.fields if isinstance(exc, ValidationError) else {exc.field: exc.message}
                for message in apply_errors(form, fields):
                    flash(message, "error")
                user = db.session.get(User, user.id) if user is not None and user.id else None
        status = 400
    return render_template("auth/users_form.html", form=form, user=user, password_form=PasswordForm(),
                           history=describe(history(user)) if user else []), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required("admin")
def new():
    return _user_form_page(None)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit(user_id):
    return _user_form_page(db.session.get(User, user_id) or abort(404))


@bp.route("/<int:user_id>/password", methods=["POST"])
@roles_required("admin")
def reset_password(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = PasswordForm()
    try:
        password = admin_services.reset_password(user, form.new_password.data or None)
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.fields.get("password", ""), "error")
        return redirect(url_for("users.edit", user_id=user_id))
    db.session.commit()
    if form.new_password.data:
        flash(_("The password of %(name)s was changed.", name=user.username), "success")
    else:
        flash(_("New password for %(name)s: %(password)s (shown once; give it to them safely).",
                name=user.username, password=password), "success")
    return redirect(url_for("users.edit", user_id=user_id))


@bp.route("/<int:user_id>/active", methods=["POST"])
@roles_required("admin")
def set_active(user_id):
    user = db.session.get(User, user_id) or abort(404)
    active = request.form.get("active") == "1"
    try:
        admin_services.set_user_active(user, active, acting=current_user)
        db.session.commit()
        flash(_("Account %(name)s reactivated", name=user.username) if active
              else _("Account %(name)s deactivated", name=user.username), "success")
    except ValidationError as exc:
        db.session.rollback()
        flash(exc.fields["active"], "error")
    return redirect(url_for("users.edit", user_id=user_id))


@bp.route("/<int:user_id>/tokens", methods=["GET", "POST"])
@roles_required("admin")
def tokens(user_id):
    user = db.session.get(User, user_id) or abort(404)
    form = TokenForm()
    secret, status = None, 200
    if request.method == "POST" and form.validate():
        try:
            _token, secret = admin_services.create_token(user, form.name.data)
            db.session.commit()
            form = TokenForm(formdata=None)
        except ValidationError as exc:
            db.session.rollback()
            apply_errors(form, exc.fields)
            status = 400
    return render_template("auth/users_tokens.html", user=user, form=form, secret=secret,
                           tokens=admin_services.tokens_of(user)), status


@bp.route("/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_token(user_id, token_id):
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user_id:
        abort(404)
    admin_services.revoke_token(token)
    db.session.commit()
    flash(_("API token %(name)s revoked", name=token.name), "success")
    return redirect(url_for("users.tokens", user_id=user_id))


@bp.context_processor
def _helpers():
    return {"is_admin": True, "language_names": LANGUAGES}
