"""Fixtures for booking tests: a clear working day, booking data, a secretary."""

from datetime import date, timedelta

import pytest

from tests.helpers import next_weekday


def clear_day(weeks_ahead: int = 3, weekday: int = 1) -> date:
    """A working day (no weekend, no holiday) a few weeks ahead, so that no time warning applies."""
    from meetingsvc.core.workdays import is_working_day

    day = next_weekday(weekday, weeks_ahead)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def day():
    return clear_day()


@pytest.fixture
def secretary(create_user):
    return create_user(role="secretary")


@pytest.fixture
def leader(create_leader):
    return create_leader(full_name="Trần Thị Hoa")


@pytest.fixture
def booking(day, create_room, leader):
    """booking(**overrides) -> the dict a form or API client sends for a clash-free meeting."""
    room = create_room(name="Phòng họp tầng 3", capacity=30)

    def make(**overrides):
        data = {"title": "Họp giải quyết công việc về dự án đường vành đai", "kind": "work_resolution",
                "date": day.isoformat(), "start": "08:00", "end": "10:00", "room_id": room.id,
                "chair_id": leader.id}
        data.update(overrides)
        return data

    make.room = room
    make.leader = leader
    return make
