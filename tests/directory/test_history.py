"""The change history reads well in the reader's language: labels, names for ids, dd/mm/yyyy, Có/Không; entries
written outside a request (CLI, demo, imports) too. Secretaries read it; admins have a central change log."""

import io

from meetingsvc.auth import admin_services
from meetingsvc.core.audit import AuditEntry, describe, history
from meetingsvc.directory import imports, services
from meetingsvc.extensions import db


def _changes(page: str) -> str:
    start = page.index('<ul class="history">')
    return page[start:page.index("</ul>", start)]


def test_unit_history_names_units_formats_dates_and_booleans_for_each_reader(client, login_as, chain, create_unit):
    city, district, ward = chain
    other = create_unit(code="002", name="Quận Hoàn Kiếm", kind="district", parent_id=city.id)
    # written outside a request, as the CLI, the demo loader or an import would
    services.move_unit(ward, other)
    services.update_unit(ward, {"valid_to": "30/06/2025", "kind": "commune"})
    services.set_unit_active(ward, False)
    db.session.commit()
    login_as("secretary", language="vi")
    vi = _changes(client.get(f"/directory/units/{ward.id}").get_data(as_text=True))
    assert "Đã chuyển đơn vị Phường Trúc Bạch" in vi
    assert "Đơn vị cấp trên: Quận Ba Đình (001) → Quận Hoàn Kiếm (002)" in vi
    assert "Hiệu lực đến: — → 30/06/2025" in vi
    assert "Loại đơn vị: Phường → Xã" in vi
    assert "Đang sử dụng: Có → Không" in vi
    assert "parent_id" not in vi and "2025-06-30" not in vi
    client.post("/logout")  # another reader, who reads English, signs in
    login_as("secretary", language="en")
    en = _changes(client.get(f"/directory/units/{ward.id}").get_data(as_text=True))
    assert "Unit Phường Trúc Bạch moved." in en
    assert "Parent unit: Quận Ba Đình (001) → Quận Hoàn Kiếm (002)" in en
    assert "In use: Yes → No" in en


def test_person_and_room_history_on_read_only_pages_for_secretaries(client, login_as, create_unit, create_leader,
                                                                    create_room):
    unit = create_unit(code="SO-NV", name="Sở Nội vụ")
    leader = create_leader(full_name="Lê Văn Hùng", title="Phó Chủ tịch UBND Thành phố")
    services.update_person(leader, {"title": "Chủ tịch UBND Thành phố", "unit_id": unit.id, "is_leader": False})
    room = create_room(name="Phòng họp số 7")
    services.update_room(room, {"capacity": 55, "is_bookable": False, "equipment": ["Máy chiếu", "Micro"]})
    db.session.commit()
    login_as("secretary")
    person_page = client.get(f"/directory/people/{leader.id}")
    assert person_page.status_code == 200
    text = _changes(person_page.get_data(as_text=True))
    assert "Chức danh: Phó Chủ tịch UBND Thành phố → Chủ tịch UBND Thành phố" in text
    assert "Đơn vị công tác: — → Sở Nội vụ (SO-NV)" in text
    assert "Vai trò lãnh đạo: Phó Chủ tịch → —" in text
    room_page = client.get(f"/directory/rooms/{room.id}")
    assert room_page.status_code == 200
    text = _changes(room_page.get_data(as_text=True))
    assert "Sức chứa (chỗ ngồi): 40 → 55" in text and "Cho phép đặt phòng: Có → Không" in text
    assert "Trang thiết bị: projector → Máy chiếu, Micro" in text
    # read-only: no edit for them
    assert client.get(f"/directory/people/{leader.id}/edit").status_code == 403
    assert client.get(f"/directory/rooms/{room.id}/edit").status_code == 403
    assert "/edit" not in person_page.get_data(as_text=True).split('<section class="card">')[0].split("<article")[1]
    people_list = client.get("/directory/people").get_data(as_text=True)
    assert f"/directory/people/{leader.id}" in people_list


