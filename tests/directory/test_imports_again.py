"""Importing again: identical files change nothing, people without e-mail are not duplicated, blank cells keep,
"-" clears, and the preview speaks the file's column names and the reader's language."""

import io
import re

from meetingsvc.directory import imports
from meetingsvc.directory.models import Person, Unit
from meetingsvc.extensions import db
from tests.directory.conftest import unit_by_code

UNITS_VI = """Mã;Tên đơn vị;Loại;Mã đơn vị cha;Hiệu lực từ;Hiệu lực đến;Thứ tự;Mã đơn vị kế thừa
01;Thành phố Hà Nội;Tỉnh / thành phố;;;;0;
001;Quận  Ba Đình;Quận, huyện, thị xã;01;;30/06/2025;5;HN-P01
HN-P01;Phường Ba Đình;Phường;01;01/07/2025;;1;
"""
PEOPLE = """full_name,title,unit_code,email,phone,is_leader,leader_role,leader_rank
Nguyễn Văn Minh,Chủ tịch UBND Thành phố,01,,024 3825 3501,có,Chủ tịch,1
Trần Thị Lan,Chuyên viên,01,,,không,,
Lê Văn Hải,Chuyên viên,01,hai.lv@hanoi.gov.vn,,no,,
"""


def _run(what, text, name="f.csv"):
    result = imports.plan(imports.parse(what, name, text.encode("utf-8-sig")))
    assert result.ok, result.all_errors
    imports.apply(result)
    db.session.commit()
    return result


def test_an_identical_units_file_plans_unchanged():
    first = _run("units", UNITS_VI)
    assert len(first.creates) == 3
    again = imports.plan(imports.parse("units", "f.csv", UNITS_VI.encode("utf-8-sig")))
    assert again.ok and not again.creates and not again.updates and again.unchanged == 3
    counts = imports.apply(again)
    assert counts == {"created": 0, "updated": 0, "unchanged": 3}


def test_an_identical_people_file_plans_unchanged_and_adds_nobody_twice():
    _run("units", UNITS_VI)
    first = _run("people", PEOPLE)
    assert len(first.creates) == 3
    again = imports.plan(imports.parse("people", "f.csv", PEOPLE.encode()))
    assert again.ok and not again.creates and not again.updates and again.unchanged == 3, again.updates
    imports.apply(again)
    db.session.commit()
    assert db.session.query(Person).count() == 3
    # through the pages: the summary and the flash say unchanged
    minh = db.session.query(Person).filter_by(full_name="Nguyễn Văn Minh").one()
    assert (minh.is_leader, minh.leader_role, minh.leader_rank) == (True, "chairman", 1)


def test_people_without_email_are_matched_by_name_and_unit_and_changes_are_named():
    _run("units", UNITS_VI)
    _run("people", PEOPLE)
    changed = PEOPLE.replace("Trần Thị Lan,Chuyên viên", "Trần Thị Lan,Phó Chánh Văn phòng")
    result = imports.plan(imports.parse("people", "f.csv", changed.encode()))
    assert not result.creates and result.unchanged == 2
    [(row, person, columns)] = result.updates
    assert person.full_name == "Trần Thị Lan" and columns == ["title"]


def test_a_name_that_could_be_several_people_is_refused_and_a_homonym_is_warned(create_unit, create_person):
    unit = create_unit(code="SO-NV", name="Sở Nội vụ")
    other = create_unit(code="SO-TP", name="Sở Tư pháp")
    create_person(full_name="Nguyễn Văn An", unit_id=unit.id)
    create_person(full_name="Nguyễn Văn An", unit_id=unit.id)
    create_person(full_name="Lê Thị Bình", unit_id=other.id)
    text = "full_name,unit_code\nNguyễn Văn An,SO-NV\nLê Thị Bình,SO-NV\nPhạm Mới,SO-NV\nPhạm Mới,SO-NV\n"
    result = imports.plan(imports.parse("people", "f.csv", text.encode()))
    assert {(e.row, e.column) for e in result.all_errors} == {(2, "id")}
    assert "id" in result.all_errors[0].message
    warned = {(w.row, w.column) for w in result.warnings}
    assert warned == {(3, "full_name"), (5, "full_name")}
    assert "Sở Tư pháp" not in result.warnings[0].message and "SO-TP" in result.warnings[0].message


