"""The paragraph the office pastes into its review, in Vietnamese and in English, whatever the page's language.

The wording follows the office's own reports: "Năm 2022, Văn phòng đã tham mưu tổ chức 975 cuộc họp (giảm 10,4%
so với năm 2021), trong đó 12 phiên họp UBND Thành phố và 946 cuộc họp, hội nghị do Chủ tịch, các Phó Chủ tịch
chủ trì; 40 hội nghị trực tuyến với hơn 284.000 lượt đại biểu tại các điểm cầu."
"""

from babel import numbers as babel_numbers

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
    comparison = report.period.comparison(language)
    if change is None:
        return ""
    if change == 0:
        return f"{'không đổi' if language == 'vi' else 'unchanged'} {comparison}"
    if language == "vi":
        return f"{'tăng' if change > 0 else 'giảm'} {percent(abs(change), language)} {comparison}"
    return f"{'up' if change > 0 else 'down'} {percent(abs(change), language)} {comparison}"


def summary_text(report: Report, language: str = "vi") -> str:
    f = {key: fig.current for key, fig in report.figures.items()}
    n = lambda value: number(value, language)  # noqa: E731
    change = change_phrase(report, "held", language)
    period = report.period.title(language)
    if language == "vi":
        parts = [f"{period}, Văn phòng đã tham mưu tổ chức {n(f['held'])} cuộc họp"
                 + (f" ({change})" if change else "")
                 + f", trong đó {n(f['pc_sessions'])} phiên họp UBND Thành phố và {n(f['chaired_by_leaders'])} "
                   "cuộc họp, hội nghị do Chủ tịch, các Phó Chủ tịch chủ trì"
                 + (f" (kể cả {n(f['field_trips'])} cuộc đi kiểm tra cơ sở)" if f["field_trips"] else "")]
        if f["online_conferences"]:
            online = (f"{n(f['online_conferences'])} hội nghị trực tuyến với "
                      f"{approximately(f['bridge_participants'], language)} lượt đại biểu tại "
                      f"{n(f['bridge_points'])} điểm cầu")
            online += _incomplete(report, language)
            parts.append(online)
        if f["working_sessions"]:
            parts.append(f"{n(f['working_sessions'])} buổi làm việc với các đoàn"
                         + (f", trong đó {n(f['working_sessions_foreign'])} đoàn nước ngoài"
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
    parts = [f"{period}: the Office advised on and organised {n(f['held'])} meetings"
             + (f" ({change})" if change else "")
             + f", including {n(f['pc_sessions'])} sessions of the City People's Committee and "
               f"{n(f['chaired_by_leaders'])} meetings and conferences chaired by the Chairman and Vice Chairmen"
             + (f" (including {n(f['field_trips'])} field inspections)" if f["field_trips"] else "")]
    if f["online_conferences"]:
        online = (f"{n(f['online_conferences'])} online conferences with "
                  f"{approximately(f['bridge_participants'], language)} participant-attendances at "
                  f"{n(f['bridge_points'])} bridge points")
        online += _incomplete(report, language)
        parts.append(online)
    if f["working_sessions"]:
        parts.append(f"{n(f['working_sessions'])} working sessions with delegations"
                     + (f", {n(f['working_sessions_foreign'])} of them foreign" if f["working_sessions_foreign"]
                        else ""))
    if f["citizen_receptions"]:
        parts.append(f"{n(f['citizen_receptions'])} citizen reception sessions receiving "
                     f"{n(f['people_received'])} people")
    text = "; ".join(parts) + "."
    if f["relayed_conferences"]:
        text += (f" The Office also served {n(f['relayed_conferences'])} conferences relayed from another network "
                 f"to {n(f['relayed_bridge_points'])} bridge points with "
                 f"{approximately(f['relayed_participants'], language)} participant-attendances (not added above).")
    if report.masked:
        text += (f" (Figures as the author may see them: {n(report.masked)} meetings with classified content count "
                 "only in the total and by leader.)")
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
                     else f"{number(f['points_without_figure'], language)} bridge points without any figure")
    if f["conferences_without_points"]:
        parts.append(f"{number(f['conferences_without_points'], language)} hội nghị chưa ghi điểm cầu" if vi
                     else f"{number(f['conferences_without_points'], language)} conferences without bridge points")
    return f" ({'; '.join(parts)})" if parts else ""
