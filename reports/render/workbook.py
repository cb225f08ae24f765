"""The one XLSX writer: typed cells, one number format per kind, a styled header, sensible
widths, frozen panes, and no cell ever a formula.

Why typed cells: recipients re-slice the workbook, so amounts stay numbers (Decimal) with formats
and dates stay dates. Why no formulas: agency, agent and supplier names come from people, and
openpyxl stores any text starting with "=" as a formula (`reports.render.safety.no_formulas`
runs in `save`). Writers of richer workbooks (the report builder's title block and native chart,
the executive e-mail's sheets) lay out around `write_table` and `style_header`.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from reports.render.formats import XLSX_FORMATS, XLSX_WIDTHS, format_value
from reports.render.safety import no_formulas, sheet_title
from tourstack.tables import Table

HEADER_FILL = "1F4E79"
MAX_WIDTH = 50


def new_workbook(title: str):
    """An empty workbook whose first sheet is named after `title` (Excel's sheet-name rules)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = sheet_title(title)
    return wb


def cell_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind in ("money", "amount", "ratio", "percent") and not isinstance(value, bool):
        return Decimal(value)
    if kind == "integer" and not isinstance(value, bool):
        return int(value)
    return value


def style_header(ws, row: int, columns: int) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for idx in range(1, columns + 1):
        cell = ws.cell(row=row, column=idx)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_table(ws, table: Table, *, header_row: int = 1) -> int:
    """The header at `header_row` and one typed row per table row below it; returns the last
    row written. Panes freeze below the header and right of the first column."""
    from openpyxl.utils import get_column_letter

    for idx, col in enumerate(table.columns, start=1):
        ws.cell(row=header_row, column=idx, value=col.label)
    style_header(ws, header_row, len(table.columns))
    for r, row in enumerate(table.rows, start=header_row + 1):
        for c, (value, col) in enumerate(zip(row, table.columns), start=1):
            cell = ws.cell(row=r, column=c, value=cell_value(value, col.kind))
            if col.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[col.kind]
    for idx, col in enumerate(table.columns, start=1):
        shown = [len(format_value(v, col.kind, grain=table.grain)) for v in table.values(col.name)]
        longest = max([len(col.label), *shown])
        ws.column_dimensions[get_column_letter(idx)].width = max(XLSX_WIDTHS.get(col.kind, 10),
                                                                 min(longest + 2, MAX_WIDTH))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=2)
    return header_row + len(table.rows)


def save(wb, title: str) -> bytes:
    """The workbook as bytes, titled, with every formula-looking text typed back to text."""
    wb.properties.title = title
    no_formulas(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_xlsx(table: Table) -> bytes:
    """A one-sheet workbook of `table`: the header in row 1."""
    wb = new_workbook(table.name or table.title)
    write_table(wb.active, table)
    return save(wb, f"{table.title} as of {table.as_of.isoformat()}")
