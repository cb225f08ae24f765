"""CSV and XLSX exports of a ReportResult.

Why native Excel charts: recipients edit and re-slice the workbook, and a native chart follows
the cells; a pasted picture would not. The report sheet keeps typed cells (Decimal amounts as
numbers with formats, dates as dates); charts read from a "Chart data" sheet laid out the way
Excel wants (categories in the first column, one column per series), which is also where a
`series` dimension is pivoted out.

Titles, labels and dimension values (agency and agent names) come from people: no cell is ever
written as a formula (reports.render.safety).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from reports.builder.runner import ReportResult
from reports.render.csvfile import to_csv
from reports.render.formats import XLSX_FORMATS, format_value, period_label
from reports.render.workbook import cell_value, new_workbook, save, write_table


def to_xlsx(result: ReportResult) -> bytes:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = new_workbook(result.title)
    ws = wb.active
    ws["A1"] = result.title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"Period: {result.describe_period()}"
    ws["A3"] = f"Filters: {result.describe_filters()}"
    header_row = 5
    if result.spec.chart.type == "big_number":
        header_row = _big_number(ws, result)
    write_table(ws, result, header_row=header_row)
    if result.spec.chart.type in ("bar", "line", "area", "pie") and result.rows:
        _chart(wb, ws, result, anchor=f"{get_column_letter(len(result.columns) + 2)}{header_row}")
    return save(wb, result.title)


def _big_number(ws, result: ReportResult) -> int:
    from openpyxl.styles import Font

    metric = result.spec.chart_y[0]
    col = result.column(metric)
    value = result.values(metric)[0] if result.rows else None
    ws["A5"] = col.label
    ws["A5"].font = Font(bold=True, size=12)
    ws["A6"] = cell_value(value, col.kind)
    ws["A6"].font = Font(bold=True, size=28)
    ws["A6"].number_format = XLSX_FORMATS.get(col.kind, "General")
    ws.row_dimensions[6].height = 40
    if result.previous is not None and result.rows:
        pct = result.values(f"{metric}_pct_change")[0]
        ws["A7"] = f"{format_value(pct, 'percent')} vs {result.previous.describe()}"
    return 9


def _pivot(result: ReportResult) -> tuple[list[Any], "OrderedDict[str, dict[Any, Any]]"]:
    spec = result.spec
    x, series = spec.chart_x, spec.chart.series
    categories: list[Any] = []
    table: OrderedDict[str, dict[Any, Any]] = OrderedDict()
    keys = result.values(series) if series else [None] * len(result.rows)
    for y in spec.chart_y:
        for xv, yv, key in zip(result.values(x), result.values(y), keys):
            label = period_label(xv, result.grain)
            if label not in categories:
                categories.append(label)
            name = str(key) if series else result.column(y).label
            if series and len(spec.chart_y) > 1:
                name = f"{key} – {result.column(y).label}"
            table.setdefault(name, {})[label] = cell_value(yv, result.column(y).kind)
    return categories, table


def _chart(wb, ws, result: ReportResult, anchor: str) -> None:
    from openpyxl.chart import AreaChart, BarChart, LineChart, PieChart, Reference

    data = wb.create_sheet("Chart data")
    categories, table = _pivot(result)
    data.append([result.column(result.spec.chart_x).label, *table.keys()])
    for label in categories:
        data.append([label, *(values.get(label) for values in table.values())])
    kind = result.spec.chart.type
    chart = {"bar": BarChart, "line": LineChart, "area": AreaChart, "pie": PieChart}[kind]()
    n = len(categories)
    refs = Reference(data, min_col=2, max_col=1 + len(table), min_row=1, max_row=n + 1)
    cats = Reference(data, min_col=1, min_row=2, max_row=n + 1)
    chart.add_data(refs, titles_from_data=True)
    chart.set_categories(cats)
    chart.title = result.title
    if kind == "bar":
        chart.type = "col"
        if result.spec.chart.series:
            chart.grouping, chart.overlap = "stacked", 100
    if kind == "area" and len(table) > 1:
        chart.grouping = "stacked"
    if kind != "pie":
        chart.y_axis.title = ", ".join(result.column(y).label for y in result.spec.chart_y)
        chart.x_axis.title = result.column(result.spec.chart_x).label
        chart.y_axis.numFmt = XLSX_FORMATS.get(result.column(result.spec.chart_y[0]).kind, "General")
    chart.width, chart.height = 22, 11
    ws.add_chart(chart, anchor)


FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "pdf": "application/pdf"}


def render(result: ReportResult, fmt: str) -> bytes:
    """The export in `fmt` (csv, xlsx or pdf) as bytes; MIME types are in FORMATS."""
    if fmt == "csv":
        return to_csv(result).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(result)
    if fmt == "pdf":
        from reports.builder.pdf import to_pdf

        return to_pdf(result)
    raise ValueError(f"unknown format {fmt!r}; use csv, xlsx or pdf")


def filename(result: ReportResult, fmt: str) -> str:
    """A safe download name from the title and the as-of date."""
    return f"{result.name}-{result.as_of.isoformat()}.{fmt}"
