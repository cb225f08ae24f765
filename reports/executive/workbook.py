"""The XLSX attachment: a KPI sheet plus the data behind each chart, with a native line chart.

A native Excel chart (not a picture) lets the reader re-scale it or copy the series; numbers stay
numbers (Decimal cells) with number formats, so the workbook can be pivoted as-is. Agent and
destination names come from people: no cell is ever written as a formula (reports.render.safety).
"""

from __future__ import annotations

import io

from reports.executive.deltas import LABELS, RATIOS
from reports.executive.figures import Figures
from reports.executive.view import MONEY
from reports.render.safety import no_formulas

MONEY_FORMAT = "#,##0.00;[Red]-#,##0.00"
PCT_FORMAT = "0.0%"


def build_xlsx(figures: Figures, *, last_current: dict | None = None, title: str = "") -> bytes:
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font

    p = figures.periods
    wb = Workbook()
    ws = wb.active
    ws.title = "KPIs"
    header = ["Metric", p.current.label(), p.previous.label(), f"{p.reference.label()} ({p.reference_name})"]
    if last_current is not None:
        header.append("Last e-mail")
    ws.append(header)
    current = figures.current.metrics()
    prev = figures.comparisons["previous"].metrics()
    ref = figures.comparisons["reference"].metrics()
    for metric, value in current.items():
        row = [LABELS[metric], value, prev[metric], ref[metric]]
        if last_current is not None:
            old = last_current.get(metric)
            row.append(None if old is None else (Decimal(old) if metric in MONEY | RATIOS else int(old)))
        ws.append(row)
        fmt = MONEY_FORMAT if metric in MONEY else PCT_FORMAT if metric in RATIOS else "#,##0"
        for cell in ws[ws.max_row][1:]:
            cell.number_format = fmt
    td = figures.to_date
    ws.append([])
    for label, value, fmt in (
        ("Revenue month to date", td.revenue_mtd, MONEY_FORMAT),
        ("Revenue year to date", td.revenue_ytd, MONEY_FORMAT),
        ("Bookings month to date", td.bookings_mtd, "#,##0"),
        ("Cash received month to date", td.cash_received_mtd, MONEY_FORMAT),
    ):
        ws.append([label, value])
        ws.cell(ws.max_row, 2).number_format = fmt
    ws.append([])
    ws.append([f"Base currency: {figures.base_currency}. As of {p.as_of.isoformat()}."])
    _style(ws, Font, widths=[30, 20, 20, 30, 20])

    trend = wb.create_sheet("Trend")
    trend.append(["Week of" if p.kind == "weekly" else "Day", f"Revenue ({figures.base_currency})", "Bookings"])
    for t in figures.trend:
        trend.append([t.start, t.revenue, t.bookings])
        trend.cell(trend.max_row, 1).number_format = "yyyy-mm-dd"
        trend.cell(trend.max_row, 2).number_format = MONEY_FORMAT
    _style(trend, Font, widths=[12, 20, 10])
    if figures.trend:
        chart = LineChart()
        chart.title = "Revenue trend"
        chart.y_axis.title = figures.base_currency
        chart.x_axis.number_format = "dd mmm"
        chart.height, chart.width = 8, 18
        n = len(figures.trend) + 1
        chart.add_data(Reference(trend, min_col=2, min_row=1, max_row=n), titles_from_data=True)
        chart.set_categories(Reference(trend, min_col=1, min_row=2, max_row=n))
        trend.add_chart(chart, "E2")

    for name, rows, detail in (
        ("Top destinations", figures.top_destinations, "Country"),
        ("Top agents", figures.top_agents, "Agency"),
    ):
        sheet = wb.create_sheet(name)
        sheet.append([name.split()[-1][:-1].title(), detail, "Bookings", f"Revenue ({figures.base_currency})"])
        for r in rows:
            sheet.append([r.name, r.detail, r.bookings, r.revenue])
            sheet.cell(sheet.max_row, 4).number_format = MONEY_FORMAT
        _style(sheet, Font, widths=[28, 24, 10, 20])
    wb.properties.title = title or f"{p.kind} briefing {p.current.key}"
    no_formulas(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _style(ws, font_cls, *, widths: list[int]) -> None:
    from openpyxl.utils import get_column_letter

    for cell in ws[1]:
        cell.font = font_cls(bold=True)
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = width
    ws.freeze_panes = "B2"
