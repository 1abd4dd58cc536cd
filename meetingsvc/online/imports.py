"""Bulk entry of actual participants from a CSV or XLSX file: one row per bridge point.

The whole file is checked before anything is saved; if any row is wrong nothing is saved and every wrong
row is named by its row number in the file (as the spreadsheet shows it, blank rows and a title above the
header counted) and the reason. The header is the first row, among the first HEADER_SEARCH_ROWS, that names
the columns; rows above it (a title, blank rows) are skipped.

Names written into the template that a spreadsheet would take for a formula (=, +, -, @ first) are written as
text (XLSX: a text cell shown with a leading apostrophe; CSV: a leading apostrophe), and an upload reads such
a value back without the apostrophe, so that a filled-in template round-trips.

Columns (headers in English or Vietnamese, with or without diacritics, any order):
  unit_code            the unit's code (for a bridge point that is a unit; 37 for 00037, as a spreadsheet
                       turns a code typed in a number cell, when no other point's code is 37 too), or
  site_name            the site's name (for a named site);
  actual_participants  the number present;
  point_name, planned_participants   informative (the template fills them), ignored on upload;
  ignored              a row number ("STT") or notes ("Ghi chú"), ignored.
"""

import csv
import io
import itertools
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from meetingsvc.core.errors import ValidationError
from meetingsvc.core.text import fold
from meetingsvc.directory.models import Unit
from meetingsvc.extensions import db
from meetingsvc.online import services

COLUMNS = {
    "unit_code": _l("Unit code"),
    "site_name": _l("Site name"),
    "point_name": _l("Bridge point"),
    "planned_participants": _l("Planned participants"),
    "actual_participants": _l("Actual participants"),
}
IGNORED = {"stt", "so thu tu", "#", "no", "no.", "ghi chu", "note", "notes"}
# Header spellings accepted (folded: lower case, no diacritics), besides the keys and the English labels.
ALIASES = {
    "unit_code": {"ma don vi", "ma", "code", "unit code", "ma dv"},
    "site_name": {"ten diem", "ten dia diem", "diem cau khac", "site", "site name"},
    "point_name": {"diem cau", "ten diem cau", "ten don vi", "bridge point", "name", "point"},
    "planned_participants": {"so du kien", "du kien", "so dai bieu du kien", "planned", "planned participants"},
    "actual_participants": {"so thuc te", "thuc te", "so dai bieu thuc te", "so dai bieu", "actual", "participants",
                            "actual participants"},
}
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 20
# What a spreadsheet takes for the start of a formula (OWASP "CSV injection"), tab and carriage return included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GROUPED_NUMBER = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


@dataclass
class UploadResult:
    values: dict[int, int | None] = field(default_factory=dict)  # point_id -> actual participants
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    blank_rows: int = 0


class UploadError(ValidationError):
    """The file as a whole is unusable, or some rows are wrong: `rows` lists (row number, reason)."""

    def __init__(self, message: str, rows: list[tuple[int, str]] | None = None):
        self.message = message
        self.rows = rows or []
        fields = {"file": message}
        fields.update({f"row {n}": reason for n, reason in self.rows})
        super().__init__(fields)


def _column_for(header) -> str | None:
    """The column key a header cell names; None for an empty or ignored cell, "?" for an unknown one."""
    text = fold(str(header or "")).replace("_", " ").strip()
    if not text or text in IGNORED:
        return None
    for key, label in COLUMNS.items():
        if text in (key.replace("_", " "), fold(str(label))) or text in ALIASES[key]:
            return key
    return "?"


def _blank(row) -> bool:
    return not any(c is not None and str(c).strip() for c in row)


def as_text(value):
    """A value for a spreadsheet cell that is never taken for a formula: text starting with = + - @ gets an
    apostrophe in front (what Excel itself shows for text typed that way)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _from_text(value):
    """The inverse of as_text for a value read from an upload."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _delimiter(text: str) -> str:
    """The delimiter (comma, semicolon as Excel writes with a Vietnamese locale, or tab) under which the first
    rows name the most known columns; csv.Sniffer guesses wrong on a title row above the header."""
    head = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS + 1])

    def known(delimiter):
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))
        except csv.Error:
            return 0
        return max((len({_column_for(c) for c in row} - {None, "?"}) for row in rows), default=0)

    return max((",", ";", "\t"), key=known)


