"""Settings read from the environment (prefix MEETINGSVC_), with defaults."""

import os
import secrets
from pathlib import Path


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"MEETINGSVC_{name}", default)


def _int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def load_secret_key(instance_path: str) -> str:
    """The key from the environment, else one generated once and kept in the instance folder."""
    key = _env("SECRET_KEY")
    if key:
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
    return {
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", default_db),
        "DISPLAY_TIMEZONE": _env("TIMEZONE", "Asia/Ho_Chi_Minh"),
        "BABEL_DEFAULT_LOCALE": _env("LANGUAGE", "vi"),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "SMTP_URL": _env("SMTP_URL", "smtp://127.0.0.1:25"),
        "MAIL_FROM": _env("MAIL_FROM", "meetingsvc@localhost"),
        "OFFICE_NAME": _env("OFFICE_NAME", "Văn phòng UBND Thành phố Hà Nội"),
        "PUBLIC_BASE_URL": _env("PUBLIC_BASE_URL", ""),
        # Rules of Decision 45/2018/QĐ-TTg that provinces may tighten (domain.md §1.1).
        "INVITATION_LEAD_WORKING_DAYS": _int("INVITATION_LEAD_WORKING_DAYS", 3),
        "WORKING_HOURS": _env("WORKING_HOURS", "07:30-17:00"),
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
    # Longest duration (hours of meeting) per kind before the form warns: Decision 45/2018 (domain.md §1.1).
    # ½ working day = 4 h, 1 day = 8 h; kinds not listed have no cap.
    "MEETING_DURATION_CAPS_HOURS": {
        "briefing": 4, "work_resolution": 4, "advisory": 4, "coordination": 4,
        "technical": 8, "thematic": 8, "review": 8, "training_rollout": 16,
    },
    # Times a day part stands for when no time is given (domain.md §5).
    "DAY_PART_TIMES": {
        "morning": ("08:00", "11:30"), "afternoon": ("14:00", "17:00"),
        "evening": ("19:00", "21:00"), "all_day": ("08:00", "17:00"),
    },
}
