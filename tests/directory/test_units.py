"""Units: the tree, the cycle check, codes, validity, successors, pickers and the audit log."""

from datetime import date

import pytest

from meetingsvc.core.audit import AuditEntry, history
from meetingsvc.core.errors import ValidationError
from meetingsvc.directory import services
from meetingsvc.directory.models import Unit, UnitGroup
from meetingsvc.extensions import db


def test_a_unit_cannot_become_its_own_ancestor_through_the_whole_chain(chain):
    city, district, ward = chain
    for new_parent in (ward, district, city):
        with pytest.raises(ValidationError) as refused:
            services.update_unit(city, {"parent_id": new_parent.id})
        assert "parent_id" in refused.value.fields
    db.session.rollback()
    assert db.session.get(Unit, city.id).parent_id is None
    assert db.session.query(AuditEntry).count() == 0


def test_moving_a_ward_under_another_unit_is_recorded(chain, create_unit):
    city, district, ward = chain
    other = create_unit(code="002", name="Quận Hoàn Kiếm", kind="district", parent_id=city.id)
    services.move_unit(ward, other)
    db.session.commit()
    assert db.session.get(Unit, ward.id).parent_id == other.id
    entry = history(ward)[0]
    assert entry.action == "move"
    assert entry.before["parent_id"] == district.id and entry.after["parent_id"] == other.id


def test_duplicate_code_is_refused_whatever_the_case(chain):
    with pytest.raises(services.DuplicateError) as refused:
        services.create_unit({"code": "01", "name": "Bản sao", "kind": "city"})
    assert refused.value.field == "code"
    city = chain[0]
    with pytest.raises(services.DuplicateError):
        services.update_unit(chain[1], {"code": city.code})
    db.session.rollback()
    assert db.session.query(Unit).count() == 3


@pytest.mark.parametrize("data, field", [
    ({"code": "", "name": "X", "kind": "department"}, "code"),
    ({"code": "A B", "name": "X", "kind": "department"}, "code"),
    ({"code": "ZZ", "name": " ", "kind": "department"}, "name"),
    ({"code": "ZZ", "name": "X", "kind": "planet"}, "kind"),
    ({"code": "ZZ", "name": "X", "kind": "ward", "parent_id": 999999}, "parent_id"),
    ({"code": "ZZ", "name": "X", "kind": "ward", "valid_from": "2025-07-01", "valid_to": "2025-06-30"}, "valid_to"),
    ({"code": "ZZ", "name": "X", "kind": "ward", "valid_from": "31/02/2025"}, "valid_from"),
    ({"code": "ZZ", "name": "X", "kind": "ward", "valid_from": "1 July 2025"}, "valid_from"),
])
def test_bad_unit_input_names_the_field_and_writes_nothing(data, field):
    with pytest.raises(ValidationError) as refused:
        services.create_unit(data)
    assert field in refused.value.fields
    db.session.rollback()
    assert db.session.query(Unit).count() == 0


def test_a_unit_cannot_succeed_itself_even_through_later_merges(create_unit):
    a, b, c = create_unit(code="A"), create_unit(code="B"), create_unit(code="C")
    services.update_unit(a, {"successor_ids": [b.id]})
    services.update_unit(b, {"successor_ids": [c.id]})
    with pytest.raises(ValidationError):
        services.update_unit(c, {"successor_ids": [a.id]})
    with pytest.raises(ValidationError):
        services.update_unit(a, {"successor_ids": [a.id]})


def test_merged_unit_keeps_history_and_reports_follow_successors_to_today(create_unit):
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    old_a = create_unit(code="SO-TC", name="Sở Tài chính (cũ)", kind="department", parent_id=city.id)
    old_b = create_unit(code="SO-KHDT", name="Sở Kế hoạch và Đầu tư", kind="department", parent_id=city.id)
    new = create_unit(code="SO-TC-2025", name="Sở Tài chính", kind="department", parent_id=city.id)
    services.merge_units([old_a, old_b], new, date(2025, 3, 1))
    db.session.commit()
    assert old_b.valid_to == date(2025, 2, 28) and new.valid_from == date(2025, 3, 1)
    assert services.unit_as_of(old_b, date(2024, 6, 1)) is old_b
    assert services.unit_as_of(old_b, date(2025, 6, 1)) is new
    assert services.current_successors(old_b) == [new]
    assert services.current_successors(new) == [new]
    assert old_b in new.predecessors
    # a later split: the successor chain is followed through every step
    split_a = create_unit(code="S1", name="Phần 1", kind="department", valid_from=date(2026, 1, 1))
    split_b = create_unit(code="S2", name="Phần 2", kind="department", valid_from=date(2026, 1, 1))
    services.update_unit(new, {"valid_to": "2025-12-31", "successor_ids": [split_a.id, split_b.id]})
    assert services.current_successors(old_a, date(2026, 2, 1)) == [split_a, split_b]
    assert services.current_unit(old_a, date(2025, 5, 1)) is new


def test_units_for_selection_by_kind_parent_group_and_date(chain, create_unit):
    city, district, ward = chain
    services.update_unit(district, {"valid_to": "2025-06-30"})
    new_ward = create_unit(code="X25-001", name="Phường Ba Đình", kind="ward", parent_id=city.id,
                           valid_from=date(2025, 7, 1))
    gone = create_unit(code="003", name="Quận Tây Hồ", kind="district", parent_id=city.id, is_active=False)
    group = UnitGroup(name="Quận huyện", units=[district, gone, new_ward])
    db.session.add(group)
    db.session.commit()
    assert services.units_for_selection(kind="district", on_date=date(2024, 5, 1)) == [district]
    assert services.units_for_selection(kind="district", on_date=date(2025, 8, 1)) == []
    assert set(services.units_for_selection(kind=["ward", "district"], on_date=date(2024, 5, 1))) == {district, ward}
    assert services.units_for_selection(parent_id=city.id, on_date=date(2025, 8, 1)) == [new_ward]
    assert services.units_for_selection(group_id=group.id, on_date=date(2024, 5, 1)) == [district]
    assert services.units_for_selection(group_id=group.id, on_date=date(2025, 8, 1)) == [new_ward]


def test_deactivated_unit_leaves_pickers_but_stays_in_former_tree(chain):
    city, district, ward = chain
    services.set_unit_active(ward, False)
    db.session.commit()
    assert ward not in services.active_units()
    assert ward not in [u for u, _d in services.unit_tree()]
    assert ward in [u for u, _d in services.unit_tree(include_former=True)]
    assert db.session.get(Unit, ward.id) is not None
    assert history(ward)[0].action == "deactivate"


def test_tree_search_finds_with_or_without_diacritics_and_keeps_ancestors(chain):
    for query in ("Trúc Bạch", "truc bach", "TRUC"):
        found = [u.code for u, _depth in services.unit_tree(q=query)]
        assert found == ["01", "001", "00004"], query
    assert services.unit_tree(q="Hoàn Kiếm") == []


def test_every_unit_change_goes_to_the_audit_log_with_before_and_after(chain):
    city, district, _ward = chain
    services.update_unit(district, {"name": "Quận Ba Đình (cũ)", "valid_to": "2025-06-30"})
    db.session.commit()
    entry = history(district)[0]
    assert entry.before["name"] == "Quận Ba Đình" and entry.after["name"] == "Quận Ba Đình (cũ)"
    assert entry.after["valid_to"] == "2025-06-30"
    created = services.create_unit({"code": "SO-YT", "name": "Sở Y tế", "kind": "department", "parent_id": city.id})
    db.session.commit()
    assert history(created)[0].action == "create"