def _read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(row number in the file, cells) for the first rows of the file, blank rows included."""
    name = (filename or "").lower()
    limit = MAX_ROWS + HEADER_SEARCH_ROWS + 1
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise UploadError(_("The file is not a readable XLSX workbook.")) from None
        sheet = workbook.worksheets[0]
        # From row 1, so that the position is the row number the spreadsheet shows (gaps come as empty rows).
        rows = list(enumerate((list(r) for r in sheet.iter_rows(min_row=1, max_row=limit + 1, values_only=True)),
                              start=1))
        workbook.close()
        return rows
    if name.endswith(".csv") or name.endswith(".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UploadError(_("Save the CSV file as UTF-8.")) from None
        try:
            # One record is one row of the spreadsheet, even when a quoted cell spans lines.
            return list(enumerate(itertools.islice(
                csv.reader(io.StringIO(text), delimiter=_delimiter(text)), limit + 1), start=1))
        except csv.Error:
            raise UploadError(_("The file is not a readable CSV file.")) from None
    raise UploadError(_("Upload a .xlsx or .csv file."))


def _find_header(rows) -> int | None:
    """Index in `rows` of the header: the first row (of the first HEADER_SEARCH_ROWS) naming the needed columns,
    else the first naming any known column, else the first row that is not blank."""
    first_known = first_filled = None
    for index, (number, row) in enumerate(rows):
        if number > HEADER_SEARCH_ROWS:
            break
        if _blank(row):
            continue
        if first_filled is None:
            first_filled = index
        keys = {_column_for(c) for c in row}
        if "actual_participants" in keys and keys & {"unit_code", "site_name"}:
            return index
        if first_known is None and keys - {None, "?"}:
            first_known = index
    return first_known if first_known is not None else first_filled


def _number(value) -> int | None:
    """A participant count from a cell, or ValueError with the reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(_("not a whole number"))
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("not a whole number"))
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if GROUPED_NUMBER.match(text):
            text = re.sub(r"[.,\s]", "", text)
        if re.fullmatch(r"-\s*\d+", text):
            raise ValueError(_("negative number"))
        if not text.isdigit():
            raise ValueError(_("not a whole number: %(value)s", value=text[:40]))
        value = int(text)
    if not isinstance(value, int):
        raise ValueError(_("not a whole number"))
    if value < 0:
        raise ValueError(_("negative number"))
    if value > services.MAX_PARTICIPANTS_PER_POINT:
        raise ValueError(_("%(n)s is not plausible for one bridge point (at most %(max)s)", n=value,
                           max=services.MAX_PARTICIPANTS_PER_POINT))
    return value


