"""A classified meeting never leaks through the reports to a user not cleared for it, and the figures still add up."""

import io
import json
import re
from datetime import date
from html import unescape

import pytest
from openpyxl import load_workbook

from meetingsvc.extensions import db
from meetingsvc.online.models import BridgePoint
from meetingsvc.reports.periods import make_period
from meetingsvc.reports.services import build_report

YEAR = {"period": "year", "year": "2022"}
SECRETS = ["Phương án Kỳ Lân 7", "Hội thảo", "Ban Cơ yếu Đặc biệt", "Hầm chỉ huy K9", "Điểm cầu Kỳ Lân",
           "Nội dung tuyệt đối", "kỳ lân"]


@pytest.fixture
def secret(dataset, create_meeting, create_unit):
    unit = create_unit(name="Ban Cơ yếu Đặc biệt")
    meeting = create_meeting(day=date(2022, 10, 20), start="14:00", end="16:00", kind="workshop", mode="hybrid",
                             classification="toi_mat", chair_id=dataset["vc1"].id, preparing_unit_id=unit.id,
                             location="Hầm chỉ huy K9", agenda="Nội dung tuyệt đối", present_count=12,
                             title="Phương án Kỳ Lân 7")
    db.session.add(BridgePoint(meeting_id=meeting.id, site_name="Điểm cầu Kỳ Lân", is_host=True,
                               planned_participants=77))
    db.session.commit()
    return meeting


def _consistent(figures, rows):
    f = {k: v["current"] for k, v in figures.items()}
    assert f["held"] == f["pc_sessions"] + f["chaired_by_leaders"] + f["other"]
    assert f["held"] == f["in_person"] + f["online"] + f["hybrid"] + f.get("classified", 0)
    assert f["held"] == sum(r["current"] for r in rows if r["key"].startswith("kind:"))
    assert f["held"] == sum(r["current"] for r in rows if r["key"].startswith("unit:"))
    return f


def test_counts_for_each_clearance(secret, create_user):
    office = build_report(make_period("year", 2022), with_monthly=False)
    viewer = build_report(make_period("year", 2022), user=create_user(role="viewer"), with_monthly=False)
    cleared_mat = build_report(make_period("year", 2022), user=create_user(role="secretary", clearance="mat"),
                               with_monthly=False)
    chair = build_report(make_period("year", 2022), user=create_user(role="leader", person_id=secret.chair_id),
                         with_monthly=False)
    assert office.masked == 0 and viewer.masked == 2 and cleared_mat.masked == 1 and chair.masked == 1
    for report in (office, viewer, cleared_mat, chair):
        assert report.figures["held"].current == 15  # the total keeps them all
        chaired = {row["value"]: row["figures"]["chair"].current for row in report.groups["leaders"]}
        assert chaired[secret.chair_id] == 5  # by leader too: 4 briefings and the secret meeting
    assert office.figures["hybrid"].current == 2 and viewer.figures["hybrid"].current == 1
    assert office.figures["field_trips"].current == 1 and viewer.figures["field_trips"].current == 0
    assert "workshop" in {r["value"] for r in office.groups["by_kind"]}
    assert "workshop" not in {r["value"] for r in viewer.groups["by_kind"]}
    assert [r["figures"]["kind"].current for r in viewer.groups["by_kind"] if r["value"] == "classified"] == [2]


def test_nothing_of_it_reaches_a_viewer(client, login_as, secret):
    login_as("viewer")
    fetched = {}
    page = client.get("/reports/", query_string=YEAR)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    fetched["page"] = html
    assert 'data-figure="classified:current"' in html and 'data-figure="unit:classified:current"' in html
    for href in sorted(set(re.findall(r'<a href="(/reports/meetings\?[^"]+)"', html))):
        listing = client.get(unescape(href))
        assert listing.status_code == 200
        fetched[href] = listing.get_data(as_text=True)
    for name in ("/reports/export.csv", "/reports/meetings.csv"):
        fetched[name] = client.get(name, query_string=YEAR).get_data(as_text=True)
    workbook = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=YEAR).data))
    fetched["xlsx"] = " ".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                               for c in row if c is not None)
    api = client.get("/api/v1/reports/summary", query_string=YEAR)
    fetched["api"] = json.dumps(api.get_json(), ensure_ascii=False)
    assert len(fetched) > 60
    for where, text in fetched.items():
        for word in SECRETS:
            assert word.lower() not in text.lower(), (where, word)
    # The meeting is there as a busy slot: in the list of everything held, with its time and chair only.
    held = fetched[next(h for h in fetched if "figure=held&" in h and "year=2022" in h)]
    assert "14:00–16:00" in held and "Họp (nội dung mật)" in held
    summary = api.get_json()
    assert summary["full_detail"] is False and summary["classified_not_shown"] == 2
    _consistent(summary["figures"], summary["rows"])


def test_a_cleared_user_sees_it_in_full(client, login_as, secret):
    login_as("secretary", clearance="tuyet_mat")
    html = client.get("/reports/", query_string=YEAR).get_data(as_text=True)
    assert "Hội thảo" in html and "Ban Cơ yếu Đặc biệt" in html
    assert 'data-figure="classified:current"' not in html and 'data-figure="kind:classified:current"' not in html
    summary = client.get("/api/v1/reports/summary", query_string=YEAR).get_json()
    assert summary["full_detail"] is True
    _consistent(summary["figures"], summary["rows"])
