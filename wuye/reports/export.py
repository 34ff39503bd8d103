"""The report's tables as spreadsheets: XLSX (XlsxWriter, a sheet per area) and CSV (UTF-8 with a
BOM, so Excel on Chinese Windows shows the Chinese)."""
from __future__ import annotations

import csv
import io

import xlsxwriter
from flask_babel import gettext as _

from ..i18n import when
from ..services.reports.tables import FEN, Table


def _columns() -> list[str]:
    return [_("Figure"), _("This period"), _("Previous period"), _("Change")]


def _value(v, unit):
    """A number as a spreadsheet takes it: fen become yuan, None stays empty."""
    if v is None:
        return None
    return round(v / 100, 2) if unit == FEN else v


def _rows(table: Table):
    if table.extra:
        for r in table.extra:
            yield [r["number"], when(r["received_at"], "yyyy-MM-dd HH:mm"), r["topic"], r["conclusion"] or ""]
        return
    for line in table.lines:
        unit = line.unit or table.unit
        yield [line.label, _value(line.now, unit), _value(line.before, unit), _value(line.change, unit)]


def _title(table: Table) -> str:
    unit = {"percent": "%", "minutes": _("minutes"), "hours": _("hours"), "fen": "¥"}.get(table.unit)
    return f"{table.title} ({unit})" if unit else table.title


def _heading(report) -> list[str]:
    return [_("Management review figures"), report.project.name, report.period.label,
            _("Previous period") + ": " + report.previous.label]


def xlsx(report, tables: list[Table]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    by_section = [(s, [t for t in s.tables if t in tables]) for s in report.sections]
    for section, chosen in by_section:
        if not chosen:
            continue
        sheet = book.add_worksheet(section.title[:31])
        sheet.write_row(0, 0, _heading(report), bold)
        row = 2
        for t in chosen:
            sheet.write(row, 0, _title(t), bold)
            row += 1
            if t.gap:
                sheet.write(row, 0, t.note or "")
                row += 2
                continue
            sheet.write_row(row, 0, t.extra_columns if t.extra_columns else _columns(), head)
            row += 1
            for values in _rows(t):
                sheet.write_row(row, 0, values)
                row += 1
            row += 1
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 3, 16)
    book.close()
    return out.getvalue()


def csv_text(report, tables: list[Table]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(_heading(report))
    for t in tables:
        w.writerow([])
        w.writerow([_title(t)])
        if t.gap:
            w.writerow([t.note or ""])
            continue
        w.writerow(t.extra_columns if t.extra_columns else _columns())
        for values in _rows(t):
            w.writerow(["" if v is None else v for v in values])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
