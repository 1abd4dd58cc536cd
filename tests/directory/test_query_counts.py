"""The unit tree and the unit pickers run a fixed number of queries, whatever the number of units."""

from datetime import date

import pytest

from meetingsvc.directory import services
from meetingsvc.extensions import db


def _grow(create_unit, parent, n: int, tag: str) -> None:
    """n former district-level units, each split into two new wards, as in 2025."""
    for i in range(n):
        old = create_unit(code=f"{tag}D{i}", name=f"Quận {tag}{i}", kind="district", parent_id=parent.id,
                          valid_to=date(2025, 6, 30))
        a = create_unit(code=f"{tag}A{i}", name=f"Phường {tag}{i} A", kind="ward", parent_id=parent.id,
                        valid_from=date(2025, 7, 1))
        b = create_unit(code=f"{tag}B{i}", name=f"Phường {tag}{i} B", kind="ward", parent_id=parent.id,
                        valid_from=date(2025, 7, 1))
        create_unit(code=f"{tag}W{i}", name=f"Phường cũ {tag}{i}", kind="ward", parent_id=old.id,
                    valid_to=date(2025, 6, 30))
        services.update_unit(old, {"successor_ids": [a.id, b.id]})
    db.session.commit()


def _selects(statements) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


@pytest.mark.parametrize("url", ["/directory/units", "/directory/units?former=1", "/directory/units?q=phuong",
                                 "/directory/units/new", "/directory/groups/new", "/directory/people/new",
                                 "/api/v1/units?active=all"])
def test_unit_lists_and_pickers_do_not_grow_with_the_units(url, client, login_as, create_unit, count_queries):
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    _grow(create_unit, city, 3, "a")
    login_as("admin")
    client.get(url)  # warm up (session, caches)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _grow(create_unit, city, 30, "b")
    with count_queries() as many:
        response = client.get(url)
    assert response.status_code == 200
    assert _selects(many) == _selects(few), url
    assert _selects(many) <= 12, (url, _selects(many))


def test_the_edit_page_of_the_city_does_not_walk_its_descendants(client, login_as, create_unit, count_queries):
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    _grow(create_unit, city, 3, "a")
    login_as("admin")
    url = f"/directory/units/{city.id}/edit"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    _grow(create_unit, city, 30, "b")
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert _selects(many) == _selects(few) <= 15
    assert "Quận b29" in page  # successor picker offers former units too


def test_the_former_tree_shows_successors_with_their_codes(client, login_as, create_unit):
    city = create_unit(code="01", name="Thành phố Hà Nội", kind="city")
    _grow(create_unit, city, 1, "a")
    login_as("secretary")
    page = client.get("/directory/units?former=1").get_data(as_text=True)
    row = page[page.index('data-code="aD0"'):]
    row = row[:row.index("</tr>")]
    assert "Phường a0 A" in row and "aA0" in row and "aB0" in row
