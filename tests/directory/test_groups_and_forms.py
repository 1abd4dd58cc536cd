"""Saved groups of former units, selections that explain themselves, refused forms that keep the choice,
warnings before deactivating, and labels that no other domain's catalog overrides."""

import re
from datetime import date, timedelta

import pytest

from meetingsvc.directory import services
from meetingsvc.directory.models import Unit, UnitGroup
from meetingsvc.extensions import db


@pytest.fixture
def districts(create_unit):
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    old = [create_unit(code=f"{n:03d}", name=f"Quận {n}", kind="district", parent_id=city.id,
                       valid_to=date(2025, 6, 30), sort_order=n) for n in range(1, 31)]
    ward = create_unit(code="HN-P01", name="Phường Ba Đình", kind="ward", parent_id=city.id,
                       valid_from=date(2025, 7, 1))
    return city, old, ward


def test_the_30_district_level_units_make_a_group_used_on_each_meetings_date(client, login_as, districts):
    _city, old, _ward = districts
    login_as("admin")
    form = client.get("/directory/groups/new").get_data(as_text=True)
    assert "Quận 30 (030) — đến 30/06/2025" in form  # former units are offered, marked
    done = client.post("/directory/groups/new", data={"name": "30 quận, huyện, thị xã", "rule_kind": "district"})
    assert done.status_code == 302
    group = db.session.query(UnitGroup).one()
    assert len(group.units) == 30
    assert len(services.units_for_selection(group_id=group.id, on_date=date(2024, 10, 1))) == 30
    assert services.units_for_selection(group_id=group.id, on_date=date(2026, 3, 1)) == []
    selection = services.select_units(group_id=group.id, on_date=date(2026, 3, 1))
    assert selection.units == [] and selection.reason == "ended" and selection.last_valid_to == date(2025, 6, 30)
    assert len(selection.left_out) == 30
    with client.application.test_request_context():
        assert "30/06/2025" in services.explain_selection(selection)
    assert services.select_units(group_id=group.id, on_date=date(2024, 10, 1)).units == \
        services.units_for_selection(group_id=group.id, on_date=date(2024, 10, 1))


def test_a_rule_on_a_date_takes_the_units_of_that_day_and_says_why_when_there_are_none(client, login_as, districts):
    _city, old, ward = districts
    login_as("admin")
    refused = client.post("/directory/groups/new", data={"name": "Quận hôm nay", "rule_kind": "district",
                                                         "rule_on_date": "01/12/2026"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "30/06/2025" in page and 'value="01/12/2026"' in page
    assert db.session.query(UnitGroup).count() == 0
    done = client.post("/directory/groups/new", data={"name": "Phường mới", "rule_parent_id": str(_city.id),
                                                      "rule_on_date": "01/08/2025"})
    assert done.status_code == 302
    assert [u.code for u in db.session.query(UnitGroup).one().units] == ["HN-P01"]


def test_selections_name_the_reason(create_unit):
    create_unit(code="N1", name="Phường tương lai", kind="ward", valid_from=date(2030, 1, 1))
    create_unit(code="G1", name="Phường ngừng", kind="commune", is_active=False)
    assert services.select_units(kind="ward").reason == "not_yet"
    assert services.select_units(kind="ward").first_valid_from == date(2030, 1, 1)
    assert services.select_units(kind="commune").reason == "inactive"
    assert services.select_units(kind="township").reason == "nothing_matches"
    assert services.select_units(kind=["ward", "commune"]).reason == "mixed"


def test_a_refused_cycle_keeps_the_chosen_parent(client, login_as, chain):
    city, _district, ward = chain
    login_as("admin")
    response = client.post(f"/directory/units/{city.id}/edit", data={
        "code": "01", "name": city.name, "kind": "city", "parent_id": str(ward.id)})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    select = page[page.index('id="parent_id"'):]
    select = select[:select.index("</select>")]
    assert re.search(rf'<option selected value="{ward.id}">|<option value="{ward.id}" selected>', select), select


def test_deactivating_warns_about_what_still_relies_on_it(client, login_as, chain, create_leader, create_room,
                                                          create_meeting, create_person):
    city, district, ward = chain
    leader = create_leader(full_name="Lê Văn Sắp Họp")
    room = create_room()
    create_meeting(chair_id=leader.id, room_id=room.id, day=date.today() + timedelta(days=30))
    create_person(full_name="Cán bộ quận", unit_id=district.id)
    login_as("admin")
    # said beside the button before, and again after deactivating; not refused
    assert "Còn 1 cuộc họp sắp tới có tên cán bộ này" in client.get(
        f"/directory/people/{leader.id}/edit").get_data(as_text=True)
    done = client.post(f"/directory/people/{leader.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "flash-warning" in done.get_data(as_text=True)
    assert "Còn 1 cuộc họp sắp tới có tên cán bộ này" in done.get_data(as_text=True)
    assert "Còn 1 cuộc họp sắp tới đặt tại phòng này" in client.get(
        f"/directory/rooms/{room.id}").get_data(as_text=True)
    done = client.post(f"/directory/units/{district.id}/active", data={"active": "0"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Còn 1 đơn vị trực thuộc đang sử dụng" in text and "Còn 1 cán bộ của đơn vị đang sử dụng" in text
    db.session.expire_all()
    assert not db.session.get(Unit, district.id).is_active
    # nothing left in use under the city (its district is deactivated): no warning
    assert services.deactivation_warnings(city) == []
    assert services.deactivation_warnings(ward) == []


def test_labels_of_the_directory_forms_are_the_directorys_own(app):
    """Catalogs are merged: a label must not take another domain's translation of the same msgid."""
    from pathlib import Path

    from babel.messages.pofile import read_po
    from flask_babel import force_locale, gettext

    from meetingsvc.auth.admin_views import UserForm
    from meetingsvc.directory.forms import GroupForm, PersonForm, RoomForm, UnitForm

    own = {}
    for po in Path(app.root_path).glob("*/translations*/vi/LC_MESSAGES/messages.po"):
        if po.parts[-5] in ("directory", "auth"):
            with open(po, "rb") as fh:
                own.update({m.id: m.string for m in read_po(fh) if m.id and m.string})
    with app.test_request_context(), force_locale("vi"):
        for form_class in (UnitForm, PersonForm, RoomForm, GroupForm, UserForm):
            for name, field in form_class()._fields.items():
                msgid = getattr(field.label.text, "_args", [None])[0]
                if not msgid:
                    continue
                assert msgid in own, (form_class.__name__, name, msgid)
                assert gettext(msgid) == own[msgid], (form_class.__name__, name, msgid, gettext(msgid))
        assert gettext("Job title") == "Chức danh"


def test_the_person_form_says_chuc_danh(client, login_as):
    login_as("admin", language="vi")
    page = client.get("/directory/people/new").get_data(as_text=True)
    assert "Chức danh" in page and "Tên cuộc họp" not in page and "Đơn vị công tác" in page


def test_the_unit_form_shows_validity_as_dd_mm_yyyy(client, login_as, create_unit):
    unit = create_unit(code="001", name="Quận Ba Đình", kind="district", valid_from=date(2008, 8, 1),
                       valid_to=date(2025, 6, 30))
    login_as("admin")
    page = client.get(f"/directory/units/{unit.id}/edit").get_data(as_text=True)
    assert 'value="30/06/2025"' in page and 'value="01/08/2008"' in page
    detail = client.get(f"/directory/units/{unit.id}").get_data(as_text=True)
    assert "01/08/2008 – 30/06/2025" in detail
