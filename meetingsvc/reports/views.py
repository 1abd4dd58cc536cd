"""The reports page, the lists behind its figures, and its exports. Every signed-in user may read counts."""

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
from meetingsvc.meetings.visibility import present
from meetingsvc.reports import chart, exports, services
from meetingsvc.reports.periods import ROMAN, period_from_args
from meetingsvc.reports.text import summary_text

bp = Blueprint("reports", __name__, url_prefix="/reports")

PAGE_SIZE = 100


def _period_or_errors():
    try:
        return period_from_args(request.args, local_today().year), {}
    except ValidationError as exc:
        return None, exc.fields


def _with_download_cookie(response):
    """Tell the page's busy indicator that the file has arrived (it passes ?token=…)."""
    token = request.args.get("token", "")
    if token.isalnum() and len(token) <= 40:
        response.set_cookie("reports_download", token, max_age=60, samesite="Lax")
    return response


def list_url(figure, period) -> str:
    return url_for("reports.meetings", metric=figure.metric, value=figure.value,
                   **{"from": period.first.isoformat(), "to": period.last.isoformat()})


@bp.route("/")
def index():
    period, errors = _period_or_errors()
    report = services.build_report(period) if period else None
    context = {"report": report, "errors": errors, "args": request.args, "kinds": KINDS, "roman": ROMAN,
               "default_year": local_today().year, "rules": exports.COUNTING_RULES, "list_url": list_url}
    if report:
        context.update(chart=chart.render_chart(report), text_vi=summary_text(report, "vi"),
                       text_en=summary_text(report, "en"))
    return render_template("reports/index.html", **context), 400 if errors else 200


@bp.route("/meetings")
def meetings():
    """The meetings behind one figure, so that the office can check it."""
    period, errors = _period_or_errors()
    if errors:
        abort(400)
    metric, value = request.args.get("metric") or "held", request.args.get("value") or None
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and int(page) > 0 else 1
    found = services.meetings_behind(metric, value, period, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    if found is None:
        abort(404)
    total, rows = found
    points = services.participants_by_meeting([m.id for m in rows])
    shown = [(present(m, current_user), points.get(m.id, (0, 0))) for m in rows]
    label = services.FIGURES[metric][0] if metric in services.FIGURES else services.GROUP_METRICS.get(metric, "")
    return render_template("reports/meetings.html", period=period, metric=metric, value=value, label=label,
                           total=total, rows=shown, page=page, pages=max(1, -(-total // PAGE_SIZE)),
                           kinds=KINDS)


def _report_or_400(with_monthly=True):
    period, errors = _period_or_errors()
    if errors:
        abort(400)
    return services.build_report(period, with_monthly=with_monthly)


@bp.route("/export.xlsx")
def export_xlsx():
    report = _report_or_400()
    data = exports.build_xlsx(report, current_user)
    response = send_file(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=exports.export_filename(report, "xlsx"))
    return _with_download_cookie(response)


@bp.route("/export.csv")
def export_csv():
    report = _report_or_400(with_monthly=False)
    response = Response(exports.summary_csv(report), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename={exports.export_filename(report, 'csv')}"
    return _with_download_cookie(response)


@bp.route("/meetings.csv")
def export_detail_csv():
    report = _report_or_400(with_monthly=False)
    response = Response(stream_with_context(exports.detail_csv(report, current_user)),
                        mimetype="text/csv; charset=utf-8")
    name = exports.export_filename(report, "csv").replace("bao-cao-hop", "danh-sach-hop")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return _with_download_cookie(response)