def test_blank_cells_keep_and_a_dash_clears(create_unit, create_person):
    _run("units", UNITS_VI)
    _run("people", PEOPLE)
    hai = db.session.query(Person).filter_by(full_name="Lê Văn Hải").one()
    hai.phone = "024 1111"
    db.session.commit()
    # only names and e-mails, the other cells blank: nothing changes
    sparse = "full_name,title,unit_code,email,phone,is_leader\nLê Văn Hải,,,hai.lv@hanoi.gov.vn,,\n"
    result = imports.plan(imports.parse("people", "f.csv", sparse.encode()))
    assert result.ok and result.unchanged == 1 and not result.updates
    # a dash clears the phone and the unit
    cleared = "full_name,unit_code,email,phone\nLê Văn Hải,-,hai.lv@hanoi.gov.vn,-\n"
    _run("people", cleared)
    db.session.expire_all()
    hai = db.session.get(Person, hai.id)
    assert hai.phone is None and hai.unit_id is None and hai.title == "Chuyên viên"
    # units: a blank end of validity keeps it, a dash clears it; a blank parent keeps it
    keep = "code,name,kind,parent_code,valid_to\n001,Quận Ba Đình,district,,\n"
    assert imports.plan(imports.parse("units", "u.csv", keep.encode())).unchanged == 1
    _run("units", "code,name,kind,valid_to,successor_codes\n001,Quận Ba Đình,district,-,-\n")
    district = unit_by_code("001")
    assert district.valid_to is None and district.successors == [] and district.parent.code == "01"
    # a leader made "không" loses the role and the rank, as through the API
    _run("people", "full_name,unit_code,is_leader\nNguyễn Văn Minh,01,không\n")
    minh = db.session.query(Person).filter_by(full_name="Nguyễn Văn Minh").one()
    assert (minh.is_leader, minh.leader_role, minh.leader_rank) == (False, None, None)


def test_errors_name_the_columns_as_the_file_does_and_kinds_in_the_readers_language(client, login_as):
    login_as("admin")
    bad = UNITS_VI.replace("HN-P01;Phường Ba Đình;Phường;01", "HN-P01;Phường Ba Đình;Hành tinh;NOPE")
    page = client.post("/directory/import", data={"what": "units", "file": (io.BytesIO(bad.encode()), "u.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    errors = page[page.index('id="import-errors"'):page.index("</table>", page.index('id="import-errors"'))]
    assert "<td>Mã đơn vị cha</td>" in errors and "<td>Loại</td>" in errors
    assert "parent_code" not in errors
    assert "Quận, huyện, thị xã (district)" in errors and "Phường (ward)" in errors
    # a file with the template's names: the label in the reader's language, and the name the file uses
    internal = "code,name,kind,parent_code\nA,Đơn vị A,other,NOPE\n"
    page = client.post("/directory/import", data={"what": "units", "file": (io.BytesIO(internal.encode()), "u.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Mã đơn vị cấp trên (parent_code)" in page


def test_preview_shows_dd_mm_yyyy_and_labels(client, login_as):
    login_as("admin")
    page = client.post("/directory/import", data={"what": "units",
                                                  "file": (io.BytesIO(UNITS_VI.encode()), "u.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    creates = page[page.index('id="import-creates"'):]
    assert "30/06/2025" in creates and "01/07/2025" in creates and "2025-06-30" not in creates
    assert "<th>Mã đơn vị cha</th>" in creates and "<td>Quận, huyện, thị xã</td>" in creates


def test_people_with_leaders_go_through_preview_and_confirm_and_again(client, login_as):
    login_as("admin")
    _run("units", UNITS_VI)

    def upload():
        page = client.post("/directory/import", data={"what": "people",
                                                      "file": (io.BytesIO(PEOPLE.encode()), "p.csv")},
                           content_type="multipart/form-data").get_data(as_text=True)
        token = re.search(r'<input[^>]*name="payload"[^>]*>', page).group(0)
        return page, re.search(r'value="([^"]+)"', token).group(1)

    page, payload = upload()
    assert "<td>Có</td>" in page  # is_leader shown as Có/Không
    done = client.post("/directory/import/confirm", data={"payload": payload}, follow_redirects=True)
    assert "Đã nhập: thêm 3, sửa 0, giữ nguyên 0." in done.get_data(as_text=True)
    assert db.session.query(Person).count() == 3
    page, payload = upload()
    assert "3 dòng: thêm 0, sửa 0, giữ nguyên 3." in page
    done = client.post("/directory/import/confirm", data={"payload": payload}, follow_redirects=True)
    assert "Đã nhập: thêm 0, sửa 0, giữ nguyên 3." in done.get_data(as_text=True)
    assert db.session.query(Person).count() == 3
    assert db.session.query(Unit).count() == 3


def test_the_xlsx_template_explains_the_columns():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(imports.template_xlsx("units")))
    assert len(book.worksheets) == 2
    guide = "\n".join(" ".join(str(c) for c in row if c) for row in book.worksheets[1].iter_rows(values_only=True))
    assert "-" in guide and "kind" in guide and "district" in guide
    # the template reads back as a file (the guide sheet is not read)
    parsed = imports.parse("units", "t.xlsx", imports.template_xlsx("units"))
    assert not parsed.errors and len(parsed.rows) == 2
