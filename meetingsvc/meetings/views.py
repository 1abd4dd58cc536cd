from flask import Blueprint, abort, render_template
from flask_login import current_user

from meetingsvc.core.audit import history
from meetingsvc.extensions import db
from meetingsvc.meetings.models import Meeting
from meetingsvc.meetings.visibility import present

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.route("/<int:meeting_id>")
def detail(meeting_id):
    meeting = db.session.get(Meeting, meeting_id) or abort(404)
    shown = present(meeting, current_user)
    return render_template(
        "meetings/detail.html",
        meeting=shown,
        history=[] if getattr(shown, "is_masked", False) else history(meeting),
    )


from meetingsvc.meetings import schedule_views  # noqa: E402,F401  (its routes live on this blueprint)
