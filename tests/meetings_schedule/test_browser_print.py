"""The printed week: a day's or a session's heading never ends a page without its first row, and the legend is
not left alone on the last page."""

import pytest

from meetingsvc.meetings import schedule
from tests.helpers import browser_login, next_weekday

pytestmark = pytest.mark.browser


def test_headings_stay_with_their_rows_and_the_legend_with_the_table_in_print(page, db, create_user,
                                                                              create_meeting):
    monday = next_weekday(0, weeks_ahead=6)
    secretary = create_user(role="secretary")
    create_meeting(title="Giao ban đầu tuần", day=monday)
    schedule.publish_week(monday, secretary)
    db.session.commit()
    browser_login(page, secretary)
    page.goto(f"/meetings/week?date={monday.isoformat()}")
    page.emulate_media(media="print")
    styles = page.evaluate("""() => {
        const style = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
        return {day: style('tr.day-row', 'breakAfter'), session: style('tr.session-row', 'breakAfter'),
                entry: style('tr.entry', 'breakInside'), legend: style('.schedule-legend', 'breakBefore')};
    }""")
    assert styles == {"day": "avoid", "session": "avoid", "entry": "avoid", "legend": "avoid"}