def test_an_import_writes_one_entry_with_the_file_and_the_counts(client, login_as, create_unit):
    create_unit(code="SO-NV", name="Sở Nội vụ")
    text = "full_name,unit_code\nNguyễn Văn Một,SO-NV\nTrần Thị Hai,SO-NV\n"
    result = imports.plan(imports.parse("people", "can-bo-2026.csv", text.encode()))
    imports.apply(result)
    db.session.commit()
    entry = db.session.query(AuditEntry).filter_by(object_type="directory_import").one()
    assert entry.after == {"what": "people", "filename": "can-bo-2026.csv", "created": 2, "updated": 0,
                           "unchanged": 0}
    login_as("admin")
    log = client.get("/directory/history").get_data(as_text=True)
    assert "Nhập cán bộ từ tệp can-bo-2026.csv: thêm 2, sửa 0, giữ nguyên 0." in log
    assert "Đã thêm cán bộ Nguyễn Văn Một" in log
    only_imports = client.get("/directory/history?what=directory_import").get_data(as_text=True)
    assert "can-bo-2026.csv" in only_imports and "Đã thêm cán bộ" not in only_imports
    login_as("secretary")
    assert client.get("/directory/history").status_code == 403


def test_change_log_filters_by_author_and_dates(client, login_as, create_unit, create_user):
    admin = login_as("admin")
    client.post("/directory/units/new", data={"code": "SO-YT", "name": "Sở Y tế", "kind": "department"})
    create_unit(code="X", name="Không ghi nhật ký")  # the factory writes no entry
    services.create_unit({"code": "SO-CT", "name": "Sở Công Thương", "kind": "department"})  # no author
    db.session.commit()
    mine = client.get(f"/directory/history?user_id={admin.id}").get_data(as_text=True)
    assert "Sở Y tế" in mine and "Sở Công Thương" not in mine
    everyone = client.get("/directory/history").get_data(as_text=True)
    assert "Sở Công Thương" in everyone and "hệ thống" in everyone
    assert "Sở Y tế" not in client.get("/directory/history?to=01/01/2020").get_data(as_text=True)
    assert client.get("/directory/history?from=31/02/2026").status_code == 400


def test_user_entries_read_with_labels(client, login_as, create_user, create_leader):
    leader = create_leader(full_name="Phạm Quang Lãnh")
    user = create_user(role="viewer")
    admin = login_as("admin")
    admin_services.update_user(user, {"role": "leader", "clearance": "mat", "language": "en",
                                      "person_id": leader.id}, acting=admin)
    admin_services.reset_password(user, "a long new password")
    db.session.commit()
    assert history(user)[0].summary == f"Password of {user.username} reset"  # stored neutral, shown translated
    assert describe(history(user))[0].summary == f"Đã đặt lại mật khẩu của {user.username}"  # default: vi
    page = client.get(f"/users/{user.id}").get_data(as_text=True)
    text = _changes(page)
    assert f"Đã đặt lại mật khẩu của {user.username}" in text
    assert "Vai trò: Người xem → Lãnh đạo" in text
    assert "Cán bộ tương ứng: — → Phạm Quang Lãnh" in text
    assert "Ngôn ngữ hiển thị: Tiếng Việt → English" in text


def test_room_form_refused_with_a_photo_says_to_choose_it_again(client, login_as):
    from tests.directory.access import PNG

    login_as("admin")
    refused = client.post("/directory/rooms/new", data={"name": "Phòng 9", "capacity": "0",
                                                        "photo": (io.BytesIO(PNG), "p.png")},
                          content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "hãy chọn lại ảnh" in refused.get_data(as_text=True)
    without = client.post("/directory/rooms/new", data={"name": "Phòng 9", "capacity": "0"})
    assert "hãy chọn lại ảnh" not in without.get_data(as_text=True)
