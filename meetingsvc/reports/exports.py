"""The report as data: a table of figures (JSON, CSV, XLSX summary) and the detail of every counted meeting.

Every output takes its numbers from `figure_rows(report)`, so the page, the CSV, the XLSX, the CLI and the API
always agree. The XLSX is written by openpyxl's write-only workbook into a temporary file, the detail sheet
streamed from the database in chunks, so a ten-year export keeps memory flat.
"""

import csv
import io
import tempfile
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from meetingsvc.core.time import to_local
from meetingsvc.extensions import db
from meetingsvc.meetings.models import KINDS, MODES, STATUSES, Meeting
from meetingsvc.meetings.visibility import present
from meetingsvc.reports.services import SECTIONS, Report, _in_period, held_condition, participants_by_meeting
from meetingsvc.reports.text import summary_text

COUNTING_RULES = [
    _l("A meeting belongs to the period of its local start time (Asia/Ho_Chi_Minh)."),
    _l("Held = status held, or scheduled with a start before the report was made. Scheduled meetings still to "
       "come are shown apart and not counted. Drafts do not count."),
    _l("Each held occurrence of a recurring meeting counts once; cancelled meetings and occurrences do not count."),
    _l("A postponed meeting counts once, when it is held; the status postponed itself is counted apart."),
    _l("A meeting counts once in the totals; per leader it counts for its chair, co-chairs and leaders attending "
       "without chairing are reported in their own columns."),
    _l("Chaired by the Chairman and Vice Chairmen = not a PC session, and chaired or co-chaired by the Chairman, "
       "the Standing Vice Chairman or a Vice Chairman. Other = the rest, so that every held meeting is accounted "
       "for."),
    _l("Participant-attendances = the sum over the bridge points of held online and hybrid conferences of the actual "
       "participants where recorded, else the planned figure (then flagged), plus the people present at in-person "
       "meetings. Conferences relayed from another network are counted apart and not added."),
    _l("Room use = hours booked (start to end) / (working days of the period x working hours of a day)."),
    _l("Counts include classified meetings (they are aggregate numbers); the lists behind them mask what you may "
       "not see."),
]

DETAIL_CHUNK = 1000


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
            "flag": fig.flag,
        }
        for fig in report.rows()
    ]


def summary_dict(report: Report) -> dict:
    """The JSON the API and `flask report --format json` return."""
    return {
        "period": report.period.as_dict(),
        "previous_period": report.previous_period.as_dict(),
        "as_of": report.as_of.isoformat(),
        "working_days": report.working_days,
        "working_hours_per_day": report.hours_per_day,
        "participants_flagged": report.participants_flagged,
        "figures": {row["key"]: {k: row[k] for k in ("current", "previous", "change_pct", "unit", "flag")}
                    for row in figure_rows(report)},
        "rows": figure_rows(report),
        "monthly": {
            "months": [m.isoformat()[:7] for m in report.monthly.get("current", {}).get("months", [])],
            "by_kind": report.monthly.get("current", {}).get("by_kind", {}),
            "totals": report.monthly.get("current", {}).get("totals", []),
            "previous_totals": report.monthly.get("previous", {}).get("totals", []),
        },
        "text": {"vi": summary_text(report, "vi"), "en": summary_text(report, "en")},
        "rules": [str(rule) for rule in COUNTING_RULES],
    }


CSV_COLUMNS = ("section", "key", "label", "current", "previous", "change_pct", "unit", "flag")


def summary_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Section"), _("Key"), _("Figure"), report.period.label(_language()),
                     report.previous_period.label(_language()), _("Change (%)"), _("Unit"), _("Note")])
    for row in figure_rows(report):
        writer.writerow([row["section_label"], row["key"], row["label"], row["current"], row["previous"],
                         "" if row["change_pct"] is None else row["change_pct"], row["unit"], row["flag"] or ""])
    return "\ufeff" + out.getvalue()  # a BOM so that Excel opens the Vietnamese text as UTF-8


def _language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")


DETAIL_HEADERS = [
    _l("No."), _l("Date"), _l("Start"), _l("End"), _l("Title"), _l("Kind"), _l("Status"), _l("Mode"), _l("Chair"),
    _l("Co-chairs"), _l("Leaders attending"), _l("Preparing unit"), _l("Room / place"), _l("Bridge points"),
    _l("Participant-attendances at bridge points"), _l("Present in person"), _l("People received"), _l("Relayed"),
]


