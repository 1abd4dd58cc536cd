"""`flask report`: the report for a period as text, JSON, CSV or XLSX, from the command line.

The CLI is run by the server's operator for the office: its figures are the office's full figures, classified
meetings included in every breakdown, and its detail sheet is not masked (like a database dump).
"""

import json
import os
import sys
import textwrap

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import local_today

LABEL_WIDTH = 62


class _Office:
    """The office as a user: cleared for everything (the CLI's operator)."""

    is_authenticated = True
    role = "admin"
    clearance = "tuyet_mat"
    person_id = None


@click.command("report", help="Meeting counts for a period (local time), beside the same period a year earlier. "
                              "Run for the office: full figures, classified meetings included.")
@click.option("--from", "first", help="First day, YYYY-MM-DD.")
@click.option("--to", "last", help="Last day, YYYY-MM-DD (a whole year, quarter, … is reported as that period).")
@click.option("--period", type=click.Choice(["year", "nine_months", "half_year", "quarter", "month"]),
              help="A named period instead of --from/--to.")
@click.option("--year", type=int)
@click.option("--quarter", type=click.IntRange(1, 4))
@click.option("--month", type=click.IntRange(1, 12))
@click.option("--basis", type=click.Choice(["calendar", "cutoff"]), default="calendar", show_default=True,
              help="cutoff = the Decree 09/2019 windows (15th to 14th).")
@click.option("--units", type=click.Choice(["now", "then"]), default="now", show_default=True,
              help="Preparing units as they are now (after mergers) or as stored on the meeting.")
@click.option("--attended", type=click.Choice(["exclude", "include"]), default="exclude", show_default=True,
              help="Whether meetings the Chairman and Vice Chairmen only attended count in the total.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True),
              help="File to write (default: stdout; for xlsx a file named after the period in this folder).")
@click.option("--language", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@with_appcontext
def report_command(first, last, period, year, quarter, month, basis, units, attended, fmt, output, language):
    from meetingsvc.reports import exports, services
    from meetingsvc.reports.options import options_from_args
    from meetingsvc.reports.periods import period_from_args
    from meetingsvc.reports.text import summary_text

    args = {"from": first, "to": last, "period": period, "basis": basis, "year": str(year) if year else None,
            "quarter": str(quarter) if quarter else None, "month": str(month) if month else None,
            "units": units, "attended": attended}
    with force_locale(language):
        try:
            chosen = period_from_args(args, local_today().year)
            options = options_from_args(args)
        except ValidationError as exc:
            raise click.UsageError("; ".join(f"--{k}: {v}" for k, v in exc.fields.items())) from exc
        report = services.build_report(chosen, user=_Office(), options=options)
        if fmt == "xlsx":
            path = output or exports.export_filename(report, "xlsx")
            with open(path, "wb") as fh:
                fh.write(exports.build_xlsx(report, _Office()).read())
            from meetingsvc.reports.text import number

            held = number(report.figures["held"].current, language)
            click.echo(f"{os.path.abspath(path)}: {report.title(language)}, "
                       + (f"{held} cuộc họp đã tổ chức" if language == "vi" else f"{held} meetings held"), err=True)
            return
        if fmt == "json":
            content = json.dumps(exports.summary_dict(report), ensure_ascii=False, indent=2)
        elif fmt == "csv":
            content = exports.summary_csv(report)
        else:
            content = as_text(report, language, summary_text(report, language))
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
    else:
        sys.stdout.write(content if content.endswith("\n") else content + "\n")


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def as_text(report, language, paragraph) -> str:
    """A readable table: labels wrapped at LABEL_WIDTH, the period columns as wide as their headings need."""
    from meetingsvc.reports.exports import figure_rows
    from meetingsvc.reports.text import number, percent

    vi = language == "vi"
    current, previous = report.title(language), report.previous_period.title(language)
    width = max(14, min(26, max(len(current), len(previous))))
    change_width = 10
    lines = [current.upper(), ""]
    lines += textwrap.wrap(paragraph, LABEL_WIDTH + 2 * width + change_width + 3) + [""]
    lines.append("Số liệu đầy đủ của Văn phòng (dòng lệnh chạy với quyền của Văn phòng, kể cả cuộc họp mật)." if vi
                 else "The office's full figures (the command line runs as the office, classified meetings "
                      "included).")
    heads = [_wrap(current, width), _wrap(previous, width), [("Tăng/giảm" if vi else "Change")]]
    for i in range(max(len(h) for h in heads)):
        cells = [h[i] if i < len(h) else "" for h in heads]
        lines.append(f"{'':<{LABEL_WIDTH}} {cells[0]:>{width}} {cells[1]:>{width}} {cells[2]:>{change_width}}")
    lines.append("-" * (LABEL_WIDTH + 2 * width + change_width + 3))
    section = None
    for row in figure_rows(report):
        if row["section_label"] != section:
            section = row["section_label"]
            lines += ["", section]
        if row["unit"] == "percent":
            def show(v):
                return percent(v, language)
        else:
            def show(v):
                return number(v, language)
        change = "" if row["change_pct"] is None else ("+" if row["change_pct"] > 0 else "") + percent(
            row["change_pct"], language)
        flag = " *" if row["flag"] else ""
        indent = "  " * (1 + row["sub"])
        label = _wrap(row["label"], LABEL_WIDTH - len(indent))
        for text in label[:-1]:
            lines.append(f"{indent}{text}")
        lines.append(f"{indent}{label[-1]:<{LABEL_WIDTH - len(indent)}} {show(row['current']):>{width}} "
                     f"{show(row['previous']):>{width}} {change:>{change_width}}{flag}")
    if report.participants_flagged:
        lines += ["", "* " + ("Một phần là số dự kiến hoặc chưa có số liệu." if vi
                              else "Partly planned or missing figures.")]
    return "\n".join(lines) + "\n"
