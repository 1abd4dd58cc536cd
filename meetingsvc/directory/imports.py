"""Bulk load of units and people from CSV or XLSX: parse, plan (preview with named row errors), apply at once.

The parsed rows travel from the preview to the confirmation inside a signed, compressed token (no server
memory, so any process may take the confirmation); the plan is made again against the database on confirm,
and applied in one transaction: every row or none.

Cells: a blank cell keeps what is stored (a file may carry only the columns, or the cells, it means to change);
"-" clears the stored value (no parent, no e-mail, no end of validity…). Code, name and kind of a unit and the
full name of a person are needed on every row. Rows that change nothing are counted as unchanged and not
written. Units are matched by code; people by id, else by e-mail, else by full name and unit (a row that could
be several people is refused, a row that looks like someone already known is warned about).

Errors and the preview name columns as the file does (its own header, e.g. "Mã đơn vị cha"), or by their label
in the reader's language when the file uses the template's internal names.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer

from meetingsvc.core.audit import N_, record
from meetingsvc.core.errors import ValidationError
from meetingsvc.core.i18n import format_day
from meetingsvc.core.text import fold
from meetingsvc.core.time import parse_day
from meetingsvc.directory import services
from meetingsvc.directory.history import IMPORT, summary
from meetingsvc.directory.models import LEADER_ROLES, UNIT_KINDS, Person, Unit
from meetingsvc.directory.services import CLEAR, _
from meetingsvc.extensions import db

COLUMNS = {
    "units": ["code", "name", "short_name", "kind", "parent_code", "valid_from", "valid_to", "sort_order",
              "successor_codes"],
    "people": ["id", "full_name", "title", "unit_code", "email", "phone", "is_leader", "leader_role", "leader_rank"],
}
REQUIRED = {"units": ["code", "name", "kind"], "people": ["full_name"]}
# What a column is called on screen (the reader's language) when the file uses the internal name.
LABELS = {
    "code": N_("Unit code"), "name": N_("Unit name"), "short_name": N_("Short name"), "kind": N_("Unit kind"),
    "parent_code": N_("Parent unit code"), "valid_from": N_("Valid from"), "valid_to": N_("Valid until"),
    "sort_order": N_("Order"), "successor_codes": N_("Successor unit codes"), "id": N_("Person id"),
    "full_name": N_("Full name"), "title": N_("Job title"), "unit_code": N_("Code of the unit they work in"),
    "email": N_("Email"), "phone": N_("Phone"), "is_leader": N_("Leader of the People's Committee"),
    "leader_role": N_("Leader role"), "leader_rank": N_("Rank order"),
}
# Vietnamese headers the office's spreadsheets use, folded (no diacritics, lower case).
ALIASES = {
    "ma": "code", "ma don vi": "code", "ten": "name", "ten don vi": "name", "ten viet tat": "short_name",
    "loai": "kind", "loai don vi": "kind", "ma don vi cha": "parent_code", "ma cap tren": "parent_code",
    "ma don vi cap tren": "parent_code", "hieu luc tu": "valid_from", "hieu luc den": "valid_to",
    "thu tu": "sort_order", "ma don vi ke thua": "successor_codes",
    "ho va ten": "full_name", "ho ten": "full_name", "chuc vu": "title", "chuc danh": "title",
    "ma don vi cong tac": "unit_code", "thu dien tu": "email", "dien thoai": "phone", "so dien thoai": "phone",
    "lanh dao": "is_leader", "vai tro lanh dao": "leader_role", "thu tu lanh dao": "leader_rank",
}
EXAMPLES = {
    "units": [
        ["01", "Thành phố Hà Nội", "TP Hà Nội", "city", "", "", "", "0", ""],
        ["SO-VD", "Sở Ví dụ", "", "department", "01", "01/03/2025", "", "10", ""],
    ],
    "people": [
        ["", "Nguyễn Văn Mẫu", "Giám đốc Sở", "SO-VD", "mau.nv@example.gov.vn", "024 3825 0000", "no", "", ""],
    ],
}
# The optional columns a blank cell keeps and "-" clears.
CLEARABLE = {"short_name", "parent_code", "valid_from", "valid_to", "sort_order", "successor_codes", "title",
             "unit_code", "email", "phone", "leader_role", "leader_rank"}
MAX_ROWS = 20000
SALT = "directory-import"


@dataclass
class RowError:
    row: int
    column: str  # the internal column name ("" for the whole row); pages show it with column_label()
    message: str


@dataclass
class Parsed:
    what: str
    filename: str
    rows: list[dict] = field(default_factory=list)  # each has "_row": the spreadsheet row number
    errors: list[RowError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # internal column name -> the header as in the file

    def column_label(self, column: str) -> str:
        return column_label(column, self.headers)


@dataclass
class Plan:
    parsed: Parsed
    rows: list[dict] = field(default_factory=list)  # the parsed rows, checked and normalised (ISO dates, codes)
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[dict, object, list[str]]] = field(default_factory=list)  # (row, existing, changed columns)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # shown in the preview; they do not stop the import

    @property
    def ok(self) -> bool:
        return not self.errors and not self.parsed.errors and bool(self.parsed.rows)

    @property
    def all_errors(self) -> list[RowError]:
        return sorted(self.parsed.errors + self.errors, key=lambda e: (e.row, e.column))

    @property
    def columns(self) -> list[str]:
        """The file's columns, in the template's order (the preview's table)."""
        return [c for c in COLUMNS[self.parsed.what] if c in self.parsed.headers]


def column_label(column: str, headers: dict[str, str] | None = None) -> str:
    """The column as the file names it, or its label in the reader's language and the internal name."""
    if not column:
        return ""
    header = (headers or {}).get(column)
    if header and header != column:
        return header
    label = LABELS.get(column)
    return f"{gettext(label)} ({column})" if label else column


def display_value(column: str, value) -> str:
    """A planned cell as the preview shows it: dd/mm/yyyy, kind and role labels, Có/Không."""
    if value is None or value == "":
        return ""
    if value == CLEAR:
        return CLEAR
    if column in ("valid_from", "valid_to"):
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return str(value)
    if column == "kind" and value in UNIT_KINDS:
        return str(UNIT_KINDS[value])
    if column == "leader_role" and value in LEADER_ROLES:
        return str(LEADER_ROLES[value])
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return str(value)


def _choices_text(table: dict) -> str:
    return ", ".join(f"{label} ({code})" for code, label in table.items())


# ---- reading files ---------------------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table_from_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("The CSV file is not UTF-8 text. Save it as “CSV UTF-8”.")}) from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _table_from_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError({"file": _("The file is not a readable XLSX workbook.")}) from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _column_name(header: str) -> str:
    key = fold(header).replace("_", " ").strip()
    if key.replace(" ", "_") in COLUMNS["units"] + COLUMNS["people"]:
        return key.replace(" ", "_")
    return ALIASES.get(key, header.strip())


def _text_error(value: str) -> str:
    from meetingsvc.meetings.validation import text_error

    return text_error(value)


def _what_label(what: str) -> str:
    return _("Units") if what == "units" else _("People")


def parse(what: str, filename: str, content: bytes) -> Parsed:
    """Rows as dicts keyed by column name; unknown or missing columns and empty files are errors."""
    if what not in COLUMNS:
        raise ValidationError({"what": _("Choose units or people.")})
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        table = _table_from_xlsx(content)
    elif name.endswith(".csv") or name.endswith(".txt"):
        table = _table_from_csv(content)
    else:
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    parsed = Parsed(what=what, filename=filename)
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        parsed.errors.append(RowError(1, "", _("The file is empty.")))
        return parsed
    headers = [_column_name(h) for h in table[0]]
    parsed.headers = {column: raw.strip() for column, raw in zip(headers, table[0], strict=False) if column}
    known = COLUMNS[what]
    other = "people" if what == "units" else "units"
    named = [h for h in headers if h]
    if any(h not in known for h in named) and all(h in COLUMNS[other] for h in named) \
            and all(c in named for c in REQUIRED[other]):
        parsed.errors.append(RowError(1, "", _("These are the columns of a file of %(other)s, not of %(what)s: "
                                               "choose “%(other)s” in “What the file holds” and upload it again.",
                                               other=_what_label(other), what=_what_label(what))))
        return parsed
    for header in headers:
        if header and header not in known:
            parsed.errors.append(RowError(1, header, _("Unknown column %(col)s; expected some of: %(cols)s.",
                                                      col=header, cols=", ".join(column_label(c) for c in known))))
    for column in REQUIRED[what]:
        if column not in headers:
            parsed.errors.append(RowError(1, column, _("The column %(col)s is missing.", col=column_label(column))))
    if parsed.errors:
        return parsed
    body = table[1:]
    if len(body) > MAX_ROWS:
        parsed.errors.append(RowError(1, "", _("At most %(n)d rows per file.", n=MAX_ROWS)))
        return parsed
    for index, values in enumerate(body, start=2):
        if not any(v.strip() for v in values if v):
            continue
        row = {h: (values[i].strip() if i < len(values) and values[i] else "") for i, h in enumerate(headers) if h}
        for column, value in row.items():
            if "\x00" in value:  # refused alike on both backends (PostgreSQL cannot store it)
                parsed.errors.append(RowError(index, column, _text_error(value)))
        row["_row"] = index
        parsed.rows.append(row)
    if not parsed.rows:
        parsed.errors.append(RowError(2, "", _("The file has a header but no rows.")))
    return parsed


# ---- the signed token between preview and confirmation ---------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def dump_token(parsed: Parsed) -> str:
    return _serializer().dumps({"what": parsed.what, "filename": parsed.filename, "rows": parsed.rows,
                                "headers": parsed.headers})


def load_token(token: str, max_age: int = 24 * 3600) -> Parsed:
    try:
        data = _serializer().loads(token or "", max_age=max_age)
    except BadSignature as exc:
        raise ValidationError({"payload": _("The upload could not be read back (expired or altered). Upload the file again.")}) from exc
    return Parsed(what=data["what"], filename=data["filename"], rows=data["rows"], headers=data.get("headers") or {})


# ---- planning ------------------------------------------------------------------------------------------


def _given(row: dict, column: str) -> bool:
    """The row says something about this column (a blank cell, or no such column, keeps the stored value)."""
    return bool(row.get(column))


def _cleared(row: dict, column: str) -> bool:
    return column in CLEARABLE and row.get(column) == CLEAR


def _text(raw: str) -> str:
    return " ".join(raw.split())


def _vietnamese(msgid: str) -> str:
    from pathlib import Path

    from babel.support import Translations

    global _VI
    if _VI is None:
        _VI = Translations.load(str(Path(__file__).parent / "translations"), ["vi"])
    return _VI.gettext(msgid)


_VI = None


def _choice(raw: str, table: dict) -> str | None:
    """A code from its code or its label in English or Vietnamese ("district", "Quận, huyện, thị xã")."""
    key = fold(raw)
    if not key:
        return None
    for code, label in table.items():
        msgid = label._args[0] if hasattr(label, "_args") else str(label)
        if key in (fold(code), fold(code.replace("_", " ")), fold(msgid), fold(_vietnamese(msgid))):
            return code
    return "?"


def _split_codes(raw: str) -> list[str]:
    return [c.strip() for c in raw.replace(";", ",").split(",") if c.strip()]


def plan(parsed: Parsed) -> Plan:
    """What the rows would do, against the database as it is now; `parsed` itself is left as read."""
    result = Plan(parsed=parsed, rows=[dict(row) for row in parsed.rows])
    if parsed.errors:
        return result
    if parsed.what == "units":
        _plan_units(result)
    else:
        _plan_people(result)
    return result


def _check_units(rows: list[dict], errors: list[RowError]) -> dict[str, int]:
    """Check and normalise each row on its own (dates to ISO, kinds to codes); returns code -> first row."""
    seen: dict[str, int] = {}
    for row in rows:
        n, code = row["_row"], row.get("code", "").strip()
        row["code"] = code
        if not code:
            errors.append(RowError(n, "code", _("The code is missing.")))
        elif " " in code or len(code) > 32:
            errors.append(RowError(n, "code", _("A code has no spaces and at most 32 characters.")))
        elif code.lower() in seen:
            errors.append(RowError(n, "code", _("Duplicate code %(code)s (also on row %(row)d).", code=code,
                                                row=seen[code.lower()])))
        else:
            seen[code.lower()] = n
        if not row.get("name", "").strip():
            errors.append(RowError(n, "name", _("The name is missing.")))
        elif len(row["name"]) > 200:
            errors.append(RowError(n, "name", _("At most %(n)d characters.", n=200)))
        kind = _choice(row.get("kind", ""), UNIT_KINDS)
        if kind is None:
            errors.append(RowError(n, "kind", _("The kind is missing.")))
        elif kind == "?":
            errors.append(RowError(n, "kind", _("Unknown kind %(value)s; use one of: %(kinds)s.",
                                                value=row["kind"], kinds=_choices_text(UNIT_KINDS))))
        if kind != "?":  # an unknown kind stays as typed, so that the preview shows what the file says
            row["kind"] = kind
        for column in ("valid_from", "valid_to"):
            if not _given(row, column) or _cleared(row, column):
                continue
            try:
                row[column] = parse_day(row[column]).isoformat()
            except ValueError:
                errors.append(RowError(n, column, _("%(value)s is not a date (use dd/mm/yyyy or yyyy-mm-dd).",
                                                    value=row[column])))
        start, end = row.get("valid_from", ""), row.get("valid_to", "")
        if start and end and CLEAR not in (start, end) and end < start:
            errors.append(RowError(n, "valid_to", _("The end of validity is before its start.")))
        order = row.get("sort_order", "").strip()
        if order and order != CLEAR and not order.lstrip("-").isdigit():
            errors.append(RowError(n, "sort_order", _("Must be a whole number.")))
        elif order and order != CLEAR and abs(int(order)) > services.INT_LIMIT:
            errors.append(RowError(n, "sort_order", _("Must be at most %(n)d.", n=services.INT_LIMIT)))
    return seen


def _plan_units(result: Plan) -> None:
    rows, errors = result.rows, result.errors
    existing = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
    services.load_successors(list(existing.values()))
    seen = _check_units(rows, errors)
    known = set(existing) | set(seen)
    by_id = {u.id: u for u in existing.values()}
    parents: dict[str, str | None] = {
        code: (by_id[u.parent_id].code.lower() if u.parent_id in by_id else None) for code, u in existing.items()}
    for row in rows:
        n, parent_code = row["_row"], row.get("parent_code", "").strip()
        if _cleared(row, "parent_code"):
            parents[row["code"].lower()] = None
        elif parent_code and parent_code.lower() not in known:
            errors.append(RowError(n, "parent_code", _("Unknown parent code %(code)s.", code=parent_code)))
        elif parent_code and row["code"]:
            parents[row["code"].lower()] = parent_code.lower()
        elif row["code"] and row["code"].lower() not in existing:
            parents[row["code"].lower()] = None
        if _cleared(row, "successor_codes"):
            continue
        for successor in _split_codes(row.get("successor_codes", "")):
            if successor.lower() not in known:
                errors.append(RowError(n, "successor_codes", _("Unknown successor code %(code)s.", code=successor)))
            elif successor.lower() == row["code"].lower():
                errors.append(RowError(n, "successor_codes", _("A unit cannot succeed itself (directly or through later merges).")))
    for row in rows:
        # Only the rows inside a loop are wrong: a unit placed under one of them is not, and is not blamed.
        code = row["code"].lower()
        node, chain = parents.get(code), {code}
        while node is not None:
            if node == code:
                errors.append(RowError(row["_row"], "parent_code",
                                       _("The parent chain of %(code)s loops back to it.", code=row["code"])))
                break
            if node in chain:
                break
            chain.add(node)
            node = parents.get(node)
    for row in rows:
        unit = existing.get(row["code"].lower())
        if unit is None:
            result.creates.append(row)
            continue
        changed = _unit_changes(row, unit, by_id)
        if changed:
            result.updates.append((row, unit, changed))
        else:
            result.unchanged += 1


def _unit_changes(row: dict, unit: Unit, by_id: dict[int, Unit]) -> list[str]:
    """The columns of `row` that would change `unit` (blank cells keep, "-" clears)."""
    stored = {
        "name": unit.name, "kind": unit.kind, "short_name": unit.short_name,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None, "sort_order": unit.sort_order,
        "parent_code": by_id[unit.parent_id].code.lower() if unit.parent_id in by_id else None,
        "successor_codes": sorted(s.code.lower() for s in unit.successors),
    }
    changed = []
    for column, current in stored.items():
        if _cleared(row, column):
            wanted = 0 if column == "sort_order" else [] if column == "successor_codes" else None
        elif not _given(row, column):
            continue
        elif column in ("name", "short_name"):
            wanted = _text(row[column])
        elif column == "sort_order":
            wanted = int(row[column]) if row[column].lstrip("-").isdigit() else row[column]
        elif column == "parent_code":
            wanted = row[column].lower()
        elif column == "successor_codes":
            wanted = sorted(c.lower() for c in _split_codes(row[column]))
        else:
            wanted = row[column]
        if wanted != current:
            changed.append(column)
    return changed


def _truthy(raw: str) -> bool | None:
    key = fold(raw)
    if key in ("0", "no", "n", "false", "khong", "k"):
        return False
    if key in ("1", "yes", "y", "true", "x", "co", "c"):
        return True
    return None


def _check_people(rows: list[dict], units: dict[str, Unit], errors: list[RowError]) -> None:
    """Check and normalise each row on its own (e-mail, yes/no, roles, ranks, phone)."""
    emails: dict[str, int] = {}
    for row in rows:
        n = row["_row"]
        if not row.get("full_name", "").strip():
            errors.append(RowError(n, "full_name", _("The name is missing.")))
        unit_code = row.get("unit_code", "").strip()
        if unit_code and unit_code != CLEAR and unit_code.lower() not in units:
            errors.append(RowError(n, "unit_code", _("Unknown unit code %(code)s.", code=unit_code)))
        raw_email = row.get("email", "").strip()
        if raw_email and raw_email != CLEAR:
            try:
                row["email"] = services.normalise_email(raw_email)
            except ValueError:
                errors.append(RowError(n, "email", _("%(value)s is not an email address.", value=raw_email)))
            else:
                if row["email"].lower() in emails:
                    errors.append(RowError(n, "email", _("Duplicate email %(value)s (also on row %(row)d).",
                                                         value=raw_email, row=emails[row["email"].lower()])))
                emails.setdefault(row["email"].lower(), n)
        if _given(row, "is_leader"):
            leader = _truthy(row["is_leader"])
            if leader is None:
                errors.append(RowError(n, "is_leader", _("Write yes or no.")))
            else:  # a word that is neither stays as typed in the preview
                row["is_leader"] = leader
        if _given(row, "leader_role") and not _cleared(row, "leader_role"):
            role = _choice(row["leader_role"], LEADER_ROLES)
            if role == "?":
                errors.append(RowError(n, "leader_role", _("Unknown leader role %(value)s; use one of: %(kinds)s.",
                                                           value=row["leader_role"], kinds=_choices_text(LEADER_ROLES))))
            else:
                row["leader_role"] = role
        rank = row.get("leader_rank", "").strip()
        if rank and rank != CLEAR and (not rank.isdigit() or not 1 <= int(rank) <= services.INT_LIMIT):
            errors.append(RowError(n, "leader_rank", _("Must be a whole number of 1 or more.")))
        phone = row.get("phone", "").strip()
        if phone and phone != CLEAR and not all(c.isdigit() or c in " +().-" for c in phone):
            errors.append(RowError(n, "phone", _("A phone number has digits, spaces and + ( ) . - only.")))
        ident = row.get("id", "").strip()
        if ident and not ident.isdigit():
            errors.append(RowError(n, "id", _("No person with id %(value)s.", value=ident)))


def _person_wants(row: dict, units: dict[str, Unit]) -> dict:
    """Field -> value for what the row says (blank cells are left out, "-" clears)."""
    wants = {"full_name": _text(row["full_name"])}
    for column, key in (("title", "title"), ("email", "email"), ("phone", "phone"), ("leader_rank", "leader_rank")):
        if _cleared(row, column):
            wants[key] = "" if key == "title" else None
        elif _given(row, column):
            value = _text(row[column])
            wants[key] = int(value) if key == "leader_rank" and value.isdigit() else value
    if _cleared(row, "unit_code"):
        wants["unit_id"] = None
    elif _given(row, "unit_code"):
        unit = units.get(row["unit_code"].lower())
        wants["unit_id"] = unit.id if unit else None
    if isinstance(row.get("is_leader"), bool):
        wants["is_leader"] = row["is_leader"]
    if _cleared(row, "leader_role"):
        wants["leader_role"] = None
    elif _given(row, "leader_role"):
        wants["leader_role"] = row["leader_role"]
    return wants


def _plan_people(result: Plan) -> None:
    rows, errors, warnings = result.rows, result.errors, result.warnings
    units = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
    _check_people(rows, units, errors)
    people = list(db.session.scalars(sa.select(Person)).unique())
    by_id = {p.id: p for p in people}
    by_email = {p.email.lower(): p for p in people if p.email}
    by_name: dict[str, list[Person]] = {}
    for person in people:
        by_name.setdefault(fold(person.full_name), []).append(person)
    taken: dict[int, int] = {}  # person id -> the row that updates it
    new_names: dict[tuple[str, int | None], int] = {}
    for row in rows:
        n = row["_row"]
        if not row.get("full_name", "").strip():
            continue
        wants = _person_wants(row, units)
        person, ident = None, row.get("id", "").strip()
        if ident:
            person = by_id.get(int(ident)) if ident.isdigit() else None
            if person is None:
                if ident.isdigit():
                    errors.append(RowError(n, "id", _("No person with id %(value)s.", value=ident)))
                continue
        elif wants.get("email") and wants["email"].lower() in by_email:
            person = by_email[wants["email"].lower()]
        else:
            person = _match_by_name(row, wants, by_name, errors, warnings)
            if person is False:
                continue
        if person is not None and person.id in taken:
            errors.append(RowError(n, "", _("This row and row %(row)d are the same person (%(name)s).",
                                            row=taken[person.id], name=person.full_name)))
            continue
        if person is None:
            key = (fold(wants["full_name"]), wants.get("unit_id"))
            if key in new_names and not wants.get("email"):
                warnings.append(RowError(n, "full_name", _("Same name and unit as row %(row)d: two people will be "
                                                           "added.", row=new_names[key])))
            new_names.setdefault(key, n)
            _check_leader(row, wants, None, errors)
            result.creates.append(row)
            continue
        taken[person.id] = n
        _check_leader(row, wants, person, errors)
        changed = _changed_people_fields(wants, person)
        if changed:
            result.updates.append((row, person, changed))
        else:
            result.unchanged += 1


def _match_by_name(row, wants, by_name, errors, warnings):
    """A person with the row's full name (and unit, when the row names one) and no other e-mail; None when
    nobody matches (the row adds someone); False when the row could be several people (an error)."""
    n = row["_row"]
    same_name = [p for p in by_name.get(fold(wants["full_name"]), [])
                 if not (wants.get("email") and p.email and p.email.lower() != wants["email"].lower())]
    if "unit_id" in wants:
        candidates = [p for p in same_name if p.unit_id == wants["unit_id"]]
    else:
        candidates = same_name
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        errors.append(RowError(n, "id", _("Several people are called %(name)s here (ids %(ids)s): write the id "
                                          "of the one to change.", name=wants["full_name"],
                                          ids=", ".join(str(p.id) for p in candidates))))
        return False
    if same_name:
        others = ", ".join(f"{p.full_name} (id {p.id}, {p.unit.code if p.unit else '—'})" for p in same_name)
        warnings.append(RowError(n, "full_name", _("Someone of this name is already in the directory: %(who)s. "
                                                   "This row adds another person; write the id to change that one "
                                                   "instead.", who=others)))
    return None


def _check_leader(row: dict, wants: dict, person: Person | None, errors: list[RowError]) -> None:
    is_leader = wants.get("is_leader", person.is_leader if person else False)
    if not is_leader and wants.get("leader_role"):
        errors.append(RowError(row["_row"], "leader_role", _("Only a leader has a leader role.")))
    if not is_leader and wants.get("leader_rank") is not None:
        errors.append(RowError(row["_row"], "leader_rank", _("Only a leader has a rank order.")))


PERSON_COLUMNS = {"full_name": "full_name", "title": "title", "unit_id": "unit_code", "email": "email",
                  "phone": "phone", "is_leader": "is_leader", "leader_role": "leader_role",
                  "leader_rank": "leader_rank"}


def _changed_people_fields(wants: dict, person: Person) -> list[str]:
    changed = []
    for key, column in PERSON_COLUMNS.items():
        if key not in wants:
            continue
        current = getattr(person, key)
        wanted = wants[key]
        if key == "email" and wanted and current:
            same = wanted.lower() == current.lower()
        else:
            same = (wanted or None) == (current or None) if key != "is_leader" else wanted == current
        if not same:
            changed.append(column)
    if wants.get("is_leader") is False and (person.leader_role or person.leader_rank) and "is_leader" not in changed:
        changed.append("is_leader")
    return changed


# ---- applying ------------------------------------------------------------------------------------------


def apply(result: Plan) -> dict:
    """Write the plan in the current transaction; the caller commits. Any error: the caller rolls back.

    Writes one audit entry for the import (file name and counts) besides one per unit or person written.
    """
    if not result.ok:
        raise ValidationError({"file": _("The file has errors; nothing was saved.")})
    counts = _apply_units(result) if result.parsed.what == "units" else _apply_people(result)
    action = f"import_{result.parsed.what}"
    record(action, IMPORT, summary=summary(IMPORT, action, filename=result.parsed.filename, **counts),
           after={"what": result.parsed.what, "filename": result.parsed.filename, **counts})
    return counts


def _unit_values(row: dict, by_code: dict, *, new: bool) -> dict:
    """Service data for a unit row: every column for a new unit, only what the row says for an existing one."""
    data = {"name": row["name"], "kind": row["kind"]}
    for column in ("short_name", "valid_from", "valid_to", "sort_order"):
        if _cleared(row, column):
            data[column] = None
        elif _given(row, column) or (new and column in row):
            data[column] = row[column] or None
    if _cleared(row, "parent_code"):
        data["parent_id"] = None
    elif _given(row, "parent_code"):
        data["parent_id"] = by_code[row["parent_code"].lower()].id
    return data


def _apply_units(result: Plan) -> dict:
    by_code = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
    rows = {r["code"].lower(): r for r in result.rows}
    # Parents before children, level by level (the plan refused loops): each level is one INSERT batch.
    depth: dict[str, int] = {}
    for start in rows:
        chain, node = [], start
        while node in rows and node not in depth:
            chain.append(node)
            node = rows[node].get("parent_code", "").lower()
        level = depth.get(node, -1)
        for node in reversed(chain):
            level += 1
            depth[node] = level
    order = sorted(rows.values(), key=lambda r: depth[r["code"].lower()])
    created = updated = 0
    update_codes = {r["code"].lower() for r, _unit, _changed in result.updates}
    create_codes = {r["code"].lower() for r in result.creates}
    pending: list[Unit] = []  # created, not yet flushed: one INSERT batch per level of the tree, not one per row

    def flush_pending():
        db.session.flush()
        for unit in pending:
            services.audit_unit_created(unit)
        pending.clear()

    with db.session.no_autoflush:
        for row in order:
            code = row["code"].lower()
            parent = by_code.get(row.get("parent_code", "").lower())
            if parent is not None and parent.id is None:  # its parent was just added: it needs its id
                flush_pending()
            if code in by_code:
                if code in create_codes:
                    raise ValidationError({"code": _("The code %(code)s was added by someone else since the "
                                                     "preview.", code=row["code"])})
                if code in update_codes:
                    flush_pending()
                    services.update_unit(by_code[code], _unit_values(row, by_code, new=False))
                    updated += 1
            else:
                by_code[code] = services.create_unit({"code": row["code"], **_unit_values(row, by_code, new=True)},
                                                     audit=False)
                pending.append(by_code[code])
                created += 1
        flush_pending()
    for row in order:
        code = row["code"].lower()
        if code not in update_codes and code not in create_codes:
            continue
        if _cleared(row, "successor_codes"):
            services.update_unit(by_code[code], {"successor_ids": []})
        elif _given(row, "successor_codes"):
            services.update_unit(by_code[code], {"successor_ids": [by_code[c.lower()].id
                                                                   for c in _split_codes(row["successor_codes"])]})
    return {"created": created, "updated": updated, "unchanged": result.unchanged}


def _apply_people(result: Plan) -> dict:
    units = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
    with db.session.no_autoflush:  # one INSERT batch instead of a flush per row
        created = [services.create_person({"title": "", **_person_wants(row, units)}, audit=False)
                   for row in result.creates]
    db.session.flush()
    for person in created:
        services.audit_created(person)
    for row, person, _changed in result.updates:
        services.update_person(person, _person_wants(row, units))
    return {"created": len(result.creates), "updated": len(result.updates), "unchanged": result.unchanged}


# ---- templates to download -----------------------------------------------------------------------------

GUIDE = [
    N_("How to fill this file"),
    N_("One row per unit or person; the first row names the columns (keep them, or use the Vietnamese names)."),
    N_("Units are matched by code, people by id, else by e-mail, else by full name and unit."),
    N_("A blank cell keeps what is stored; write - (a dash) to clear it."),
    N_("Dates as dd/mm/yyyy. Yes/no columns: có or không (yes or no)."),
]


def template_csv(what: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS[what])
    writer.writerows(EXAMPLES[what])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(what: str) -> bytes:
    """The template, with a second sheet that explains the columns and the accepted values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = what
    sheet.append(COLUMNS[what])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLES[what]:
        sheet.append(row)
    for column_cells in sheet.columns:
        for cell in column_cells:
            cell.number_format = "@"  # text, so that codes such as 001 keep their zeros
        sheet.column_dimensions[column_cells[0].column_letter].width = 22
    guide = book.create_sheet(gettext("Guide"))
    for line in GUIDE:
        guide.append([gettext(line)])
    guide["A1"].font = Font(bold=True)
    guide.append([])
    for column in COLUMNS[what]:
        accepted = ""
        if column == "kind":
            accepted = _choices_text(UNIT_KINDS)
        elif column == "leader_role":
            accepted = _choices_text(LEADER_ROLES)
        guide.append([column, gettext(LABELS[column]), accepted])
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 36
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
