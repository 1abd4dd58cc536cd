"""Reading feeds back in the tests (with the icalendar library as the reference parser)."""

from datetime import UTC

from icalendar import Calendar

from meetingsvc.feeds import services


def build(kind, user=None, subject_id=None, base="https://lich.hanoi.gov.vn"):
    return services.build_feed(services.FeedSpec(kind, subject_id, user), base)


def parse(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(body: bytes) -> list:
    return list(parse(body).walk("VEVENT"))


def by_summary(body: bytes) -> dict:
    return {str(e.get("SUMMARY")): e for e in events(body)}


def utc(value):
    return value.dt.astimezone(UTC)
