"""Inviting a saved group of units ("the 30 district-level units", "the economic departments"): its members
valid on the meeting's day are invited; the form's lookup offers the group; a group with none that day is said."""

from datetime import timedelta

import pytest

from meetingsvc.core.errors import ValidationError
from meetingsvc.directory.models import UnitGroup
from meetingsvc.extensions import db


@pytest.fixture
def economic(create_unit, day):
    planning = create_unit(name="Sở Kế hoạch và Đầu tư", valid_to=day - timedelta(days=1))  # merged before the day
    finance = create_unit(name="Sở Tài chính")
    trade = create_unit(name="Sở Công Thương")
    group = UnitGroup(name="Các sở khối kinh tế", units=[planning, finance, trade])
    db.session.add(group)
    db.session.commit()
    return group, planning, finance, trade


def test_a_group_invites_its_units_of_the_meetings_day(booking, secretary, economic, create_unit):
    from meetingsvc.meetings import services

    group, planning, finance, trade = economic
    other = create_unit(name="Sở Y tế")
    meeting = services.create_meeting(booking(attendee_unit_ids=[other.id, finance.id], attendee_group_ids=[group.id]),
                                      secretary)
    assert sorted(a.unit_id for a in meeting.attendees) == sorted([other.id, finance.id, trade.id])


def test_a_group_with_nobody_on_the_day_or_an_unknown_group_is_refused(booking, secretary, economic):
    from meetingsvc.meetings import services

    group, planning, *_ = economic
    empty = UnitGroup(name="Các quận, huyện cũ", units=[planning])
    db.session.add(empty)
    db.session.commit()
    for ids, words in (([empty.id], "Các quận, huyện cũ"), ([999999], "999999")):
        with pytest.raises(ValidationError) as refused:
            services.create_meeting(booking(attendee_group_ids=ids), secretary)
        assert words in refused.value.fields["attendee_group_ids"]
    group.is_active = False
    db.session.commit()
    with pytest.raises(ValidationError):
        services.create_meeting(booking(attendee_group_ids=[group.id]), secretary)


def test_the_unit_lookup_offers_matching_groups_only_when_inviting(client, login_as, economic, day):
    group, planning, finance, trade = economic
    login_as("secretary")
    found = client.get(f"/meetings/lookup/units?groups=1&q=khoi kinh&date={day:%d/%m/%Y}").get_json()
    assert found[0]["group"] == group.id and found[0]["label"] == "Nhóm: Các sở khối kinh tế"
    assert {u["id"] for u in found[0]["units"]} == {finance.id, trade.id}  # not the unit merged before the day
    assert found[0]["detail"] == "2 đơn vị"
    assert not any("group" in row for row in client.get("/meetings/lookup/units?q=khoi kinh").get_json())


def test_the_api_invites_a_group(client, economic, create_user, booking):
    from meetingsvc.auth.services import create_api_token

    group, planning, finance, trade = economic
    user = create_user(role="secretary")
    _token, secret = create_api_token(user)
    db.session.commit()
    response = client.post("/api/v1/meetings", json=booking(attendee_group_ids=[group.id]),
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 201, response.get_json()
    assert {a["unit_id"] for a in response.get_json()["attendees"]} == {finance.id, trade.id}
