"""What a unit became and what it was formed from, for many units at once, in a fixed number of queries."""

from datetime import date

from meetingsvc.directory import services


def _codes(mapping):
    return {key: [u.code for u in units] for key, units in mapping.items()}


def test_current_successors_of_follows_every_merger_and_split(hanoi_like):
    u = hanoi_like
    ids = [u["tc"].id, u["khdt"].id, u["tc_new"].id, u["district"].id, u["gone"].id, u["ward_b"].id]
    on_2025 = _codes(services.current_successors_of(ids, date(2025, 12, 1)))
    assert on_2025 == {
        u["tc"].id: ["SO-TC-2025"], u["khdt"].id: ["SO-TC-2025"], u["tc_new"].id: ["SO-TC-2025"],
        u["district"].id: ["HN-P01", "HN-P02"], u["gone"].id: ["BAN-X"], u["ward_b"].id: ["HN-P02"],
    }
    # a year later Phường Ba Đình has merged again: the district's line follows it
    on_2026 = _codes(services.current_successors_of([u["district"].id], date(2026, 8, 1)))
    assert on_2026 == {u["district"].id: ["HN-P02", "HN-P99"]}
    # as it was: a unit valid on the day is itself
    assert _codes(services.current_successors_of([u["district"].id], date(2024, 5, 1))) == {
        u["district"].id: ["001"]}
    # the one-unit function says the same
    for uid in ids:
        unit = next(x for x in u.values() if x.id == uid)
        assert [s.code for s in services.current_successors(unit, date(2025, 12, 1))] == on_2025[uid]


def test_all_predecessors_of_is_transitive(hanoi_like):
    u = hanoi_like
    found = _codes(services.all_predecessors_of([u["tc_new"].id, u["later"].id, u["ward_b"].id, u["city"].id]))
    assert found == {
        u["tc_new"].id: ["SO-KHDT", "SO-TC"],  # tree order: sort order, then name
        u["later"].id: ["001", "HN-P01"],
        u["ward_b"].id: ["001"],
        u["city"].id: [],
    }


def test_both_maps_take_two_queries_whatever_the_number_of_units(hanoi_like, create_unit, count_queries):
    u = hanoi_like
    district_id, tc_new_id = u["district"].id, u["tc_new"].id
    with count_queries() as few:
        services.current_successors_of([district_id])
        services.all_predecessors_of([tc_new_id])
    extra = []
    for n in range(40):
        old = create_unit(code=f"OLD{n}", name=f"Phường cũ {n}", kind="ward", valid_to=date(2025, 6, 30))
        new = create_unit(code=f"NEW{n}", name=f"Phường mới {n}", kind="ward", valid_from=date(2025, 7, 1))
        services.update_unit(old, {"successor_ids": [new.id, u["ward_b"].id]})
        extra += [old.id, new.id]
    services.db.session.commit()
    ids = [x.id for x in u.values()] + extra
    ward_b_id = u["ward_b"].id
    with count_queries() as many:
        now = services.current_successors_of(ids)
        before = services.all_predecessors_of(ids)

    def selects(statements):
        return [s for s in statements if s.lstrip().upper().startswith("SELECT")]

    assert len(selects(few)) == len(selects(many)) == 4
    assert len(now) == len(before) == len(ids)
    assert [s.code for s in now[extra[0]]] == ["NEW0", "HN-P02"]
    assert len(before[ward_b_id]) == 41  # the district and the 40 former wards
