"""CSV and XLSX export of a `Report`. XLSX cells are typed (numbers stay numbers, dates dates)
with number formats, a bold header row, frozen panes and column widths. Agency and supplier
names come from people: no cell is ever written as a formula (reports.render.safety)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

from tourstack.finance.report import Report
from reports.render.safety import csv_text, no_formulas

NUMBER_FORMATS = {"money": "#,##0.00;[Red]-#,##0.00", "amount": "#,##0.00;[Red]-#,##0.00", "int": "0",
                  "date": "yyyy-mm-dd", "ratio": "0.00%"}
WIDTHS = {"money": 16, "amount": 16, "int": 10, "date": 12, "ratio": 10}


def to_csv(report: Report) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([c.label for c in report.columns])
    for row in report.rows:
        writer.writerow(["" if row.get(c.key) is None else _csv_value(row[c.key], c.kind)
                         for c in report.columns])
    return buf.getvalue()


def _csv_value(value, kind: str) -> str:
    if kind == "money":
        return f"{Decimal(value):.2f}"
    if kind in ("amount", "ratio"):
        return format(Decimal(value), "f")  # exact: the currency's places, or the stored ratio
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_text(value) if isinstance(value, str) else str(value)


def write_xlsx(report: Report, path: str | Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = report.name[:31]
    ws.append([c.label for c in report.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in report.rows:
        ws.append([_xlsx_value(row.get(c.key), c.kind) for c in report.columns])
    for idx, col in enumerate(report.columns, start=1):
        letter = get_column_letter(idx)
        longest = max([len(col.label)] + [len(str(row.get(col.key) or "")) for row in report.rows])
        ws.column_dimensions[letter].width = max(WIDTHS.get(col.kind, 10), min(longest + 2, 50))
        if col.kind in NUMBER_FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                cell.number_format = NUMBER_FORMATS[col.kind]
    ws.freeze_panes = "B2"
    wb.properties.title = f"{report.title} as of {report.as_of.isoformat()}"
    no_formulas(wb)
    path = Path(path)
    wb.save(path)
    return path


def _xlsx_value(value, kind: str):
    if value is None:
        return None
    if kind in ("money", "amount", "ratio"):
        return Decimal(value)
    if kind == "int":
        return int(value)
    return value


def write(report: Report, fmt: str, path: str | Path) -> Path:
    path = Path(path)
    if fmt == "csv":
        path.write_text(to_csv(report), encoding="utf-8")
        return path
    if fmt == "xlsx":
        return write_xlsx(report, path)
    raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")
