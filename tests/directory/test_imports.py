"""Bulk load: parse CSV/XLSX, preview with named row errors, confirm all-or-nothing, templates."""

import io
import re

import pytest

from meetingsvc.core.errors import ValidationError
from meetingsvc.directory import imports
from meetingsvc.directory.models import Person, Unit
from meetingsvc.extensions import db
from tests.directory.conftest import unit_by_code

UNITS_CSV = """code,name,kind,parent_code,valid_to,successor_codes
01,Thành phố Hà Nội,city,,,
001,Quận Ba Đình,district,01,30/06/2025,X25-003
00001,Phường Phúc Xá,Phường,001,2025-06-30,
X25-003,Phường Ba Đình,ward,01,,
"""


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_units_csv_plans_creates_and_applies_parents_before_children():
    result = imports.plan(imports.parse("units", "u.csv", UNITS_CSV.encode()))
    assert result.ok, result.all_errors
    assert [r["code"] for r in result.creates] == ["01", "001", "00001", "X25-003"]
    imports.apply(result)
    db.session.commit()
    ward, district = unit_by_code("00001"), unit_by_code("001")
    assert ward.parent_id == district.id and ward.kind == "ward"
    assert str(district.valid_to) == "2025-06-30"
    assert [s.code for s in district.successors] == ["X25-003"]
    again = imports.plan(imports.parse("units", "u.csv", UNITS_CSV.encode()))
    assert again.ok and not again.creates and not again.updates and again.unchanged == 4


def test_every_row_error_is_named_with_row_and_column(create_unit):
    create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    text = """code,name,kind,parent_code,valid_from
SO-A,Sở A,department,01,
SO-A,Sở A bis,department,01,
SO-B,,department,01,
SO-C,Sở C,planet,01,
SO-D,Sở D,department,NOPE,
SO-E,Sở E,department,01,31/02/2025
"""
    result = imports.plan(imports.parse("units", "u.csv", text.encode()))
    errors = {(e.row, e.column) for e in result.all_errors}
    assert errors == {(3, "code"), (4, "name"), (5, "kind"), (6, "parent_code"), (7, "valid_from")}
    assert not result.ok
    with pytest.raises(ValidationError):
        imports.apply(result)
    assert db.session.query(Unit).count() == 1


def test_a_parent_cycle_inside_the_file_is_an_error():
    text = "code,name,kind,parent_code\nA,Đơn vị A,other,B\nB,Đơn vị B,other,A\n"
    result = imports.plan(imports.parse("units", "u.csv", text.encode()))
    assert {e.column for e in result.all_errors} == {"parent_code"}


def test_wrong_or_missing_columns_are_refused():
    result = imports.plan(imports.parse("units", "u.csv", b"code,ten_sai,kind\nA,B,other\n"))
    messages = " ".join(e.message for e in result.all_errors)
    assert "ten_sai" in messages and "name" in messages
    assert not result.ok


def test_vietnamese_headers_and_semicolons_and_xlsx():
    text = "Mã;Tên đơn vị;Loại\n01;Thành phố Hà Nội;Tỉnh / thành phố\n"
    result = imports.plan(imports.parse("units", "u.csv", text.encode("utf-8-sig")))
    assert result.ok and result.creates[0]["kind"] == "city"
    content = _xlsx([["code", "name", "kind", "parent_code"], ["01", "Thành phố Hà Nội", "city", None],
                     ["002", "Quận Hoàn Kiếm", "district", "01"]])
    result = imports.plan(imports.parse("units", "u.xlsx", content))
    assert result.ok and len(result.creates) == 2
    with pytest.raises(ValidationError):
        imports.parse("units", "u.xlsx", b"not a workbook")
    with pytest.raises(ValidationError):
        imports.parse("units", "u.pdf", b"%PDF")


