"""Who may open the reports (GET). Counts are aggregate numbers: every signed-in role may read them; the lists
behind them mask classified meetings the user may not see."""

EVERYONE = {"admin", "secretary", "technician", "leader", "viewer"}

ACCESS = {
    "reports.index": EVERYONE,
    "reports.meetings": EVERYONE,
    "reports.export_xlsx": EVERYONE,
    "reports.export_csv": EVERYONE,
    "reports.export_detail_csv": EVERYONE,
    "api.reports_summary": EVERYONE,
}
