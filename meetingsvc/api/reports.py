"""GET /api/v1/reports/summary: the report's figures as JSON (the same numbers as the page and the exports),
for the caller: classified meetings they are not cleared for are counted apart (see reports/frame.py)."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from meetingsvc.api import bp
from meetingsvc.api.common import error
from meetingsvc.core.time import local_today
from meetingsvc.reports import exports, services
from meetingsvc.reports.options import options_from_args
from meetingsvc.reports.periods import PeriodError, period_from_args


@bp.route("/reports/summary")
def reports_summary():
    fields, codes = {}, {}

    def parsed(parse):
        try:
            return parse(request.args)
        except PeriodError as exc:
            fields.update({k: str(v) for k, v in exc.fields.items()})
            codes.update(exc.codes)
            return None

    period = parsed(lambda args: period_from_args(args, local_today().year))
    options = parsed(options_from_args)
    if fields:
        return error(400, _("The period is not valid."), fields=fields, codes=codes)
    return jsonify(exports.summary_dict(services.build_report(period, user=current_user, options=options)))


_FIGURE = {
    "type": "object",
    "properties": {
        "current": {"type": "number", "description": "The figure for the period."},
        "previous": {"type": "number", "description": "The same figure a year earlier."},
        "change_pct": {"type": "number", "nullable": True,
                       "description": "(current - previous) / previous x 100, one decimal; null if previous is 0."},
        "unit": {"type": "string", "enum": ["count", "hours", "percent"]},
        "measure": {"type": "string", "enum": ["meetings", "attendances", "citizens", "points", "hours", "percent"],
                    "description": "What is counted: meetings, participant-attendances, citizens, bridge points…"},
        "flag": {"type": "string", "nullable": True, "enum": ["planned", None],
                 "description": "'planned' when part of the figure is a planned, not an actual, number, or some "
                                "bridge points or conferences have no figure at all."},
    },
}
_PERIOD = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["year", "nine_months", "half_year", "quarter", "month", "range"]},
        "basis": {"type": "string", "enum": ["calendar", "cutoff"]},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "year": {"type": "integer", "nullable": True},
        "number": {"type": "integer", "nullable": True},
        "label_vi": {"type": "string"},
        "label_en": {"type": "string"},
    },
}

OPENAPI = {
    "paths": {
        "/reports/summary": {
            "get": {
                "tags": ["reports"],
                "summary": "Meeting counts for a period, beside the same period a year earlier",
                "description": "Held meetings in total and by kind, PC sessions, meetings chaired by the Chairman "
                               "and Vice Chairmen, by leader, mode, preparing unit and room, online conferences, "
                               "bridge points and participant-attendances, citizen reception, cancelled and "
                               "postponed meetings. Periods are in local time (Asia/Ho_Chi_Minh). Give `from` and "
                               "`to`, or `period` with `year` (and `quarter` or `month`) and optionally "
                               "`basis=cutoff` for the Decree 09/2019 reporting windows. A range that is exactly a "
                               "named period (01/01–31/12, a quarter, …) is reported as that period. While the period is still "
                               "running (`in_progress`), its figures go up to the moment of the request and are "
                               "compared with the same days a year earlier. The figures are "
                               "those the caller may see: classified meetings they are not cleared for count in the "
                               "total and by leader and room, and on a line `classified` instead of by kind, mode, "
                               "preparing unit and participants (`full_detail` false, `classified_not_shown`). "
                               "400 answers name the fields (`fields`: a message, `codes`: a machine-readable code "
                               "such as `end_before_start`, `missing_date`, `not_a_date`, `quarter_out_of_range`).",
                "parameters": [
                    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
                    {"name": "period", "in": "query", "schema": {"type": "string", "enum": [
                        "year", "nine_months", "half_year", "quarter", "month", "range"]}},
                    {"name": "year", "in": "query", "schema": {"type": "integer"}},
                    {"name": "quarter", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 4}},
                    {"name": "month", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 12}},
                    {"name": "basis", "in": "query", "schema": {"type": "string", "enum": ["calendar", "cutoff"]}},
                    {"name": "units", "in": "query", "description": "Group by preparing unit as it is now (after "
                     "mergers, the default) or as it was (the unit stored on the meeting).",
                     "schema": {"type": "string", "enum": ["now", "then"], "default": "now"}},
                    {"name": "attended", "in": "query", "description": "Whether meetings the Chairman and Vice "
                     "Chairmen only attended count in the total (default: not, they are counted apart).",
                     "schema": {"type": "string", "enum": ["exclude", "include"], "default": "exclude"}},
                ],
                "responses": {
                    "200": {"description": "The report",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportSummary"}}}},
                    "400": {"description": "The period is not valid",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    "401": {"description": "Not signed in"},
                },
            }
        }
    },
    "components": {
        "schemas": {
            "ReportFigure": _FIGURE,
            "ReportPeriod": _PERIOD,
            "ReportSummary": {
                "type": "object",
                "required": ["period", "previous_period", "figures", "rows"],
                "properties": {
                    "period": {"$ref": "#/components/schemas/ReportPeriod"},
                    "previous_period": {"$ref": "#/components/schemas/ReportPeriod"},
                    "as_of": {"type": "string", "format": "date-time",
                              "description": "Scheduled meetings starting before this instant count as held."},
                    "options": {"type": "object", "properties": {"units": {"type": "string"},
                                                                  "attended": {"type": "string"}}},
                    "in_progress": {"type": "boolean",
                                    "description": "The period is not over: its figures go up to `counted_until` "
                                                   "and `previous_period` is the same days a year earlier (a "
                                                   "range), not the whole period."},
                    "counted_until": {"type": "string", "format": "date", "nullable": True,
                                      "description": "The local day of the report while the period is running."},
                    "full_detail": {"type": "boolean",
                                    "description": "False when some classified meetings are counted apart."},
                    "classified_not_shown": {"type": "integer"},
                    "working_hours": {"type": "string", "description": "The working hours, e.g. 07:30–11:30, "
                                                                       "13:30–17:00."},
                    "working_days": {"type": "integer"},
                    "working_hours_per_day": {"type": "number"},
                    "participants_flagged": {"type": "boolean"},
                    "figures": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/ReportFigure"},
                                "description": "By key: held, pc_sessions, chaired_by_leaders, other, …, and grouped "
                                               "figures as metric:value (kind:pc_session, chair:12, room_use:3, …)."},
                    "rows": {"type": "array", "items": {"type": "object"},
                             "description": "The same figures in page order with section and label."},
                    "monthly": {"type": "object", "description": "The chart: meetings held per month by kind.",
                                "properties": {
                                    "months": {"type": "array", "items": {"type": "string"},
                                               "description": "YYYY-MM; a cut-off month is named by the month "
                                                              "it ends in."},
                                    "buckets": {"type": "array", "items": {"type": "object", "properties": {
                                        "month": {"type": "string"}, "from": {"type": "string", "format": "date"},
                                        "to_before": {"type": "string", "format": "date"}}}},
                                    "cutoff": {"type": "boolean"},
                                    "by_kind": {"type": "object", "additionalProperties": {
                                        "type": "array", "items": {"type": "integer"}}},
                                    "totals": {"type": "array", "items": {"type": "integer"}},
                                    "previous_totals": {"type": "array", "items": {"type": "integer"}}}},
                    "text": {"type": "object", "properties": {"vi": {"type": "string"}, "en": {"type": "string"}}},
                    "rules": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
