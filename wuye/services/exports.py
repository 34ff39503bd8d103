"""Exports as XLSX in the import's own format, so an exported file imports back unchanged; and the
empty templates, with a second sheet explaining each column."""
from __future__ import annotations

import io

from flask_babel import gettext as _

from ..models import Project


def xlsx(rows: list[list], notes: list[tuple[str, str]] | None = None) -> bytes:
    """A workbook streamed row by row (write-only: 20,000 units take seconds, not a minute)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    header = rows[0] if rows else []
    for i, title in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(30, 2 * len(str(title))))
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for row in rows[1:]:
        # text cells stay text: a room 0801 or a phone must not become a number in Excel
        sheet.append([v if isinstance(v, int) and not isinstance(v, bool) else str(v) for v in row])
    if notes:
        help_sheet = book.create_sheet("说明")
        help_sheet.append([_("Column"), _("What to write")])
        for note in notes:
            help_sheet.append(list(note))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def export(kind: str, project: Project) -> bytes:
    from . import import_units, import_users

    module = {"units": import_units, "users": import_users}[kind]
    return xlsx(module.rows_for_export(project))


def template(kind: str) -> bytes:
    from . import import_units, import_users

    if kind == "units":
        notes = [
            ("楼栋", _("The building's name as on the buildings page (required), e.g. 3栋")),
            ("单元", _("The entrance number, e.g. 2 (empty if the building has none)")),
            ("楼层", _("A whole number, e.g. 12")),
            ("房号", _("The room number (required), e.g. 1201")),
            ("面积(㎡)", _("Floor area in m², e.g. 89.5")),
            ("状态", "自住 / 空置 / 出租"),
            ("公共部位", _("是 for a common part — a stairwell, lift, roof, lobby or pump room: its repairs are "
                       "proposed as common parts, free of charge, and it can be chosen at intake like a flat. "
                       "否 or empty for a home. A file without this column leaves each unit as it is.")),
            ("联系人N类型", "业主 / 租户 / 家属"),
            ("联系人N电话", _("A mobile or landline number; two numbers separated by /")),
            ("联系人N接收消息", "是 / 否"),
            (_("More contacts"), _("Add the four columns 联系人4类型, 联系人4姓名, 联系人4电话, 联系人4接收消息 (and 5, 6 …, "
                                   "up to %(n)d) for a unit with more than three contacts.", n=import_units.MAX_CONTACTS)),
        ]
        return xlsx([[c.header for c in import_units.COLUMNS]], notes)
    notes = [
        ("用户名", _("Letters, digits, dot, - or _ (required); the key of the row")),
        ("角色", " / ".join(import_users.ROLE_NAMES.values())),
        ("部门", _("The department's code or name")),
        ("直接上级", _("The superior's username")),
        ("启用", "是 / 否"),
        ("初始密码", _("Only for a new user, at least 8 characters; they choose their own at first sign-in")),
    ]
    return xlsx([[c.header for c in import_users.COLUMNS]], notes)
