"""The paragraph the office pastes into its review, in Vietnamese and in English, whatever the page's language.

The wording follows the office's own reports: "Năm 2022, Văn phòng đã tham mưu tổ chức 975 cuộc họp (giảm 10,4%
so với năm 2021), trong đó có 12 phiên họp UBND Thành phố và 946 cuộc họp, hội nghị do Chủ tịch, các Phó Chủ tịch
UBND Thành phố chủ trì; 40 hội nghị trực tuyến với hơn 284.000 lượt đại biểu tham dự tại … điểm cầu." ("UBND tỉnh"
when the office's name says it is a province's.) While the period is still running, it says up to which day
("Năm 2026 (tính đến ngày 02/12/2026)") and compares with the same part of the year before ("so với cùng kỳ").
English counts take their plural ("1 session", "2 sessions").
"""

from babel import numbers as babel_numbers
from flask import current_app

from meetingsvc.reports.services import Report


def number(value, language: str) -> str:
    return babel_numbers.format_decimal(value, locale=language, group_separator=True)


def percent(value: float, language: str) -> str:
    return babel_numbers.format_decimal(value, format="#,##0.0", locale=language) + "%"


def approximately(value: int, language: str) -> str:
    """'hơn 284.000' for 284.350: large sums are rounded down to thousands and said to be 'over'."""
    if value < 10000 or value % 1000 == 0:
        return number(value, language)
    return ("hơn " if language == "vi" else "over ") + number(value - value % 1000, language)


def change_phrase(report: Report, key: str, language: str) -> str:
    """'giảm 10,4% so với năm 2021' / 'down 10.4% compared with 2021'; '' when there is nothing to compare."""
    figure = report.figures[key]
    change = figure.change
    comparison = report.comparison(language)
    if change is None:
        return ""
    if change == 0:
        return f"{'không đổi' if language == 'vi' else 'unchanged'} {comparison}"
    if language == "vi":
        return f"{'tăng' if change > 0 else 'giảm'} {percent(abs(change), language)} {comparison}"
    return f"{'up' if change > 0 else 'down'} {percent(abs(change), language)} {comparison}"


def committee(language: str) -> str:
    """'UBND Thành phố' / 'City People's Committee', or the province's ('UBND tỉnh') after the office's name."""
    name = str(current_app.config.get("OFFICE_NAME", "")).lower()
    province = "tỉnh" in name or "province" in name
    if language == "vi":
        return "UBND tỉnh" if province else "UBND Thành phố"
    return "Provincial People's Committee" if province else "City People's Committee"


def lead(report: Report, language: str) -> str:
    """How the paragraph opens: 'Năm 2022', 'Quý I/2024 (tính đến ngày 02/12/2026)', 'In 2022', 'In Q1 2024',
    'From 01/03/2022 to 15/05/2022', 'On 12/04/2022'."""
    if language == "vi":
        return report.title("vi")
    period = report.period
    text = period.label("en", until=report.until)
    if period.kind == "range":
        return ("On " if period.first == period.last else "From ") + text
    if period.kind == "year":
        text = text.removeprefix("year ")
    elif period.kind in ("nine_months", "half_year"):
        text = "the " + text
    return "In " + text


def _count(value: int, singular: str, plural: str) -> str:
    """'1 meeting', '2 meetings' (English only: Vietnamese nouns do not change)."""
    return f"{number(value, 'en')} {singular if value == 1 else plural}"


