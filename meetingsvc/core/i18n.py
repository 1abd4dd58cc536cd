"""Language choice and the formats the office writes: dd/mm/yyyy, 24-hour times, 93.367; 10,4%."""

from datetime import date, datetime
from pathlib import Path

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import current_app, has_request_context, session
from flask_babel import get_locale
from flask_login import current_user

from meetingsvc.core.time import parse_day, to_local

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def translation_directories() -> list[str]:
    """Each domain keeps its own catalog in <domain>/translations (or translations_<part>); Flask-Babel merges them."""
    return [str(p) for p in sorted(PACKAGE_DIR.glob("*/translations*")) if p.is_dir()]


def compile_catalogs() -> int:
    """Compile every messages.po into messages.mo; returns how many were written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    count = 0
    for po_path in PACKAGE_DIR.glob("*/translations*/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with open(po_path, "rb") as fh:
            catalog = read_po(fh)
        with open(mo_path, "wb") as fh:
            write_mo(fh, catalog)
        count += 1
    return count


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # services called from the CLI, the scheduler, benchmarks
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.language in languages:
        return current_user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _locale():
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _as_local(value):
    return to_local(value) if isinstance(value, datetime) else value


def format_day(value: date | datetime | None) -> str:
    """dd/mm/yyyy in office time."""
    if value is None:
        return ""
    return _as_local(value).strftime("%d/%m/%Y")


def format_day_input(value) -> str:
    """The value of a date input: dd/mm/yyyy when it is a day (a date, or ISO from a link), else what was typed."""
    if value in (None, ""):
        return ""
    try:
        return format_day(parse_day(value))
    except ValueError:
        return str(value)


def format_hm(value: datetime | None) -> str:
    """24-hour HH:MM in office time."""
    if value is None:
        return ""
    return _as_local(value).strftime("%H:%M")


def format_day_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{format_hm(value)} {format_day(value)}"


def format_weekday(value: date | datetime | None) -> str:
    """'Thứ Hai' … 'Chủ Nhật' in Vietnamese, 'Monday' … in English."""
    if value is None:
        return ""
    name = babel_dates.format_date(_as_local(value), "EEEE", locale=_locale())
    return name[:1].upper() + name[1:]


def format_number(value) -> str:
    if value is None:
        return ""
    return babel_numbers.format_decimal(value, locale=_locale(), group_separator=True)


def format_percent(value: float | None, digits: int = 1) -> str:
    """10.4 -> '10,4%' in Vietnamese, '10.4%' in English."""
    if value is None:
        return ""
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return babel_numbers.format_decimal(value, format=pattern, locale=_locale()) + "%"


def register_template_helpers(app) -> None:
    app.jinja_env.filters.update(
        day=format_day,
        day_input=format_day_input,
        hm=format_hm,
        day_time=format_day_time,
        weekday=format_weekday,
        number=format_number,
        percent=format_percent,
        local=to_local,
    )

    @app.context_processor
    def _language():
        return {"current_language": _locale(), "languages": app.config["LANGUAGES"]}