def test_people_import_checks_units_and_emails_and_updates_by_email(create_unit, create_person):
    create_unit(code="SO-NV", name="Sở Nội vụ")
    known = create_person(full_name="Lê Văn Cũ", email="cu@hanoi.gov.vn")
    text = """full_name,title,unit_code,email,is_leader,leader_role,leader_rank
Lê Văn Cũ,Giám đốc Sở,SO-NV,CU@hanoi.gov.vn,no,,
Nguyễn Văn Mới,Phó Giám đốc,SO-NV,moi@hanoi.gov.vn,không,,
Sai Thư,Chuyên viên,SO-NV,sai-thu,no,,
Sai Đơn Vị,Chuyên viên,SO-XX,,no,,
Trùng Thư,Chuyên viên,SO-NV,moi@hanoi.gov.vn,no,,
Phó Chủ tịch,PCT,,,có,Phó Chủ tịch,0
"""
    result = imports.plan(imports.parse("people", "p.csv", text.encode()))
    errors = {(e.row, e.column) for e in result.all_errors}
    assert errors == {(4, "email"), (5, "unit_code"), (6, "email"), (7, "leader_rank")}
    ok = imports.plan(imports.parse("people", "p.csv", "\n".join(text.splitlines()[:3]).encode()))
    assert ok.ok and len(ok.creates) == 1 and ok.updates[0][1].id == known.id
    imports.apply(ok)
    db.session.commit()
    assert db.session.get(Person, known.id).title == "Giám đốc Sở"
    assert db.session.query(Person).count() == 2


def test_preview_then_confirm_through_the_pages(client, login_as):
    login_as("admin")
    preview = client.post("/directory/import", data={"what": "units", "file": (io.BytesIO(UNITS_CSV.encode()), "u.csv")},
                          content_type="multipart/form-data")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Phường Phúc Xá" in page and db.session.query(Unit).count() == 0
    token = re.search(r'<input[^>]*name="payload"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]+)"', token).group(1)
    tampered = client.post("/directory/import/confirm", data={"payload": value[:-3] + "abc"})
    assert tampered.status_code == 302 and db.session.query(Unit).count() == 0
    done = client.post("/directory/import/confirm", data={"payload": value})
    assert done.status_code == 302
    assert db.session.query(Unit).count() == 4


