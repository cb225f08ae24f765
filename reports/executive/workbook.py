"""The XLSX attachment: a KPI sheet plus the data behind each chart, with a native line chart.

A native Excel chart (not a picture) lets the reader re-scale it or copy the series; numbers stay
numbers (Decimal cells) with number formats, so the workbook can be pivoted as-is. Agent and
destination names come from people: no cell is ever written as a formula (`reports.render.workbook`).
"""

from __future__ import annotations

from decimal import Decimal

from reports.executive.deltas import LABELS, RATIOS
from reports.executive.figures import Figures
from reports.executive.view import MONEY
from reports.render.formats import XLSX_FORMATS
from reports.render.workbook import new_workbook, save, style_header, write_table
from tourstack.tables import Column, Table


def _kind(metric: str) -> str:
    return "money" if metric in MONEY else "ratio" if metric in RATIOS else "integer"


def build_xlsx(figures: Figures, *, last_current: dict | None = None, title: str = "") -> bytes:
    from openpyxl.chart import LineChart, Reference

    p = figures.periods
    wb = new_workbook("KPIs")
    ws = wb.active
    header = ["Metric", p.current.label(), p.previous.label(), f"{p.reference.label()} ({p.reference_name})"]
    if last_current is not None:
        header.append("Last e-mail")
    ws.append(header)
    style_header(ws, 1, len(header))
    current = figures.current.metrics()
    prev = figures.comparisons["previous"].metrics()
    ref = figures.comparisons["reference"].metrics()
    for metric, value in current.items():
        row = [LABELS[metric], value, prev[metric], ref[metric]]
        if last_current is not None:
            old = last_current.get(metric)
            row.append(None if old is None else (Decimal(old) if metric in MONEY | RATIOS else int(old)))
        ws.append(row)
        for cell in ws[ws.max_row][1:]:
            cell.number_format = XLSX_FORMATS[_kind(metric)]
    td = figures.to_date
    ws.append([])
    for label, value, kind in (
        ("Revenue month to date", td.revenue_mtd, "money"),
        ("Revenue year to date", td.revenue_ytd, "money"),
        ("Bookings month to date", td.bookings_mtd, "integer"),
        ("Cash received month to date", td.cash_received_mtd, "money"),
    ):
        ws.append([label, value])
        ws.cell(ws.max_row, 2).number_format = XLSX_FORMATS[kind]
    ws.append([])
    ws.append([f"Base currency: {figures.base_currency}. As of {p.as_of.isoformat()}."])
    for letter, width in zip("ABCDE", (30, 20, 20, 30, 20)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "B2"

    trend = Table("trend", "Trend", p.as_of, [
        Column("start", "Week of" if p.kind == "weekly" else "Day", "date"),
        Column("revenue", f"Revenue ({figures.base_currency})", "money"),
        Column("bookings", "Bookings", "integer"),
    ], [(t.start, t.revenue, t.bookings) for t in figures.trend])
    trend_ws = wb.create_sheet("Trend")
    write_table(trend_ws, trend)
    if figures.trend:
        chart = LineChart()
        chart.title = "Revenue trend"
        chart.y_axis.title = figures.base_currency
        chart.x_axis.number_format = "dd mmm"
        chart.height, chart.width = 8, 18
        n = len(figures.trend) + 1
        chart.add_data(Reference(trend_ws, min_col=2, min_row=1, max_row=n), titles_from_data=True)
        chart.set_categories(Reference(trend_ws, min_col=1, min_row=2, max_row=n))
        trend_ws.add_chart(chart, "E2")

    for name, rows, detail in (
        ("Top destinations", figures.top_destinations, "Country"),
        ("Top agents", figures.top_agents, "Agency"),
    ):
        ranked = Table(name.lower().replace(" ", "_"), name, p.as_of, [
            Column("name", name.split()[-1][:-1].title(), "text"), Column("detail", detail, "text"),
            Column("bookings", "Bookings", "integer"),
            Column("revenue", f"Revenue ({figures.base_currency})", "money"),
        ], [(r.name, r.detail, r.bookings, r.revenue) for r in rows])
        write_table(wb.create_sheet(name), ranked)
    return save(wb, title or f"{p.kind} briefing {p.current.key}")
