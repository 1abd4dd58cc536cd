"""Seed data: Hanoi before and after 2025, idempotent, with successor links; demo leaders and rooms."""

from datetime import date

from meetingsvc.directory import seed, services
from meetingsvc.directory.models import Person, Room, Unit
from meetingsvc.extensions import db
from tests.directory.conftest import unit_by_code


def test_hanoi_units_before_and_after_the_reorganisation():
    first = seed.load_hanoi_units()
    again = seed.load_hanoi_units()
    assert first["created"] == first["total"] and again["created"] == 0
    assert db.session.query(Unit).count() == first["total"]
    before, after = date(2024, 12, 31), date(2025, 8, 1)
    assert len(services.units_for_selection(kind="district", on_date=before)) == 30
    assert services.units_for_selection(kind="district", on_date=after) == []
    assert len(services.units_for_selection(kind="ward", on_date=after)) == 51
    assert len(services.units_for_selection(kind="commune", on_date=after)) == 75
    departments = ["department", "office"]
    assert len(services.units_for_selection(kind=departments, on_date=date(2025, 2, 1))) == 21
    assert len(services.units_for_selection(kind=departments, on_date=after)) == 15
    # history: a former district leads to today's wards; a merged department to the new one
    ba_dinh = unit_by_code("001")
    assert {u.name for u in services.current_successors(ba_dinh, after)} >= {"Phường Ba Đình", "Phường Ngọc Hà",
                                                                              "Phường Giảng Võ"}
    assert services.current_successors(unit_by_code("SO-KHDT"), after) == [unit_by_code("SO-TC-2025")]
    assert services.unit_as_of(unit_by_code("00004"), after).name == "Phường Ba Đình"
    assert unit_by_code("00004").parent.code == "001"
    # every former district has successors; no cycle anywhere in the tree
    for code, _name in seed.DISTRICTS:
        assert unit_by_code(code).successors, code
    for unit in db.session.query(Unit):
        assert services.check_parent(unit, unit.parent) is None


def test_demo_people_and_rooms_are_ranked_and_idempotent():
    seed.load_hanoi_units()
    first = seed.load_demo_people_and_rooms()
    assert first == {"people": len(seed.LEADERS) + len(seed.HEADS), "rooms": 6}
    assert seed.load_demo_people_and_rooms() == {"people": 0, "rooms": 0}
    leaders = services.active_people(leaders_only=True)
    assert [p.leader_role for p in leaders[:3]] == ["chairman", "standing_vice_chairman", "vice_chairman"]
    assert [p.leader_rank for p in leaders] == sorted(p.leader_rank for p in leaders)
    assert db.session.query(Room).count() == 6 and all(r.equipment for r in db.session.query(Room))
    head = db.session.query(Person).filter(Person.title == "Giám đốc Sở Tài chính").one()
    assert head.unit.code == "SO-TC-2025"


def test_short_names_drop_the_whole_kind_word_and_former_wards_list_after_todays_units():
    seed.load_hanoi_units()
    assert unit_by_code("269").short_name == "Sơn Tây"  # Thị xã Sơn Tây
    assert unit_by_code("001").short_name == "Ba Đình" and unit_by_code("016").short_name == "Sóc Sơn"
    flat = db.session.query(Unit).order_by(Unit.sort_order, Unit.name).all()
    former_wards = [i for i, u in enumerate(flat) if u.kind == "ward" and u.valid_to is not None]
    others = [i for i, u in enumerate(flat) if not (u.kind == "ward" and u.valid_to is not None)]
    assert former_wards and min(former_wards) > max(others)
    # under each former district its wards keep their order
    ba_dinh = [u.code for u in unit_by_code("001").children]
    assert ba_dinh == sorted(ba_dinh)
