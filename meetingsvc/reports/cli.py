"""`flask report`: the report for a period as text, JSON, CSV or XLSX, from the command line."""

import json
import sys

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.time import local_today


class _Everyone:
    """The CLI is run by the server's operator: the detail sheet is not masked (like a database dump)."""

    is_authenticated = True
    role = "admin"
    clearance = "tuyet_mat"
    person_id = None


@click.command("report", help="Meeting counts for a period (local time), beside the same period a year earlier.")
@click.option("--from", "first", help="First day, YYYY-MM-DD.")
@click.option("--to", "last", help="Last day, YYYY-MM-DD.")
@click.option("--period", type=click.Choice(["year", "nine_months", "half_year", "quarter", "month"]),
              help="A named period instead of --from/--to.")
@click.option("--year", type=int)
@click.option("--quarter", type=click.IntRange(1, 4))
@click.option("--month", type=click.IntRange(1, 12))
@click.option("--basis", type=click.Choice(["calendar", "cutoff"]), default="calendar", show_default=True,
              help="cutoff = the Decree 09/2019 windows (15th to 14th).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "xlsx"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option("--language", type=click.Choice(["vi", "en"]), default="vi", show_default=True)
@with_appcontext
def report_command(first, last, period, year, quarter, month, basis, fmt, output, language):
    from meetingsvc.reports import exports, services
    from meetingsvc.reports.periods import period_from_args
    from meetingsvc.reports.text import summary_text

    args = {"from": first, "to": last, "period": period, "basis": basis, "year": str(year) if year else None,
            "quarter": str(quarter) if quarter else None, "month": str(month) if month else None}
    with force_locale(language):
        try:
            chosen = period_from_args(args, local_today().year)
        except ValidationError as exc:
            raise click.UsageError("; ".join(f"{k}: {v}" for k, v in exc.fields.items())) from exc
        report = services.build_report(chosen)
        if fmt == "xlsx":
            if not output:
                raise click.UsageError("--format xlsx needs --output FILE")
            with open(output, "wb") as fh:
                fh.write(exports.build_xlsx(report, _Everyone()).read())
            click.echo(f"{output}: {report.figures['held'].current} meetings held", err=True)
            return
        if fmt == "json":
            content = json.dumps(exports.summary_dict(report), ensure_ascii=False, indent=2)
        elif fmt == "csv":
            content = exports.summary_csv(report)
        else:
            content = _as_text(report, language, summary_text(report, language))
    if output:
        with open(output, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
    else:
        sys.stdout.write(content if content.endswith("\n") else content + "\n")


def _as_text(report, language, paragraph) -> str:
    from meetingsvc.reports.exports import figure_rows
    from meetingsvc.reports.text import number, percent

    lines = [report.period.label(language).upper(), "", paragraph, ""]
    width = 70
    header = f"{'':<{width}} {report.period.label(language)[:14]:>14} {report.previous_period.label(language)[:14]:>14}"
    lines.append(header + f" {'%':>9}")
    section = None
    for row in figure_rows(report):
        if row["section_label"] != section:
            section = row["section_label"]
            lines += ["", section]
        value = (lambda v: percent(v, language)) if row["unit"] == "percent" else (lambda v: number(v, language))
        change = "" if row["change_pct"] is None else percent(row["change_pct"], language)
        flag = " *" if row["flag"] else ""
        lines.append(f"  {row['label'][:width - 2]:<{width - 2}} {value(row['current']):>14} "
                     f"{value(row['previous']):>14} {change:>9}{flag}")
    return "\n".join(lines) + "\n"