def parse_upload(meeting, filename: str, data: bytes) -> UploadResult:
    """Check a whole upload against the meeting's bridge points. Raises UploadError naming every bad row."""
    rows = _read_rows(filename, data)
    while rows and _blank(rows[-1][1]):
        rows.pop()
    start = _find_header(rows)
    if start is None:
        raise UploadError(_("The file is empty."))
    header_number, header_cells = rows[start]
    body = rows[start + 1:]
    if len(body) > MAX_ROWS:
        raise UploadError(_("At most %(n)s rows.", n=MAX_ROWS))
    header = [_column_for(h) for h in header_cells]
    unknown = [str(h) for h, key in zip(header_cells, header, strict=False) if key == "?"]
    if unknown:
        raise UploadError(_("Unknown columns in row %(row)s: %(names)s. Use the template.", row=header_number,
                            names=", ".join(unknown)))
    if len([k for k in header if k]) != len({k for k in header if k}):
        raise UploadError(_("A column appears twice. Use the template."))
    if "actual_participants" not in header or not ({"unit_code", "site_name"} & set(header)):
        raise UploadError(_("The file needs a column of actual participants and a column of unit codes or "
                            "site names. Use the template."))
    index = {key: i for i, key in enumerate(header) if key}

    points = services.point_rows(meeting.id)
    by_code = {str(p.unit_code).strip().casefold(): p for p in points if p.unit_code}
    # A spreadsheet turns the code 00037 typed in a number cell into 37: a number matches the one code of this
    # meeting's points that it equals without its leading zeros (never two: then the row is named as unknown).
    by_number = {}
    for p in points:
        code = str(p.unit_code or "").strip()
        if code.isdigit():
            by_number.setdefault(int(code), []).append(p)
    by_site = {fold(p.site_name): p for p in points if p.site_name}
    result, seen, unknown_codes = UploadResult(), {}, []

    def cell(row, key):
        i = index.get(key)
        if i is None or i >= len(row):
            return None
        value = row[i]
        return _from_text(value.strip()) if isinstance(value, str) else value

    for number, row in body:
        code, site, actual = cell(row, "unit_code"), cell(row, "site_name"), cell(row, "actual_participants")
        if all(v in (None, "") for v in (code, site, actual)):
            result.blank_rows += 1
            continue
        point = None
        if code not in (None, ""):
            code_text = str(int(code) if isinstance(code, float) and code.is_integer() else code).strip()
            point = by_code.get(code_text.casefold())
            if point is None and code_text.isdigit() and len(by_number.get(int(code_text), ())) == 1:
                point = by_number[int(code_text)][0]
            if point is None:
                unknown_codes.append((number, code_text))
                continue
        elif site not in (None, ""):
            point = by_site.get(fold(str(site)))
            if point is None:
                result.errors.append((number, _("%(name)s is not a bridge point of this meeting", name=site)))
                continue
        else:
            result.errors.append((number, _("no unit code or site name")))
            continue
        try:
            value = _number(actual)
        except ValueError as exc:
            result.errors.append((number, str(exc)))
            continue
        if point.id in seen:
            result.errors.append((number, _("%(name)s appears twice (also row %(row)s)", name=point.label,
                                            row=seen[point.id])))
            continue
        seen[point.id] = number
        result.values[point.id] = value
    if unknown_codes:
        # One query tells a code that exists but is not a bridge point from one that exists nowhere.
        known = {c.casefold() for c in db.session.scalars(
            sa.select(Unit.code).where(sa.func.lower(Unit.code).in_({c.casefold() for _n, c in unknown_codes})))}
        for number, code_text in unknown_codes:
            result.errors.append((number, _("unit %(code)s is not a bridge point of this meeting", code=code_text)
                                  if code_text.casefold() in known else _("unknown unit code %(code)s", code=code_text)))
        result.errors.sort()
    if result.errors:
        raise UploadError(_("Nothing was saved: %(n)s rows are wrong.", n=len(result.errors)), result.errors)
    if not result.values:
        raise UploadError(_("The file has no rows of bridge points."))
    return result


def import_actuals(meeting, filename: str, data: bytes, user=None) -> int:
    """Check and save an upload of actual participants; all rows or none. Returns the number of rows saved.
    Refused whole before the meeting has started."""
    if not services.has_started(meeting):
        raise UploadError(services.not_started_message(meeting))
    result = parse_upload(meeting, filename, data)
    services.record_results(meeting, result.values, user=user, source=(filename or "").rsplit("/", 1)[-1][:120])
    return len(result.values)


# ---- the template --------------------------------------------------------------------------------------


def template_rows(meeting) -> list[list]:
    header = [str(COLUMNS[k]) for k in COLUMNS]
    rows = [header]
    for point in services.point_rows(meeting.id):
        rows.append([as_text(point.unit_code or ""), as_text("" if point.unit_id else point.site_name),
                     as_text(point.label), point.planned_participants, point.actual_participants])
    return rows


def template_xlsx(meeting) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Bridge points"))[:31]
    for number, row in enumerate(template_rows(meeting), start=1):
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, str) and value.startswith("'"):
                # Text, not a formula: a string cell that Excel shows with its apostrophe prefix (quotePrefix).
                cell.value, cell.data_type, cell.quotePrefix = value[1:], "s", True
            else:
                cell.value = value
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (14, 30, 45, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(meeting) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in template_rows(meeting):
        writer.writerow(["" if v is None else v for v in row])
    # A BOM so that Excel opens the Vietnamese text as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
