"""In the browser: an admin adds a room, moves a ward, deactivates a leader who chaired past meetings,
and those meetings still show that leader."""

from datetime import date, timedelta

import pytest

from meetingsvc.auth.models import User
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from tests.helpers import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_admin_maintains_the_directory_and_history_stays(page, create_user, create_unit, create_leader, create_meeting):
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    old_district = create_unit(code="001", name="Quận Ba Đình", kind="district", parent_id=city.id)
    new_parent = create_unit(code="002", name="Quận Hoàn Kiếm", kind="district", parent_id=city.id)
    ward = create_unit(code="00004", name="Phường Trúc Bạch", kind="ward", parent_id=old_district.id)
    leader = create_leader(full_name="Lê Văn Chủ Trì", title="Phó Chủ tịch UBND Thành phố")
    past = [
        create_meeting(chair_id=leader.id, day=date(2024, 3, 12), title="Họp bàn giải phóng mặt bằng Vành đai 4",
                       status="held", classification="internal"),
        create_meeting(chair_id=leader.id, day=date(2024, 9, 17), title="Giao ban khối kinh tế",
                       status="held", classification="internal"),
    ]
    from meetingsvc.core.time import local_today

    recent = create_meeting(chair_id=leader.id, day=local_today() - timedelta(days=7), status="held",
                            title="Họp rà soát tiến độ giải ngân", classification="internal")
    admin = create_user(role="admin")
    browser_login(page, admin)

    # add a room
    page.goto("/directory/rooms/new")
    page.fill("#name", "Phòng họp tầng 5")
    page.fill("#building", "Trụ sở 12 Lê Lai")
    page.fill("#capacity", "0")
    page.click("form[enctype] button[type=submit]")
    assert page.locator(".has-error #capacity").count() == 1  # refused, typed values kept
    assert page.input_value("#name") == "Phòng họp tầng 5"
    page.fill("#capacity", "45")
    page.fill("#equipment", "Máy chiếu\nHệ thống hội nghị truyền hình")
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url("**/directory/rooms**")
    assert page.locator("table.data", has_text="Phòng họp tầng 5").count() == 1
    screenshot(page, "directory-room-added")
    db.session.rollback()  # end the test session's read snapshot: the server wrote since
    room = db.session.query(Room).filter_by(name="Phòng họp tầng 5").one()
    assert room.capacity == 45 and room.equipment == ["Máy chiếu", "Hệ thống hội nghị truyền hình"]

    # move the ward under another district
    page.goto(f"/directory/units/{ward.id}")
    page.select_option("#move-form select#parent_id", str(new_parent.id))
    page.click("#move-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert "Quận Hoàn Kiếm" in page.locator("dl.facts").inner_text()
    screenshot(page, "directory-ward-moved")
    db.session.rollback()
    assert db.session.get(Unit, ward.id).parent_id == new_parent.id

    # deactivate the leader
    page.goto(f"/directory/people/{leader.id}/edit")
    page.click("#active-form button[type=submit]")
    page.wait_for_selector(".flash-success")
    screenshot(page, "directory-leader-deactivated")
    db.session.rollback()
    assert not db.session.get(Person, leader.id).is_active
    page.goto("/directory/people")
    assert "Lê Văn Chủ Trì" not in page.locator("table.data").inner_text()

    # past meetings still show the leader as chair
    for meeting in past:
        page.goto(f"/meetings/{meeting.id}")
        assert "Lê Văn Chủ Trì" in page.locator("dl.facts").inner_text()
    screenshot(page, "directory-past-meeting-keeps-chair")
    # ... in the week view of that past week, the year's report (leader table and its list) and the leader's feed
    page.goto("/meetings/week?week=2024-W11")
    assert "Lê Văn Chủ Trì" in page.locator("main").inner_text()
    page.goto("/reports/?period=year&year=2024")
    row = page.locator("tr", has_text="Lê Văn Chủ Trì").first
    assert row.locator("td").first.inner_text().strip() == "2"
    row.locator("a").first.click()
    listed = page.locator("main").inner_text()
    assert "Họp bàn giải phóng mặt bằng Vành đai 4" in listed and "Giao ban khối kinh tế" in listed
    from meetingsvc.feeds.services import issue_token

    _row, token = issue_token(db.session.get(User, admin.id))
    db.session.commit()
    feed = page.request.get(f"/feeds/{token}/leader/{leader.id}.ics")
    assert feed.status == 200 and recent.title in feed.text()


def test_admin_imports_units_with_progress_preview_and_confirm(page, create_user, tmp_path):
    admin = create_user(role="admin")
    bad = tmp_path / "units-bad.csv"
    bad.write_text("code,name,kind,parent_code\n01,Thành phố Hà Nội,city,\n001,Quận Ba Đình,district,NOPE\n",
                   encoding="utf-8")
    good = tmp_path / "units.csv"
    good.write_text("code,name,kind,parent_code\n01,Thành phố Hà Nội,city,\n001,Quận Ba Đình,district,01\n",
                    encoding="utf-8")
    browser_login(page, admin)
    page.goto("/directory/import")
    page.set_input_files("#file", str(bad))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    assert "NOPE" in page.locator("#import-errors").inner_text()
    assert page.locator("#confirm-form").count() == 0
    # a bigger file over a slow upload: the progress bar shows how far the upload is while it runs
    big = tmp_path / "units-big.csv"
    big.write_text("code,name,kind,parent_code\n01,Thành phố Hà Nội,city,\n" + "".join(
        f"T{n:05d},Đơn vị thử nghiệm số {n:05d},other,01\n" for n in range(1500)), encoding="utf-8")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 24 * 1024})
    page.goto("/directory/import")
    page.set_input_files("#file", str(big))
    page.click("#import-form button[type=submit]")
    page.wait_for_function("""() => {
        const box = document.getElementById('import-progress');
        const meter = box && box.querySelector('.progress');
        const pct = meter ? Number(meter.getAttribute('aria-valuenow')) : 0;
        return box && !box.hidden && pct > 0 && pct < 100
            && box.querySelector('p').textContent.trim() === pct + '%'
            && box.querySelector('.progress > span').style.width === pct + '%';
    }""", timeout=20000)
    screenshot(page, "directory-import-progress")
    assert page.locator("#import-form button[type=submit]").is_disabled()
    page.wait_for_selector("#confirm-form", timeout=30000)
    assert "1501" in page.locator("#import-summary").inner_text()
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    db.session.rollback()
    assert db.session.query(Unit).count() == 0

    page.goto("/directory/import")
    page.set_input_files("#file", str(good))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#confirm-form")
    screenshot(page, "directory-import-preview")
    db.session.rollback()
    assert db.session.query(Unit).count() == 0
    page.click("#confirm-form button[type=submit]")
    page.wait_for_url("**/directory/units")
    db.session.rollback()
    assert {u.code for u in db.session.query(Unit)} == {"01", "001"}


