"""A monthly chart of held meetings by kind, drawn as SVG by the app (no JavaScript, no CDN).

Stacked bars per local month, one colour per kind (the seven most frequent; the rest as "other kinds"), and a
dashed line for the same months a year earlier. With the reporting cut-off windows the months are the cut-off
months (15th of the month before to the 14th), labelled by the month they end in. The SVG has a <title> and
<desc> for screen readers, axis labels and a legend whose long names wrap, and prints as it is.
"""

import textwrap

from flask_babel import gettext as _
from markupsafe import Markup, escape

from meetingsvc.meetings.models import KINDS
from meetingsvc.reports.periods import MONTHS_EN
from meetingsvc.reports.services import CLASSIFIED, CLASSIFIED_LABEL, Report

PALETTE = ["#b3261e", "#1f5fa8", "#1e7d32", "#a05a00", "#6a3d9a", "#00838f", "#7b5e57", "#9e9e9e"]
WIDTH, HEIGHT = 960, 400
LEFT, RIGHT, TOP, BOTTOM = 56, 270, 40, 56
MAX_KINDS = 7
LEGEND_CHARS = 34  # characters of a legend line before it wraps
LINE = 14


def _nice_max(value: int) -> int:
    """The top of the y axis: the smallest round number >= value whose fifths are round too (5, 10, 15, 20, 30,
    40, 50, 60, 80, 100, 150, …), so that the tallest bar fills most of the plot."""
    if value <= 5:
        return 5
    step = 10 ** (len(str(value)) - 1)
    for factor in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        top = int(step * factor)
        if top >= value and top % 5 == 0:
            return top
    return value


def _month_label(month, many_years: bool, cutoff: bool) -> str:
    """'T3' in Vietnamese, 'Mar' in English (or '03/22' over several years); a cut-off month is named by the month
    it ends in."""
    if cutoff:
        month = month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)
    if many_years:
        return f"{month.month:02d}/{month.year % 100:02d}"
    return f"T{month.month}" if _lang() == "vi" else MONTHS_EN[month.month - 1][:3]


def render_chart(report: Report) -> Markup:
    monthly = report.monthly["current"]
    previous = report.monthly["previous"]["totals"]
    months, by_kind, totals = monthly["months"], monthly["by_kind"], monthly["totals"]
    ranked = sorted(by_kind, key=lambda k: -sum(by_kind[k]))
    shown = ranked[:MAX_KINDS]
    series = [(str(CLASSIFIED_LABEL) if k == CLASSIFIED else str(KINDS.get(k, k)), by_kind[k]) for k in shown]
    rest = ranked[MAX_KINDS:]
    if rest:
        series.append((_("Other kinds"), [sum(by_kind[k][i] for k in rest) for i in range(len(months))]))
    top = _nice_max(max(totals + previous[: len(months)] + [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(months), 1)
    bar = max(slot * 0.6, 1)
    cutoff = bool(monthly.get("cutoff"))
    many_years = len({m.year for m in months[1:] or months}) > 1
    title = _("Meetings held per month by kind, %(period)s", period=report.period.label(_lang(), until=report.until))
    desc = _("Total %(total)s meetings; the dashed line is the same month a year earlier.", total=sum(totals))

    def y(value):
        return TOP + plot_h - plot_h * value / top

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-labelledby="reports-chart-title reports-chart-desc" class="reports-chart" '
           f'font-family="sans-serif" font-size="12">',
           f'<title id="reports-chart-title">{escape(title)}</title>',
           f'<desc id="reports-chart-desc">{escape(desc)}</desc>',
           f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i in range(6):  # horizontal grid and y axis labels (every nice maximum divides by 5)
        value = top * i / 5
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                   f'stroke="#d9dde3"/>')
        label = f"{value:g}" if value == int(value) else f"{value:.1f}"
        out.append(f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{label}</text>')
    out.append(f'<text transform="translate(14 {TOP + plot_h / 2}) rotate(-90)" text-anchor="middle">'
               f'{escape(_("Meetings"))}</text>')
    axis = _("Month (cut-off months: the 15th of the month before to the 14th)") if cutoff else _("Month")
    out.append(f'<text x="{LEFT + plot_w / 2}" y="{HEIGHT - 10}" text-anchor="middle">{escape(axis)}</text>')
    step = max(1, len(months) // 24)
    for i, month in enumerate(months):
        x = LEFT + slot * i + (slot - bar) / 2
        base = 0
        for index, (name, values) in enumerate(series):
            value = values[i]
            if value:
                out.append(f'<rect x="{x:.1f}" y="{y(base + value):.1f}" width="{bar:.1f}" '
                           f'height="{y(base) - y(base + value):.1f}" fill="{PALETTE[index % len(PALETTE)]}">'
                           f'<title>{escape(name)}: {value}</title></rect>')
                base += value
        if i % step == 0:
            out.append(f'<text x="{x + bar / 2:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">'
                       f'{escape(_month_label(month, many_years, cutoff))}</text>')
    if len(previous) == len(months) and any(previous):
        points = " ".join(f"{LEFT + slot * i + slot / 2:.1f},{y(v):.1f}" for i, v in enumerate(previous))
        out.append(f'<polyline points="{points}" fill="none" stroke="#1d1f23" stroke-width="1.5" '
                   f'stroke-dasharray="5 4"/>')
    out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="#1d1f23"/>')
    lx = LEFT + plot_w + 16
    ly = TOP
    for index, (name, values) in enumerate(series):
        lines = textwrap.wrap(f"{name} ({sum(values)})", LEGEND_CHARS) or [""]
        out.append(f'<rect x="{lx}" y="{ly}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>')
        spans = "".join(f'<tspan x="{lx + 18}" dy="{0 if n == 0 else LINE}">{escape(text)}</tspan>'
                        for n, text in enumerate(lines))
        out.append(f'<text x="{lx + 18}" y="{ly + 10}">{spans}</text>')
        ly += LINE * len(lines) + 6
    out.append(f'<line x1="{lx}" x2="{lx + 12}" y1="{ly + 6}" y2="{ly + 6}" stroke="#1d1f23" '
               f'stroke-dasharray="4 3"/>')
    out.append(f'<text x="{lx + 18}" y="{ly + 10}">{escape(_("A year earlier"))}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "vi")
