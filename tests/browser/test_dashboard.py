import pytest

from meetingsvc.core.time import local_today
from tests.helpers import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_secretary_signs_in_and_sees_the_dashboard(page, create_user, create_meeting, create_leader):
    leader = create_leader(full_name="Trần Thị Demo")
    create_meeting(title="Giao ban tuần của Chủ tịch", chair_id=leader.id, day=local_today(),
                   start="16:30", end="17:30")
    user = create_user(role="secretary")
    browser_login(page, user)
    assert page.locator("h1").inner_text() == "Tổng quan"
    assert "Giao ban tuần của Chủ tịch" in page.content()
    path = screenshot(page, "dashboard-secretary")
    assert path.stat().st_size > 5000
    page.click("#language-switch")
    assert page.locator("h1").inner_text() == "Dashboard"
