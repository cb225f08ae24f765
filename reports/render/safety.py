"""Spreadsheet safety shared by every export (report builder, finance reports, e-mail workbooks).

Why: agency, agent, supplier and report names come from people, and a spreadsheet runs text such
as `=HYPERLINK(...)` as a formula. No exported cell is ever meant to be a formula, so XLSX text
cells are typed back to strings (`no_formulas`) and CSV text that starts with = + - @ tab or CR
gets a leading apostrophe (`csv_text`); numbers and dates are written as they are.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = str.maketrans({c: " " for c in "[]:*?/\\"})


def csv_text(text: str) -> str:
    """Text a spreadsheet opening the CSV will not evaluate: a leading ' before = + - @ tab CR."""
    return "'" + text if text.startswith(FORMULA_START) else text


def no_formulas(wb: Any) -> None:
    """openpyxl stores any text starting with "=" as a formula; type every such cell back to a
    plain string (call it last, just before saving)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def sheet_title(title: str) -> str:
    """An Excel sheet name: no []:*?/\\, not starting or ending with ', at most 31 characters."""
    return title.translate(_BAD_SHEET_CHARS)[:31].strip().strip("'").strip() or "Report"
