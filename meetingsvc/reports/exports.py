"""The report as data: a table of figures (JSON, CSV, XLSX summary) and the detail of every counted meeting.

Every output takes its numbers from `figure_rows(report)`, so the page, the CSV, the XLSX, the CLI and the API
always agree. The XLSX is written by openpyxl's write-only workbook into a temporary file, the detail sheet
streamed from the database in chunks, so a ten-year export keeps memory flat.
"""

import csv
import io
import tempfile
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from meetingsvc.core.i18n import format_number
from meetingsvc.core.time import local_today, to_local
from meetingsvc.extensions import db
from meetingsvc.meetings.models import KINDS, MODES, STATUSES, Meeting
from meetingsvc.meetings.visibility import present
from meetingsvc.reports.frame import Frame, without_jit
from meetingsvc.reports.services import SECTIONS, Report
from meetingsvc.reports.text import summary_text

DETAIL_CHUNK = 1000
DAY_FORMAT = "dd/mm/yyyy"
TIME_FORMAT = "hh:mm"
PERCENT_FORMAT = "0.0%"


def counting_rules(report: Report) -> list[str]:
    """The counting rules as the page, the XLSX and the API state them, with this report's settings."""
    attended = (_("Meetings the Chairman and Vice Chairmen only attended (\"dự\": none of them chairs or co-chairs, "
                  "e.g. a Party conference) are counted in the total (option chosen on the page).")
                if report.options.include_attended else
                _("Meetings the Chairman and Vice Chairmen only attended (\"dự\": none of them chairs or co-chairs, "
                  "e.g. a Party conference) are not counted in the total the Office advised to hold (the usual "
                  "practice; the page offers to count them); they are shown apart."))
    units = (_("By preparing unit: the unit as it is now: the meetings of a merged unit are reported under the "
               "unit it became (a unit split in several keeps its own line).") if report.options.units == "now"
             else _("By preparing unit: the unit stored on the meeting, as it was at the time."))
    rules = [
        _("A meeting belongs to the period of its local start time (Asia/Ho_Chi_Minh)."),
        _("Held = status held, or scheduled with a start before the report was made. Scheduled meetings still to "
          "come are shown apart and not counted. Drafts do not count."),
        _("Each held occurrence of a recurring meeting counts once; cancelled meetings and occurrences do not "
          "count."),
        _("A period that is not over (the current year, quarter, …) counts the meetings held up to the moment of the "
          "report, and is compared with the same days a year earlier (\"cùng kỳ\"), not with the whole period; room "
          "use is then a share of the working hours up to the day of the report."),
        _("A postponed meeting counts once as postponed in the period it was postponed in (the history of the "
          "meeting), and once as held, when it is held."),
        _("A meeting counts once in the totals; per leader it counts for its chair, co-chairs and leaders attending "
          "without chairing are reported in their own columns."),
        _("Chaired by the Chairman and Vice Chairmen = not a PC session, and chaired or co-chaired by the Chairman, "
          "the Standing Vice Chairman or a Vice Chairman. Other = the rest, so that every held meeting is accounted "
          "for: total = PC sessions + chaired by the Chairman and Vice Chairmen + other."),
        attended,
        _("Participant-attendances = the sum over the bridge points of the Office's own online and hybrid "
          "conferences of the actual participants where recorded, else the planned figure (then flagged), plus the "
          "people present at in-person meetings. For a hybrid meeting the people present at the venue stand for "
          "its main bridge point when they are recorded. Conferences relayed from another network are counted "
          "apart and not added."),
        _("Room use = the hours of the room's meetings inside working hours (%(hours)s) on working days, inside the "
          "period, / (working days of the period x %(per_day)s hours of a working day). A meeting over several "
          "days counts each working day's part; hours outside working hours do not count.",
          hours=report.working_hours, per_day=format_number(report.hours_per_day)),
        units,
        _("Classified meetings count in the total and, by their leaders and time, in the figures by leader and by "
          "room. For a user not cleared for them, the figures by kind, mode, preparing unit, participants and the "
          "categories leave them out and count them on one line \"Meetings with classified content (details not "
          "shown)\"; their kind is not used (never taken for a PC session); the lists show them as busy slots with "
          "their time and leaders only. Users cleared at their level, and the people involved, see everything."),
    ]
    return rules


def figure_rows(report: Report) -> list[dict]:
    return [
        {
            "section": fig.section,
            "section_label": str(SECTIONS.get(fig.section, fig.section)),
            "key": fig.key,
            "metric": fig.metric,
            "value": fig.value,
            "label": fig.title,
            "current": fig.current,
            "previous": fig.previous,
            "change_pct": fig.change,
            "unit": fig.unit,
            "measure": fig.measure,
            "unit_label": fig.unit_label,
            "sub": fig.sub,
            "flag": fig.flag,
        }
        for fig in report.rows()
    ]