def detail_rows(report: Report, user):
    """Every counted (held) meeting of the period, in order, as lists of cells; masked where `user` may not see."""
    where = sa.and_(_in_period(report.period.bounds), held_condition(report.as_of))
    query = (sa.select(Meeting).where(where).order_by(Meeting.start_at, Meeting.id)
             .execution_options(yield_per=DETAIL_CHUNK))
    number = 0
    for chunk in db.session.scalars(query).partitions(DETAIL_CHUNK):
        points = participants_by_meeting([m.id for m in chunk])
        for meeting in chunk:
            number += 1
            shown = present(meeting, user)
            start, end = to_local(meeting.start_at), to_local(meeting.end_at)
            leaders = [", ".join(p.label for p in people) for people in (shown.co_chairs, shown.attending_leaders)]
            chair = shown.chair.label if shown.chair else ""
            if getattr(shown, "is_masked", False):
                yield [number, start.strftime("%d/%m/%Y"), start.strftime("%H:%M"), end.strftime("%H:%M"),
                       shown.title, "", str(STATUSES.get(meeting.status, "")), "", chair, *leaders,
                       "", "", "", "", "", "", ""]
                continue
            n_points, participants = points.get(meeting.id, (0, 0))
            yield [
                number, start.strftime("%d/%m/%Y"), start.strftime("%H:%M"), end.strftime("%H:%M"), meeting.title,
                str(KINDS.get(meeting.kind, meeting.kind)), str(STATUSES.get(meeting.status, meeting.status)),
                str(MODES.get(meeting.mode, meeting.mode)), chair, *leaders,
                meeting.preparing_unit.name if meeting.preparing_unit else "", meeting.location_label,
                n_points, participants, meeting.present_count if meeting.present_count is not None else "",
                meeting.people_count if meeting.people_count is not None else "",
                meeting.origin_network or (_("yes") if meeting.is_relayed else ""),
            ]
        for meeting in chunk:  # keep the identity map small on a ten-year export
            db.session.expunge(meeting)


def detail_csv(report: Report, user):
    """The detail list as CSV, streamed line by line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(h) for h in DETAIL_HEADERS])
    yield "\ufeff" + out.getvalue()
    for row in detail_rows(report, user):
        out.seek(0)
        out.truncate()
        writer.writerow(row)
        yield out.getvalue()


def build_xlsx(report: Report, user) -> tempfile.SpooledTemporaryFile:
    """A workbook with a summary sheet (figures, the text, the rules) and a detail sheet of every counted meeting."""
    language = _language()
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 70
    for col in "CDEF":
        summary.column_dimensions[col].width = 16

    def bold(value, size=None):
        cell = WriteOnlyCell(summary, value=value)
        cell.font = Font(bold=True, size=size) if size else Font(bold=True)
        return cell

    summary.append([bold(_("Meeting report, %(period)s", period=report.period.label(language)), 14)])
    summary.append([_("Compared with"), report.previous_period.label(language)])
    summary.append([_("Made on"), to_local(report.as_of).strftime("%d/%m/%Y %H:%M")])
    summary.append([])
    for lang in ("vi", "en"):
        cell = WriteOnlyCell(summary, value=summary_text(report, lang))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        summary.append([_("Text (%(language)s)", language=lang), cell])
    summary.append([])
    summary.append([bold(h) for h in (_("Section"), _("Figure"), report.period.label(language),
                                      report.previous_period.label(language), _("Change (%)"), _("Note"))])
    for row in figure_rows(report):
        summary.append([row["section_label"], row["label"], row["current"], row["previous"],
                        row["change_pct"], _("partly planned figures") if row["flag"] == "planned" else ""])
    summary.append([])
    summary.append([bold(_("Counting rules"))])
    for rule in COUNTING_RULES:
        summary.append(["", str(rule)])

    detail = workbook.create_sheet(_("Meetings"))
    for col, width in zip("ABCDEFGHIJKLMNOPQR", (6, 11, 7, 7, 60, 24, 12, 12, 30, 30, 30, 30, 30, 10, 12, 10, 10, 14),
                          strict=True):
        detail.column_dimensions[col].width = width
    detail.append([WriteOnlyCell(detail, value=str(h)) for h in DETAIL_HEADERS])
    for row in detail_rows(report, user):
        detail.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    workbook.save(out)
    out.seek(0)
    return out


def export_filename(report: Report, extension: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return f"bao-cao-hop_{report.period.first:%Y%m%d}-{report.period.last:%Y%m%d}_{stamp}.{extension}"
