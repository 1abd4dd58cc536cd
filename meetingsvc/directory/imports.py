"""Bulk load of units and people from CSV or XLSX: parse, plan (preview with named row errors), apply at once.

The parsed rows travel from the preview to the confirmation inside a signed, compressed token (no server
memory, so any process may take the confirmation); the plan is made again against the database on confirm,
and applied in one transaction: every row or none.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.text import fold
from meetingsvc.core.time import parse_day
from meetingsvc.directory import services
from meetingsvc.directory.models import LEADER_ROLES, UNIT_KINDS, Person, Unit
from meetingsvc.directory.services import _
from meetingsvc.extensions import db

COLUMNS = {
    "units": ["code", "name", "short_name", "kind", "parent_code", "valid_from", "valid_to", "sort_order",
              "successor_codes"],
    "people": ["id", "full_name", "title", "unit_code", "email", "phone", "is_leader", "leader_role", "leader_rank"],
}
REQUIRED = {"units": ["code", "name", "kind"], "people": ["full_name"]}
# Vietnamese headers the office's spreadsheets use, folded (no diacritics, lower case).
ALIASES = {
    "ma": "code", "ma don vi": "code", "ten": "name", "ten don vi": "name", "ten viet tat": "short_name",
    "loai": "kind", "ma don vi cha": "parent_code", "ma cap tren": "parent_code", "hieu luc tu": "valid_from",
    "hieu luc den": "valid_to", "thu tu": "sort_order", "ma don vi ke thua": "successor_codes",
    "ho va ten": "full_name", "ho ten": "full_name", "chuc vu": "title", "chuc danh": "title",
    "ma don vi cong tac": "unit_code", "dien thoai": "phone", "so dien thoai": "phone", "lanh dao": "is_leader",
    "vai tro lanh dao": "leader_role", "thu tu lanh dao": "leader_rank",
}
EXAMPLES = {
    "units": [
        ["01", "Thành phố Hà Nội", "TP Hà Nội", "city", "", "", "", "0", ""],
        ["SO-VD", "Sở Ví dụ", "", "department", "01", "2025-03-01", "", "10", ""],
    ],
    "people": [
        ["", "Nguyễn Văn Mẫu", "Giám đốc Sở", "SO-VD", "mau.nv@example.gov.vn", "024 3825 0000", "no", "", ""],
    ],
}
MAX_ROWS = 20000
SALT = "directory-import"


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class Parsed:
    what: str
    filename: str
    rows: list[dict] = field(default_factory=list)  # each has "_row": the spreadsheet row number
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Plan:
    parsed: Parsed
    creates: list[dict] = field(default_factory=list)
    updates: list[tuple[dict, object, list[str]]] = field(default_factory=list)  # (row, existing, changed fields)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.parsed.errors and bool(self.parsed.rows)

    @property
    def all_errors(self) -> list[RowError]:
        return sorted(self.parsed.errors + self.errors, key=lambda e: (e.row, e.column))


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
    known = COLUMNS[what]
    for header in headers:
        if header and header not in known:
            parsed.errors.append(RowError(1, header, _("Unknown column %(col)s; expected some of: %(cols)s.",
                                                      col=header, cols=", ".join(known))))
    for column in REQUIRED[what]:
        if column not in headers:
            parsed.errors.append(RowError(1, column, _("The column %(col)s is missing.", col=column)))
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
        row["_row"] = index
        parsed.rows.append(row)
    if not parsed.rows:
        parsed.errors.append(RowError(2, "", _("The file has a header but no rows.")))
    return parsed


# ---- the signed token between preview and confirmation ---------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def dump_token(parsed: Parsed) -> str:
    return _serializer().dumps({"what": parsed.what, "filename": parsed.filename, "rows": parsed.rows})


def load_token(token: str, max_age: int = 24 * 3600) -> Parsed:
    try:
        data = _serializer().loads(token or "", max_age=max_age)
    except BadSignature as exc:
        raise ValidationError({"payload": _("The upload could not be read back (expired or altered). Upload the file again.")}) from exc
    return Parsed(what=data["what"], filename=data["filename"], rows=data["rows"])


# ---- planning ------------------------------------------------------------------------------------------


def _parse_day(raw: str) -> date | None:
    return parse_day(raw) if raw.strip() else None


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
    result = Plan(parsed=parsed)
    if parsed.errors:
        return result
    if parsed.what == "units":
        _plan_units(result)
    else:
        _plan_people(result)
    return result


def _plan_units(result: Plan) -> None:
    rows, errors = result.parsed.rows, result.errors
    existing = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
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
                                                value=row["kind"], kinds=", ".join(UNIT_KINDS))))
        row["kind"] = kind
        for column in ("valid_from", "valid_to"):
            try:
                day = _parse_day(row.get(column, ""))
                if column in row:
                    row[column] = day.isoformat() if day else ""
            except ValueError:
                errors.append(RowError(n, column, _("%(value)s is not a date (use dd/mm/yyyy or yyyy-mm-dd).",
                                                    value=row[column])))
        if row.get("valid_from") and row.get("valid_to") and row["valid_to"] < row["valid_from"]:
            errors.append(RowError(n, "valid_to", _("The end of validity is before its start.")))
        order = row.get("sort_order", "").strip()
        if order and not order.lstrip("-").isdigit():
            errors.append(RowError(n, "sort_order", _("Must be a whole number.")))
    known = set(existing) | set(seen)
    parents: dict[str, str | None] = {code: (u.parent.code.lower() if u.parent else None) for code, u in existing.items()}
    for row in rows:
        n, parent_code = row["_row"], row.get("parent_code", "").strip()
        if parent_code and parent_code.lower() not in known:
            errors.append(RowError(n, "parent_code", _("Unknown parent code %(code)s.", code=parent_code)))
        elif row["code"]:
            parents[row["code"].lower()] = parent_code.lower() or None
        for successor in _split_codes(row.get("successor_codes", "")):
            if successor.lower() not in known:
                errors.append(RowError(n, "successor_codes", _("Unknown successor code %(code)s.", code=successor)))
            elif successor.lower() == row["code"].lower():
                errors.append(RowError(n, "successor_codes", _("A unit cannot succeed itself (directly or through later merges).")))
    for row in rows:
        code = row["code"].lower()
        node, chain = parents.get(code), {code}
        while node is not None:
            if node in chain:
                errors.append(RowError(row["_row"], "parent_code",
                                       _("The parent chain of %(code)s loops back to it.", code=row["code"])))
                break
            chain.add(node)
            node = parents.get(node)
    for row in rows:
        unit = existing.get(row["code"].lower())
        if unit is None:
            result.creates.append(row)
            continue
        current = {"name": unit.name, "short_name": unit.short_name or "", "kind": unit.kind,
                   "valid_from": unit.valid_from.isoformat() if unit.valid_from else "",
                   "valid_to": unit.valid_to.isoformat() if unit.valid_to else "", "sort_order": str(unit.sort_order)}
        changed = [c for c in current if c in row and (row[c] or ("0" if c == "sort_order" else "")) != current[c]]
        if "parent_code" in row and (unit.parent.code.lower() if unit.parent else "") != row["parent_code"].lower():
            changed.append("parent_code")
        if row.get("successor_codes") and sorted(s.code.lower() for s in unit.successors) != sorted(
                c.lower() for c in _split_codes(row["successor_codes"])):
            changed.append("successor_codes")
        if changed:
            result.updates.append((row, unit, changed))
        else:
            result.unchanged += 1


def _truthy(raw: str) -> bool | None:
    key = fold(raw)
    if key in ("", "0", "no", "n", "false", "khong", "k"):
        return False
    if key in ("1", "yes", "y", "true", "x", "co", "c"):
        return True
    return None


def _plan_people(result: Plan) -> None:
    rows, errors = result.parsed.rows, result.errors
    units = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
    by_email = {p.email.lower(): p for p in db.session.scalars(sa.select(Person).where(Person.email.is_not(None)))}
    emails: dict[str, int] = {}
    for row in rows:
        n = row["_row"]
        if not row.get("full_name", "").strip():
            errors.append(RowError(n, "full_name", _("The name is missing.")))
        unit_code = row.get("unit_code", "").strip()
        if unit_code and unit_code.lower() not in units:
            errors.append(RowError(n, "unit_code", _("Unknown unit code %(code)s.", code=unit_code)))
        raw_email = row.get("email", "").strip()
        if raw_email:
            try:
                row["email"] = services.normalise_email(raw_email)
            except ValueError:
                errors.append(RowError(n, "email", _("%(value)s is not an email address.", value=raw_email)))
            else:
                if row["email"].lower() in emails:
                    errors.append(RowError(n, "email", _("Duplicate email %(value)s (also on row %(row)d).",
                                                         value=raw_email, row=emails[row["email"].lower()])))
                emails.setdefault(row["email"].lower(), n)
        leader = _truthy(row.get("is_leader", ""))
        if leader is None:
            errors.append(RowError(n, "is_leader", _("Write yes or no.")))
        row["is_leader"] = bool(leader)
        role = _choice(row.get("leader_role", ""), LEADER_ROLES)
        if role == "?":
            errors.append(RowError(n, "leader_role", _("Unknown leader role %(value)s; use one of: %(kinds)s.",
                                                       value=row["leader_role"], kinds=", ".join(LEADER_ROLES))))
        elif role and not leader:
            errors.append(RowError(n, "leader_role", _("Only a leader has a leader role.")))
        row["leader_role"] = role if role != "?" else None
        rank = row.get("leader_rank", "").strip()
        if rank and (not rank.isdigit() or int(rank) < 1):
            errors.append(RowError(n, "leader_rank", _("Must be a whole number of 1 or more.")))
        phone = row.get("phone", "").strip()
        if phone and not all(c.isdigit() or c in " +().-" for c in phone):
            errors.append(RowError(n, "phone", _("A phone number has digits, spaces and + ( ) . - only.")))
        person = None
        if row.get("id", "").strip():
            person = db.session.get(Person, int(row["id"])) if row["id"].isdigit() else None
            if person is None:
                errors.append(RowError(n, "id", _("No person with id %(value)s.", value=row["id"])))
        elif row.get("email") and row["email"].lower() in by_email:
            person = by_email[row["email"].lower()]
        if person is None:
            result.creates.append(row)
        else:
            result.updates.append((row, person, ["…"]))


# ---- applying ------------------------------------------------------------------------------------------


def apply(result: Plan) -> dict:
    """Write the plan in the current transaction; the caller commits. Any error: the caller rolls back."""
    if not result.ok:
        raise ValidationError({"file": _("The file has errors; nothing was saved.")})
    if result.parsed.what == "units":
        return _apply_units(result)
    return _apply_people(result)


def _unit_values(row: dict, by_code: dict) -> dict:
    data = {"name": row["name"], "kind": row["kind"]}
    for column in ("short_name", "valid_from", "valid_to", "sort_order"):
        if column in row:
            data[column] = row[column] or None
    if "parent_code" in row:
        parent = by_code.get(row["parent_code"].lower()) if row["parent_code"] else None
        data["parent_id"] = parent.id if parent else None
    return data


def _apply_units(result: Plan) -> dict:
    by_code = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
    rows = {r["code"].lower(): r for r in result.parsed.rows}
    done: set[str] = set()
    order: list[dict] = []

    def visit(code: str):
        if code in done or code not in rows:
            return
        done.add(code)
        parent = rows[code].get("parent_code", "").lower()
        if parent:
            visit(parent)
        order.append(rows[code])

    for code in rows:
        visit(code)
    created = updated = 0
    update_codes = {r["code"].lower() for r, _unit, _changed in result.updates}
    create_codes = {r["code"].lower() for r in result.creates}
    for row in order:
        code = row["code"].lower()
        values = _unit_values(row, by_code)
        if code in by_code:
            if code in create_codes:
                raise ValidationError({"code": _("The code %(code)s was added by someone else since the preview.",
                                                 code=row["code"])})
            if code in update_codes:
                services.update_unit(by_code[code], values)
                updated += 1
        else:
            by_code[code] = services.create_unit({"code": row["code"], **values})
            created += 1
    for row in order:
        successors = _split_codes(row.get("successor_codes", ""))
        if successors:
            unit = by_code[row["code"].lower()]
            services.update_unit(unit, {"successor_ids": [by_code[c.lower()].id for c in successors]})
    return {"created": created, "updated": updated, "unchanged": result.unchanged}


def _person_values(row: dict, units: dict) -> dict:
    data = {"full_name": row["full_name"], "is_leader": row["is_leader"], "leader_role": row["leader_role"]}
    for column in ("title", "email", "phone", "leader_rank"):
        if column in row:
            data[column] = row[column] or None
    if "title" in data and data["title"] is None:
        data["title"] = ""
    if "unit_code" in row:
        unit = units.get(row["unit_code"].lower()) if row["unit_code"] else None
        data["unit_id"] = unit.id if unit else None
    return data


def _apply_people(result: Plan) -> dict:
    units = {u.code.lower(): u for u in db.session.scalars(sa.select(Unit))}
    with db.session.no_autoflush:  # one INSERT batch instead of a flush per row
        created = [services.create_person(_person_values(row, units), audit=False) for row in result.creates]
    db.session.flush()
    for person in created:
        services.audit_created(person)
    for row, person, _changed in result.updates:
        services.update_person(person, _person_values(row, units))
    return {"created": len(result.creates), "updated": len(result.updates), "unchanged": 0}


# ---- templates to download -----------------------------------------------------------------------------


def template_csv(what: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS[what])
    writer.writerows(EXAMPLES[what])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(what: str) -> bytes:
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
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