def _months(monthly: dict, period) -> list[dict]:
    """The chart's months: each named by its calendar month, a cut-off month (15th to 14th) by the month it ends
    in; `to_before` is the day after its last day (the period's end for the last one)."""
    starts = monthly.get("months", [])
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else period.last + timedelta(days=1)
        if monthly.get("cutoff"):
            start_of_name = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
        else:
            start_of_name = start
        out.append({"month": start_of_name.isoformat()[:7], "from": start.isoformat(), "to_before": end.isoformat()})
    return out


def summary_dict(report: Report) -> dict:
    """The JSON the API and `flask report --format json` return."""
    current = report.monthly.get("current", {})
    return {
        "period": report.period.as_dict(),
        "previous_period": report.previous_period.as_dict(),
        "options": report.options.as_dict(),
        "in_progress": report.until is not None,
        "counted_until": report.until.isoformat() if report.until else None,
        "full_detail": report.viewer.sees_everything,
        "classified_not_shown": report.masked,
        "as_of": report.as_of.isoformat(),
        "working_days": report.working_days,
        "working_hours_per_day": report.hours_per_day,
        "working_hours": report.working_hours,
        "participants_flagged": report.participants_flagged,
        "figures": {row["key"]: {k: row[k] for k in ("current", "previous", "change_pct", "unit", "measure", "flag")}
                    for row in figure_rows(report)},
        "rows": figure_rows(report),
        "monthly": {
            "months": [m["month"] for m in _months(current, report.period)],
            "buckets": _months(current, report.period),
            "cutoff": bool(current.get("cutoff")),
            "by_kind": current.get("by_kind", {}),
            "totals": current.get("totals", []),
            "previous_totals": report.monthly.get("previous", {}).get("totals", []),
        },
        "text": {"vi": summary_text(report, "vi"), "en": summary_text(report, "en")},
        "rules": counting_rules(report),
    }


def summary_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    language = _language()
    writer.writerow([_("Section"), _("Key"), _("Figure"), report.title(language),
                     report.previous_period.title(language), _("Change (%)"), _("Unit"), _("Note")])
    for row in figure_rows(report):
        writer.writerow([row["section_label"], row["key"], row["label"], row["current"], row["previous"],
                         "" if row["change_pct"] is None else row["change_pct"], row["unit_label"],
                         _flag_note(row["flag"])])
    return "\ufeff" + out.getvalue()  # a BOM so that Excel opens the Vietnamese text as UTF-8


def _flag_note(flag) -> str:
    return _("partly planned or missing figures") if flag == "planned" else ""


def _language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


DETAIL_HEADERS = [
    _l("No."), _l("Date"), _l("Start"), _l("End date"), _l("End"), _l("Title"), _l("Kind"), _l("Status"), _l("Mode"),
    _l("Chair"), _l("Co-chairs"), _l("Leaders attending"), _l("Preparing unit"), _l("Room / place"),
    _l("Bridge points"), _l("Participant-attendances (counted)"), _l("Present in person"), _l("People received"),
    _l("Relayed"), _l("Room hours in working hours"),
]
DETAIL_WIDTHS = (6, 11, 7, 11, 7, 60, 24, 12, 12, 30, 30, 30, 30, 30, 10, 14, 10, 10, 14, 12)


def detail_rows(report: Report, user):
    """Every counted (held) meeting of the period, in order, as lists of cells (dates as date objects, times as
    time objects); masked where `user` may not see. The numbers are what the meeting adds to the figures."""
    frame = Frame(report.period, as_of=report.as_of, viewer=report.viewer, options=report.options)
    without_jit()
    c = frame.c
    participants = sa.case((c["own_meetings"], frame.value("participants")), else_=None)
    seconds = sa.case((Meeting.room_id.is_not(None), frame.value("room_seconds")), else_=None)
    query = (frame.select_from(Meeting, frame.value("n_points").label("points"), participants.label("participants"),
                               seconds.label("seconds"))
             .where(frame.in_period, c["counted"]).order_by(Meeting.start_at, Meeting.id)
             .execution_options(yield_per=DETAIL_CHUNK))
    number = 0
    for chunk in db.session.execute(query).partitions(DETAIL_CHUNK):
        for meeting, points, counted_participants, room_seconds in chunk:
            number += 1
            shown = present(meeting, user)
            start, end = to_local(meeting.start_at), to_local(meeting.end_at)
            leaders = [", ".join(p.label for p in people) for people in (shown.co_chairs, shown.attending_leaders)]
            chair = shown.chair.label if shown.chair else ""
            when = [number, start.date(), start.time().replace(second=0, microsecond=0), end.date(),
                    end.time().replace(second=0, microsecond=0)]
            if getattr(shown, "is_masked", False):
                yield [*when, shown.title, "", str(STATUSES.get(meeting.status, "")), "", chair, *leaders,
                       "", "", "", "", "", "", "", ""]
                continue
            yield [
                *when, meeting.title, str(KINDS.get(meeting.kind, meeting.kind)),
                str(STATUSES.get(meeting.status, meeting.status)), str(MODES.get(meeting.mode, meeting.mode)), chair,
                *leaders, meeting.preparing_unit.name if meeting.preparing_unit else "", meeting.location_label,
                points, "" if counted_participants is None else counted_participants,
                meeting.present_count if meeting.present_count is not None else "",
                meeting.people_count if meeting.people_count is not None else "",
                meeting.origin_network or (_("yes") if meeting.is_relayed else ""),
                "" if room_seconds is None else round(room_seconds / 3600, 2),
            ]
        for meeting, *_rest in chunk:  # keep the identity map small on a ten-year export
            db.session.expunge(meeting)


