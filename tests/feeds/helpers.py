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


def age_everything(seconds: int = 120) -> None:
    """Move every updated_at (and audit entry) `seconds` into the past, as if nothing had changed for that
    long (SQL updates, so no listener stamps them again)."""
    from datetime import timedelta

    import sqlalchemy as sa

    from meetingsvc.core.audit import AuditEntry
    from meetingsvc.directory.models import Person, Room, Unit
    from meetingsvc.extensions import db
    from meetingsvc.meetings.models import Meeting, MeetingSeries

    for model in (Meeting, MeetingSeries, Person, Room, Unit):
        for ident, updated_at in db.session.execute(sa.select(model.id, model.updated_at)).all():
            db.session.execute(sa.update(model).where(model.id == ident)
                               .values(updated_at=updated_at - timedelta(seconds=seconds)))
    for ident, at in db.session.execute(sa.select(AuditEntry.id, AuditEntry.at)).all():
        db.session.execute(sa.update(AuditEntry).where(AuditEntry.id == ident).values(at=at - timedelta(seconds=seconds)))
    db.session.commit()
    db.session.expire_all()
