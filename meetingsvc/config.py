"""Settings read from the environment (prefix MEETINGSVC_), with defaults.

Booking settings (Decision 45/2018/QĐ-TTg gives the defaults; a province may set its own):

- MEETINGSVC_WORKING_HOURS: the working periods of a day for the free-slot finder, comma-separated, in order,
  e.g. "07:30-11:30,13:30-17:00" (the default; a slot never crosses the lunch break). A single period
  ("07:30-17:00") means no break. Kept as app.config["WORKING_PERIODS"]; app.config["WORKING_HOURS"] is the
  span of the day from the first start to the last end ("07:30-17:00"), for readers that need one range.
- MEETINGSVC_DURATION_CAPS_HOURS: the longest a meeting of a kind should last before the booking form warns,
  in hours, as "kind=hours" pairs separated by commas, e.g. "briefing=4,thematic=8". Each pair replaces the
  default of its kind; "kind=none" removes the cap of that kind. Defaults: briefing, work_resolution,
  advisory, coordination 4 (½ working day); technical, thematic, review 8 (1 day); training_rollout 16 (2 days);
  other kinds no cap. A meeting over several days counts at most 8 hours a day.
- MEETINGSVC_MAX_MEETING_HOURS: the longest meeting accepted at all (default 120, at most 744).
- MEETINGSVC_BOOKING_FIRST_DAY: the earliest day a meeting may be booked on, YYYY-MM-DD (default 2000-01-01).
- MEETINGSVC_BOOKING_YEARS_AHEAD: how many years ahead a meeting may be booked (default 10).
- MEETINGSVC_INVITATION_LEAD_WORKING_DAYS: working days an invitation must reach attendees before the meeting
  (default 3; urgent meetings are exempt).

A malformed value stops the app at start-up with a message naming the setting.
"""

import os
import secrets
from datetime import date
from pathlib import Path

# Decision 45/2018/QĐ-TTg (domain.md §1.1): ½ working day = 4 h, 1 day = 8 h; kinds not listed have no cap.
DEFAULT_DURATION_CAPS_HOURS = {
    "briefing": 4, "work_resolution": 4, "advisory": 4, "coordination": 4,
    "technical": 8, "thematic": 8, "review": 8, "training_rollout": 16,
}
DEFAULT_WORKING_HOURS = "07:30-11:30,13:30-17:00"


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"MEETINGSVC_{name}", default)


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def duration_caps(spec: str | None) -> dict[str, float]:
    """The caps per kind: the defaults with the pairs of `spec` ("briefing=4,thematic=8,workshop=none") over them."""
    from meetingsvc.meetings.models import KINDS

    caps = dict(DEFAULT_DURATION_CAPS_HOURS)
    for pair in (spec or "").split(","):
        if not pair.strip():
            continue
        kind, sep, hours = (part.strip() for part in pair.partition("="))
        if not sep or kind not in KINDS:
            raise ValueError(f"MEETINGSVC_DURATION_CAPS_HOURS: {pair.strip()!r} is not kind=hours with a known kind "
                             f"({', '.join(KINDS)})")
        if hours.lower() in ("", "none"):
            caps.pop(kind, None)
            continue
        try:
            value = float(hours)
        except ValueError:
            value = 0
        if not 0 < value <= 24 * 31:
            raise ValueError(f"MEETINGSVC_DURATION_CAPS_HOURS: {pair.strip()!r}: hours must be a number above 0")
        caps[kind] = int(value) if value.is_integer() else value
    return caps


def working_hours(spec: str) -> tuple[str, str]:
    """(periods, span) of the working-hours setting: ("07:30-11:30,13:30-17:00", "07:30-17:00")."""
    from meetingsvc.meetings.availability import parse_working_periods

    try:
        periods = parse_working_periods(spec)
    except ValueError as exc:
        raise ValueError(f"MEETINGSVC_WORKING_HOURS: {exc}") from None
    text = ",".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in periods)
    return text, f"{periods[0][0]:%H:%M}-{periods[-1][1]:%H:%M}"


def _day(name: str, default: str) -> date:
    value = _env(name, default)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"MEETINGSVC_{name}: {value!r} is not a date as YYYY-MM-DD") from None


def load_secret_key(instance_path: str) -> str:
    """The key from the environment, else one generated once and kept in the instance folder."""
    key = _env("SECRET_KEY")
    if key:
        # Sessions are signed and feed tokens derived with it (feeds.services.token_string): 128 bits at least.
        if len(key) < 32:
            raise ValueError("MEETINGSVC_SECRET_KEY is too short: use at least 32 random characters "
                             "(or unset it and let the app generate one in the instance folder)")
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create exclusively so that two processes starting together keep one key.
        try:
            with open(path, "x", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32))
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path.read_text(encoding="ascii").strip()


def from_environment(instance_path: str) -> dict:
    default_db = "sqlite:///" + str(Path(instance_path) / "meetingsvc.sqlite3")
    periods, span = working_hours(_env("WORKING_HOURS", DEFAULT_WORKING_HOURS))
    return {
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", default_db),
        "DISPLAY_TIMEZONE": _env("TIMEZONE", "Asia/Ho_Chi_Minh"),
        "BABEL_DEFAULT_LOCALE": _env("LANGUAGE", "vi"),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "SMTP_URL": _env("SMTP_URL", "smtp://127.0.0.1:25"),
        "MAIL_FROM": _env("MAIL_FROM", "meetingsvc@localhost"),
        "OFFICE_NAME": _env("OFFICE_NAME", "Văn phòng UBND Thành phố Hà Nội"),
        "PUBLIC_BASE_URL": _env("PUBLIC_BASE_URL", ""),
        # Reverse proxies in front of the app (nginx…): their X-Forwarded-For/-Proto/-Host are then trusted, so
        # that links say https and sign-in throttling sees the client's address, not the proxy's.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        # Rules of Decision 45/2018/QĐ-TTg that provinces may tighten (domain.md §1.1).
        "INVITATION_LEAD_WORKING_DAYS": _int("INVITATION_LEAD_WORKING_DAYS", 3),
        "WORKING_PERIODS": periods,
        "WORKING_HOURS": span,
        "MEETING_DURATION_CAPS_HOURS": duration_caps(_env("DURATION_CAPS_HOURS")),
        "BOOKING_FIRST_DAY": _day("BOOKING_FIRST_DAY", "2000-01-01"),
        "BOOKING_YEARS_AHEAD": _int("BOOKING_YEARS_AHEAD", 10),
        # At most 31 days: the SQLite overlap triggers look back that far (see the migration c3a1d2e4f5b6).
        "MAX_MEETING_HOURS": min(_int("MAX_MEETING_HOURS", 24 * 5), 31 * 24),
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_WINDOW_MINUTES": _int("LOGIN_WINDOW_MINUTES", 15),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
    }


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "LANGUAGES": ("vi", "en"),
    # Times a day part stands for when no time is given (domain.md §5).
    "DAY_PART_TIMES": {
        "morning": ("08:00", "11:30"), "afternoon": ("14:00", "17:00"),
        "evening": ("19:00", "21:00"), "all_day": ("08:00", "17:00"),
    },
}