def _csv_cell(value):
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y") if not hasattr(value, "hour") else value.strftime("%H:%M")
    return value


def detail_csv(report: Report, user):
    """The detail list as CSV, streamed line by line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in DETAIL_HEADERS])
    yield "\ufeff" + out.getvalue()
    for row in detail_rows(report, user):
        out.seek(0)
        out.truncate()
        writer.writerow([_csv_cell(v) for v in row])
        yield out.getvalue()


def build_xlsx(report: Report, user) -> tempfile.SpooledTemporaryFile:
    """A workbook with a summary sheet (figures, the text, the rules) and a detail sheet of every counted meeting.

    Dates are dates (dd/mm/yyyy), times are times, percentages percent-formatted numbers; the header rows are
    frozen, the detail sheet has an autofilter.
    """
    language = _language()
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    for col, width in zip("ABCDEF", (34, 70, 16, 16, 14, 28), strict=True):
        summary.column_dimensions[col].width = width

    def cell(sheet, value, *, bold=False, size=None, number_format=None, wrap=False):
        c = WriteOnlyCell(sheet, value=value)
        if bold or size:
            c.font = Font(bold=bold, size=size)
        if number_format:
            c.number_format = number_format
        if wrap:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        return c

    title = _("Meeting report, %(period)s", period=report.title(language))
    summary.freeze_panes = "A5"  # the title and the header row of the figures (set before the first row)
    summary.append([cell(summary, title, bold=True, size=14)])
    summary.append([_("Compared with"), report.previous_period.title(language)])
    summary.append([_("Made on"), cell(summary, to_local(report.as_of).replace(tzinfo=None),
                                       number_format="dd/mm/yyyy hh:mm")])
    summary.append([cell(summary, h, bold=True) for h in (
        _("Section"), _("Figure"), report.title(language), report.previous_period.title(language),
        _("Change (%)"), _("Note"))])
    for row in figure_rows(report):
        if row["unit"] == "percent":
            values = [cell(summary, None if v is None else v / 100, number_format=PERCENT_FORMAT)
                      for v in (row["current"], row["previous"])]
        elif row["unit"] == "hours":
            values = [cell(summary, v, number_format="#,##0.0") for v in (row["current"], row["previous"])]
        else:
            values = [cell(summary, v, number_format="#,##0") for v in (row["current"], row["previous"])]
        change = cell(summary, None if row["change_pct"] is None else round(row["change_pct"] / 100, 4),
                      number_format=PERCENT_FORMAT)
        summary.append([row["section_label"], ("    " * row["sub"]) + row["label"], *values, change,
                        _flag_note(row["flag"])])
    summary.append([])
    for lang in ("vi", "en"):
        summary.append([_("Text (%(language)s)", language=lang), cell(summary, summary_text(report, lang), wrap=True)])
    summary.append([])
    summary.append([cell(summary, _("Counting rules"), bold=True)])
    for rule in counting_rules(report):
        summary.append(["", cell(summary, rule, wrap=True)])

    detail = workbook.create_sheet(_("Meetings"))
    for index, width in enumerate(DETAIL_WIDTHS, start=1):
        detail.column_dimensions[get_column_letter(index)].width = width
    detail.freeze_panes = "A2"
    detail.append([cell(detail, str(h), bold=True) for h in DETAIL_HEADERS])
    count = 0
    formats = {1: DAY_FORMAT, 2: TIME_FORMAT, 3: DAY_FORMAT, 4: TIME_FORMAT}
    for row in detail_rows(report, user):
        count += 1
        detail.append([cell(detail, v, number_format=formats[i]) if i in formats else v for i, v in enumerate(row)])
    detail.auto_filter.ref = f"A1:{get_column_letter(len(DETAIL_HEADERS))}{count + 1}"
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out


_SLUGS = {"year": "nam-{y}", "nine_months": "9-thang-{y}", "half_year": "6-thang-{y}", "quarter": "quy-{n}-{y}",
          "month": "thang-{n:02d}-{y}"}


def export_filename(report: Report, extension: str, stem: str = "bao-cao-hop") -> str:
    """'bao-cao-hop_quy-2-2026_20261202.xlsx': named after the period, dated with the office's local day."""
    period = report.period
    if period.kind == "range":
        name = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    else:
        name = _SLUGS[period.kind].format(y=period.year, n=period.number or 0)
        if period.basis == "cutoff":
            name += "-ky-chot-so-lieu"
    return f"{stem}_{name}_{local_today():%Y%m%d}.{extension}"
