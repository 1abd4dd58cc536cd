"""The reports page, the lists behind its figures, and its exports. Every signed-in user may read counts; what a
user is not cleared for is counted apart and listed masked (see frame.py)."""

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import local_today
from meetingsvc.meetings.models import KINDS
from meetingsvc.reports import chart, exports, lists, services
from meetingsvc.reports.options import ATTENDED_CHOICES, UNIT_GROUPINGS, options_from_args
from meetingsvc.reports.periods import ROMAN, period_from_args
from meetingsvc.reports.text import summary_text

bp = Blueprint("reports", __name__, url_prefix="/reports")

PAGE_SIZE = 100


def _params():
    """(period, options, errors) from the request's query string."""
    errors = {}
    period = options = None
    try:
        period = period_from_args(request.args, local_today().year)
    except ValidationError as exc:
        errors.update(exc.fields)
    try:
        options = options_from_args(request.args)
    except ValidationError as exc:
        errors.update(exc.fields)
    return period, options, errors


def list_url(figure, report, previous: bool = False) -> str:
    period = report.previous_period if previous else report.period
    return url_for("reports.meetings", figure=figure.key, **period.query_args(), **report.options.query_args())


@bp.route("/")
def index():
    period, options, errors = _params()
    report = None if errors else services.build_report(period, user=current_user, options=options)
    context = {"report": report, "errors": errors, "args": request.args, "kinds": KINDS, "roman": ROMAN,
               "default_year": local_today().year, "list_url": list_url, "unit_groupings": UNIT_GROUPINGS,
               "attended_choices": ATTENDED_CHOICES}
    if report:
        context.update(chart=chart.render_chart(report), text_vi=summary_text(report, "vi"),
                       text_en=summary_text(report, "en"), rules=exports.counting_rules(report),
                       report_args=report.query_args())
    return render_template("reports/index.html", **context), 400 if errors else 200


@bp.route("/meetings")
def meetings():
    """The meetings behind one figure, so that the office can check it."""
    period, options, errors = _params()
    if errors:
        abort(400)
    key = request.args.get("figure") or "held"
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    found = lists.figure_list(key, period, user=current_user, options=options, limit=PAGE_SIZE,
                              offset=(page - 1) * PAGE_SIZE)
    if found is None:
        abort(404)
    args = {**period.query_args(), **options.query_args()}
    today = local_today()
    return render_template("reports/meetings.html", period=period, found=found, page=page, page_size=PAGE_SIZE,
                           pages=max(1, -(-found.meetings // PAGE_SIZE)), args=args, key=key,
                           until=today if period.running_on(today) else None)


def _report_or_400(with_monthly=True):
    period, options, errors = _params()
    if errors:
        abort(400)
    return services.build_report(period, user=current_user, options=options, with_monthly=with_monthly)


@bp.route("/export.xlsx")
def export_xlsx():
    report = _report_or_400()
    data = exports.build_xlsx(report, current_user)
    return send_file(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     as_attachment=True, download_name=exports.export_filename(report, "xlsx"))


@bp.route("/export.csv")
def export_csv():
    report = _report_or_400(with_monthly=False)
    response = Response(exports.summary_csv(report), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename={exports.export_filename(report, 'csv')}"
    return response


@bp.route("/meetings.csv")
def export_detail_csv():
    report = _report_or_400(with_monthly=False)
    response = Response(stream_with_context(exports.detail_csv(report, current_user)),
                        mimetype="text/csv; charset=utf-8")
    name = exports.export_filename(report, "csv", stem="danh-sach-hop")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response