def test_confirm_is_all_or_nothing_when_the_database_changed_meanwhile(client, login_as, create_unit):
    login_as("admin")
    preview = client.post("/directory/import", data={"what": "units", "file": (io.BytesIO(UNITS_CSV.encode()), "u.csv")},
                          content_type="multipart/form-data")
    token = re.search(r'<input[^>]*name="payload"[^>]*>', preview.get_data(as_text=True)).group(0)
    value = re.search(r'value="([^"]+)"', token).group(1)
    # meanwhile another admin adds two of the file's units: the confirmation plans again and updates them
    create_unit(code="X25-003", name="Phường Ba Đình", kind="ward")
    create_unit(code="00001", name="Phường Phúc Xá", kind="ward")
    db.session.query(Unit).filter_by(code="00001").update({"kind": "commune"})
    db.session.commit()
    before = db.session.query(Unit).count()
    bad = UNITS_CSV.replace("00001,Phường Phúc Xá,Phường,001", "00001,Phường Phúc Xá,Phường,NOPE")
    refused = client.post("/directory/import", data={"what": "units", "file": (io.BytesIO(bad.encode()), "u.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400 and "NOPE" in refused.get_data(as_text=True)
    assert "Lưu tất cả các dòng" not in refused.get_data(as_text=True)
    assert db.session.query(Unit).count() == before
    done = client.post("/directory/import/confirm", data={"payload": value})
    assert done.status_code == 302
    assert db.session.query(Unit).count() == 4
    assert unit_by_code("00001").kind == "ward"  # updated from the file


def test_apply_rolls_back_everything_when_a_row_fails_at_write_time(create_unit):
    result = imports.plan(imports.parse("units", "u.csv", UNITS_CSV.encode()))
    assert result.ok
    # a unit with the same code appears after planning: the write of that row fails, nothing stays
    create_unit(code="x25-003", name="Chen ngang", kind="ward")
    with pytest.raises(ValidationError):
        imports.apply(result)
    db.session.rollback()
    assert [u.code for u in db.session.query(Unit)] == ["x25-003"]


def test_templates_download(client, login_as):
    login_as("admin")
    csv_file = client.get("/directory/import/template/people.csv")
    assert csv_file.status_code == 200 and csv_file.data.decode("utf-8-sig").startswith("id,full_name")
    xlsx = client.get("/directory/import/template/units.xlsx")
    parsed = imports.parse("units", "t.xlsx", xlsx.data)
    assert not parsed.errors and parsed.rows[0]["code"] == "01"
    assert client.get("/directory/import/template/rooms.csv").status_code == 404


def test_only_the_rows_inside_a_parent_loop_are_blamed_not_the_units_under_them(create_unit):
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    create_unit(code="00004", name="Phường Trúc Bạch", kind="ward", parent_id=city.id)
    # the city put under its own ward: a loop of the city and the ward; the new units under the city are fine
    text = ("code,name,kind,parent_code\n01,Thành phố Hà Nội,city,00004\nBQL-1,Ban Một,other,01\n"
            "BQL-2,Ban Hai,other,BQL-1\nA,Đơn vị A,other,B\nB,Đơn vị B,other,A\nC,Đơn vị C,other,A\n")
    result = imports.plan(imports.parse("units", "u.csv", text.encode()))
    blamed = sorted((e.row, e.column) for e in result.all_errors)
    assert blamed == [(2, "parent_code"), (5, "parent_code"), (6, "parent_code")]
    assert all("loops back" in e.message for e in result.all_errors)
    assert not result.ok


@pytest.mark.parametrize("chosen, text, other", [
    ("people", "code,name,kind,parent_code\n01,Thành phố Hà Nội,city,\n", "Đơn vị"),
    ("units", "Họ và tên,Chức danh,Thư điện tử\nNguyễn Văn A,Chuyên viên,a@example.vn\n", "Cán bộ"),
])
def test_a_file_of_the_other_kind_gets_one_error_that_says_what_to_choose(client, login_as, chosen, text, other):
    login_as("admin")
    page = client.post("/directory/import", data={"what": chosen, "file": (io.BytesIO(text.encode()), "f.csv")},
                       content_type="multipart/form-data")
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    errors = html[html.index('id="import-errors"'):html.index("</table>", html.index('id="import-errors"'))]
    assert errors.count("<tr>") == 2  # the heading and one error
    assert f"chọn “{other}” ở mục “Nội dung tệp”" in errors


def test_the_preview_shows_an_unknown_kind_or_yes_no_as_typed_and_names_the_changes(client, login_as, create_unit):
    create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    login_as("admin")
    text = "code,name,kind,parent_code\nSO-A,Sở A,Thiên hà,01\n01,Thành phố Hà Nội mới,city,\n"
    html = client.post("/directory/import", data={"what": "units", "file": (io.BytesIO(text.encode()), "u.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    creates = html[html.index('id="import-creates"'):html.index("</table>", html.index('id="import-creates"'))]
    assert "<td>Thiên hà</td>" in creates and "<td>?</td>" not in creates
    updates = html[html.index('id="import-updates"'):html.index("</table>", html.index('id="import-updates"'))]
    assert "<th>Nội dung thay đổi</th>" in updates and "Lịch sử" not in updates
    people = "full_name,is_leader\nNguyễn Văn A,có lẽ\n"
    html = client.post("/directory/import", data={"what": "people", "file": (io.BytesIO(people.encode()), "p.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    creates = html[html.index('id="import-creates"'):html.index("</table>", html.index('id="import-creates"'))]
    assert "<td>có lẽ</td>" in creates


def test_an_order_or_rank_beyond_the_database_integers_is_a_named_row_error():
    units = "code,name,kind,sort_order\nA,Đơn vị A,other,99999999999\n"
    result = imports.plan(imports.parse("units", "u.csv", units.encode()))
    assert [(e.row, e.column) for e in result.all_errors] == [(2, "sort_order")]
    people = "full_name,is_leader,leader_rank\nNguyễn Văn A,có,99999999999\n"
    result = imports.plan(imports.parse("people", "p.csv", people.encode()))
    assert [(e.row, e.column) for e in result.all_errors] == [(2, "leader_rank")]


def test_a_nul_character_in_a_cell_is_a_named_row_error():
    result = imports.plan(imports.parse("units", "u.csv", "code,name,kind\nA,Đơn vị\x00A,other\n".encode()))
    assert [(e.row, e.column) for e in result.all_errors] == [(2, "name")] and "NUL" in result.all_errors[0].message


def test_a_file_deeper_than_pythons_recursion_limit_is_written_parents_first(create_unit):
    create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    # listed children first
    chain = [f"D{n:04d},Đơn vị {n},other,{'01' if n == 0 else f'D{n - 1:04d}'}" for n in range(1200)]
    wide = [f"W{n:03d},Tổ {n},other,01" for n in range(300)]
    text = "code,name,kind,parent_code\n" + "\n".join(reversed(chain + wide)) + "\n"
    result = imports.plan(imports.parse("units", "u.csv", text.encode()))
    assert result.ok, result.all_errors[:3]
    assert imports.apply(result)["created"] == 1500
    db.session.commit()
    deepest = unit_by_code("D1199")
    assert deepest.parent.code == "D1198" and unit_by_code("D0000").parent.code == "01"
    assert len(unit_by_code("01").children) == 301
