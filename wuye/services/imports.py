"""Imports of a company's spreadsheets: units with their contacts, and users (issue 11).

A file is read into rows (XLSX, or CSV in UTF-8 with or without BOM, or GBK/GB18030 as Excel on a
Chinese Windows writes it), each row is checked against the database and the rest of the file, and
the result is a Plan: every row to add, change or refuse, with its row number, column and reason.
Only a plan without a refused row can be applied, in one transaction, with an audit event per
change — so importing the same file again finds nothing to do. The rules of each kind live in
import_units.py and import_users.py; this module is the part they share.
"""
from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import InvalidInput

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header; English headers are accepted as well
    english: str
    required: bool = False


@dataclass
class RowResult:
    row: int  # as the spreadsheet numbers it: the header is row 1
    key: str  # the natural key, as the user knows it (3栋2单元1201, a username)
    action: str = "same"  # add | change | same | refuse
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new)
    values: dict[str, Any] = field(default_factory=dict)  # the checked values to write

    def refuse(self, column: Column | str, reason: str) -> None:
        self.errors.append((column.header if isinstance(column, Column) else column, str(reason)))
        self.action = "refuse"


@dataclass
class Plan:
    kind: str
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.file_errors and not any(r.action == "refuse" for r in self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "refuse"]

    def messages(self) -> list[str]:
        """Every reason, one line each, for stderr and the refusal message."""
        out = list(self.file_errors)
        for r in self.refused:
            out += [_("Row %(row)d, column %(column)s: %(reason)s", row=r.row, column=col, reason=reason)
                    for col, reason in r.errors]
        return out


class FileRefused(InvalidInput):
    """The file as a whole cannot be read (wrong format, no header, too big)."""


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) or else GB18030, the superset of GBK that Excel writes on Chinese Windows."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(_("The file is neither UTF-8 nor GBK text: save it from Excel as CSV or XLSX.")) from None


def _cell(value: Any) -> str:
    """A cell as text: numbers as Excel shows them (1201, not 1201.0), dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def read_rows(data: bytes, filename: str = "") -> list[list[str]]:
    """The file's first sheet as rows of text cells; the first row is the header."""
    if len(data) > MAX_BYTES:
        raise FileRefused(_("The file is larger than %(mb)d MB.", mb=MAX_BYTES // (1024 * 1024)))
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(_("This is an old Excel file (.xls): save it as .xlsx or CSV and upload that."))
    if b"\x00" in data[:4096]:
        raise FileRefused(_("This is not a spreadsheet: upload an .xlsx or CSV file."))
    text = decode_csv(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[unicodedata.normalize("NFC", c).strip() for c in row]
            for row in csv.reader(io.StringIO(text, newline=""), dialect)]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileRefused(_("The file cannot be opened as an Excel workbook (.xlsx).")) from None
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").lower()


def map_header(header: list[str], columns: list[Column]) -> dict[str, int]:
    """Column key → index in the file; a missing required column refuses the file."""
    known = {}
    for column in columns:
        known[_header_key(column.header)] = column.key
        known[_header_key(column.english)] = column.key
    out: dict[str, int] = {}
    for i, text in enumerate(header):
        key = known.get(_header_key(text))
        if key and key not in out:
            out[key] = i
    missing = [c.header for c in columns if c.required and c.key not in out]
    if missing:
        raise FileRefused(_("The file lacks the column(s) %(columns)s: start from the template.",
                            columns="、".join(missing)))
    return out


def records(data: bytes, filename: str, columns: list[Column]) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column key: text}) for every row that is not blank."""
    rows = read_rows(data, filename)
    while rows and not any(rows[0]):
        rows.pop(0)
    if not rows:
        raise FileRefused(_("The file is empty."))
    index = map_header(rows[0], columns)
    out = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        out.append((n, {key: (row[i].strip() if i < len(row) else "") for key, i in index.items()}))
    if not out:
        raise FileRefused(_("The file has a header but no rows."))
    if len(out) > MAX_ROWS:
        raise FileRefused(_("The file has more than %(n)d rows: split it.", n=MAX_ROWS))
    return out


YES = {"是", "y", "yes", "1", "true", "√", "接收", "允许"}
NO = {"否", "n", "no", "0", "false", "×", "不接收", "不允许"}


def parse_yes_no(text: str, default: bool = True) -> bool | None:
    t = text.strip().lower()
    if not t:
        return default
    if t in YES:
        return True
    if t in NO:
        return False
    return None


def choice(text: str, words: dict[str, tuple[str, ...]]) -> str | None:
    """A code from itself or one of its words in either language (业主, Owner, owner)."""
    t = _header_key(text)
    for code, names in words.items():
        if t == code.lower() or t in {_header_key(n) for n in names}:
            return code
    return None


ACTION_WORDS = {"add": _l("add"), "change": _l("change"), "same": _l("unchanged"), "refuse": _l("refused")}


class ImportRefused(InvalidInput):
    """A file with at least one refused row: nothing was written. `plan` says which and why."""

    def __init__(self, plan: Plan):
        self.plan = plan
        super().__init__(_("The file was refused and nothing was imported: %(n)d row(s) have errors.",
                           n=len(plan.refused)) if plan.rows else "; ".join(plan.file_errors))


def plan_for(kind: str, project, data: bytes, filename: str = "") -> Plan:
    """The preview of a file of this kind; a file that cannot be read at all is a plan with file errors."""
    module = _kind(kind)
    try:
        return module.plan(project, data, filename)
    except FileRefused as e:
        return Plan(kind=kind, file_errors=[e.message])


def apply_for(kind: str, actor, project, data: bytes, filename: str = "") -> Plan:
    module = _kind(kind)
    try:
        return module.apply(actor, project, data, filename)
    except FileRefused as e:
        raise ImportRefused(Plan(kind=kind, file_errors=[e.message])) from None


def _kind(kind: str):
    from . import import_units, import_users

    modules = {"units": import_units, "users": import_users}
    if kind not in modules:
        raise InvalidInput(_("Unknown import: %(kind)s", kind=kind))
    return modules[kind]