def summary_text(report: Report, language: str = "vi") -> str:
    f = {key: fig.current for key, fig in report.figures.items()}
    n = lambda value: number(value, language)  # noqa: E731
    change = change_phrase(report, "held", language)
    pc = committee(language)
    if language == "vi":
        of_which = [f"{n(f['pc_sessions'])} phiên họp {pc}"] if f["pc_sessions"] else []
        if f["chaired_by_leaders"]:
            of_which.append(f"{n(f['chaired_by_leaders'])} cuộc họp, hội nghị do Chủ tịch, các Phó Chủ tịch {pc} "
                            "chủ trì"
                            + (f" (kể cả {n(f['field_trips'])} cuộc đi kiểm tra cơ sở)" if f["field_trips"] else ""))
        parts = [f"{lead(report, 'vi')}, Văn phòng đã tham mưu tổ chức {n(f['held'])} cuộc họp"
                 + (f" ({change})" if change else "")
                 + (f", trong đó có {' và '.join(of_which)}" if of_which else "")]
        if f["online_conferences"]:
            online = (f"{n(f['online_conferences'])} hội nghị trực tuyến với "
                      f"{approximately(f['bridge_participants'], language)} lượt đại biểu tham dự tại "
                      f"{n(f['bridge_points'])} điểm cầu")
            online += _incomplete(report, language)
            parts.append(online)
        if f["working_sessions"]:
            parts.append(f"{n(f['working_sessions'])} buổi làm việc với các đoàn"
                         + (f", trong đó có {n(f['working_sessions_foreign'])} đoàn nước ngoài"
                            if f["working_sessions_foreign"] else ""))
        if f["citizen_receptions"]:
            parts.append(f"{n(f['citizen_receptions'])} buổi tiếp công dân, tiếp {n(f['people_received'])} "
                         "lượt công dân")
        text = "; ".join(parts) + "."
        if f["relayed_conferences"]:
            text += (f" Ngoài ra, Văn phòng phục vụ {n(f['relayed_conferences'])} hội nghị truyền dẫn từ hệ thống "
                     f"khác tới {n(f['relayed_bridge_points'])} điểm cầu với "
                     f"{approximately(f['relayed_participants'], language)} lượt đại biểu (không cộng vào số trên).")
        if report.masked:
            text += (f" (Số liệu theo quyền xem của người lập: {n(report.masked)} cuộc họp có nội dung mật chỉ được "
                     "tính vào tổng số và số theo lãnh đạo.)")
        return text
    of_which = [f"{_count(f['pc_sessions'], 'session', 'sessions')} of the {pc}"] if f["pc_sessions"] else []
    if f["chaired_by_leaders"]:
        of_which.append(f"{_count(f['chaired_by_leaders'], 'meeting or conference', 'meetings and conferences')} "
                        "chaired by the Chairman and Vice Chairmen"
                        + (f" (including {_count(f['field_trips'], 'field inspection', 'field inspections')})"
                           if f["field_trips"] else ""))
    parts = [f"{lead(report, 'en')}, the Office advised on and organised {_count(f['held'], 'meeting', 'meetings')}"
             + (f" ({change})" if change else "")
             + (f", including {' and '.join(of_which)}" if of_which else "")]
    if f["online_conferences"]:
        online = (f"{_count(f['online_conferences'], 'online conference', 'online conferences')} with "
                  f"{approximately(f['bridge_participants'], language)} participant-attendances at "
                  f"{_count(f['bridge_points'], 'bridge point', 'bridge points')}")
        online += _incomplete(report, language)
        parts.append(online)
    if f["working_sessions"]:
        parts.append(_count(f["working_sessions"], "working session with delegations",
                            "working sessions with delegations")
                     + (f", {n(f['working_sessions_foreign'])} of them foreign" if f["working_sessions_foreign"]
                        else ""))
    if f["citizen_receptions"]:
        parts.append(f"{_count(f['citizen_receptions'], 'citizen reception session', 'citizen reception sessions')}"
                     f" receiving {_count(f['people_received'], 'person', 'people')}")
    text = "; ".join(parts) + "."
    if f["relayed_conferences"]:
        text += (f" The Office also served "
                 f"{_count(f['relayed_conferences'], 'conference', 'conferences')} relayed from another network "
                 f"to {_count(f['relayed_bridge_points'], 'bridge point', 'bridge points')} with "
                 f"{approximately(f['relayed_participants'], language)} participant-attendances (not added above).")
    if report.masked:
        counted = _count(report.masked, "meeting with classified content counts",
                         "meetings with classified content count")
        text += f" (Figures as the author may see them: {counted} only in the total and by leader.)"
    return text


def _incomplete(report: Report, language: str) -> str:
    """' (trong đó 100 lượt theo số dự kiến; 1 điểm cầu chưa có số liệu)': what is not an actual figure."""
    f = {key: fig.current for key, fig in report.figures.items()}
    vi = language == "vi"
    parts = []
    if f["participants_planned_only"]:
        parts.append(f"trong đó {number(f['participants_planned_only'], language)} lượt theo số dự kiến" if vi
                     else f"of which {number(f['participants_planned_only'], language)} as planned, not yet recorded")
    if f["points_without_figure"]:
        parts.append(f"{number(f['points_without_figure'], language)} điểm cầu chưa có số liệu" if vi
                     else _count(f["points_without_figure"], "bridge point", "bridge points") + " without any figure")
    if f["conferences_without_points"]:
        parts.append(f"{number(f['conferences_without_points'], language)} hội nghị chưa ghi điểm cầu" if vi
                     else _count(f["conferences_without_points"], "conference", "conferences")
                     + " without bridge points")
    return f" ({'; '.join(parts)})" if parts else ""