def test_a_click_in_a_long_picker_adds_or_drops_one_unit_and_the_choice_is_listed(page, create_user, create_unit):
    from meetingsvc.directory import services
    from meetingsvc.directory.models import UnitGroup

    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    districts = [create_unit(code=f"{n:03d}", name=f"Quận {n:02d}", kind="district", parent_id=city.id)
                 for n in range(1, 31)]
    group = services.create_group({"name": "Các quận", "rule_kind": "district"})
    db.session.commit()
    browser_login(page, create_user(role="admin"))
    page.goto(f"/directory/groups/{group.id}/edit")
    chosen = page.locator("#unit-ids-chosen")
    assert chosen.inner_text().startswith("Đã chọn (30):") and "Quận 07 (007)" in chosen.inner_text()
    # a plain click (no Ctrl) on one district drops it and keeps the 29 others; a click on the city adds it
    page.locator("#unit_ids option", has_text="Quận 07").click()
    page.locator("#unit_ids option", has_text="Thành phố Hà Nội").click()
    assert chosen.inner_text().startswith("Đã chọn (30):") and "Quận 07" not in chosen.inner_text()
    assert "Thành phố Hà Nội (01)" in chosen.inner_text()
    screenshot(page, "directory-group-picker")
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"**/directory/groups/{group.id}")
    db.session.rollback()
    codes = {u.code for u in db.session.get(UnitGroup, group.id).units}
    assert codes == {u.code for u in districts if u.code != "007"} | {"01"}
