"""Sales dashboard: the quote-to-cash funnel, conversion over time and by destination.

Why sales_funnel_monthly for the tiles and the funnel: it counts quote requests through every
stage (nested, so the funnel never widens), while sales_conversion_monthly breaks quotes down by
agent and destination for the heatmap and the table.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reports.dashboards import figures as fx
from reports.dashboards.data import add_months, select
from reports.dashboards.page import Chart, Page, Table
from reports.dashboards.pages.common import Context, TileSpec, cell, month_tiles

TILES = [
    TileSpec("requests", "Quote requests", "requests_count"),
    TileSpec("booked", "Requests booked", "booked_count"),
    TileSpec("request_to_booking", "Request → booking", "request_to_booking_rate", "rate"),
    TileSpec("acceptance", "Quote acceptance", "acceptance_rate", "rate"),
    TileSpec("payment_rate", "Booked and paid", "payment_rate", "rate"),
    TileSpec("funnel_revenue", "Funnel revenue", "revenue_base", "money"),
]
STAGES = [("Requests", "requests_count"), ("Quoted", "quoted_count"), ("Sent", "sent_count"),
          ("Accepted", "accepted_count"), ("Booked", "booked_count"), ("Paid", "paid_count"),
          ("Fully paid", "fully_paid_count")]


def _by_destination(ctx: Context) -> tuple[Chart, Table]:
    since = ctx.months_back(11)
    rows = select(ctx.conn, "sales_conversion_monthly",
                  ["month_start", "destination_name", "quotes_count", "converted_count",
                   "quoted_amount_base", "booked_revenue_base"],
                  where="month_start >= ? and month_start <= ?", params=(since, ctx.month))
    cells: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    totals: dict[str, list] = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0)])
    for r in rows:
        col = (r["month_start"].year - since.year) * 12 + r["month_start"].month - since.month
        cells[(r["destination_name"], col)][0] += r["quotes_count"] or 0
        cells[(r["destination_name"], col)][1] += r["converted_count"] or 0
        t = totals[r["destination_name"]]
        t[0] += r["quotes_count"] or 0
        t[1] += r["converted_count"] or 0
        t[2] += r["quoted_amount_base"] or 0
        t[3] += r["booked_revenue_base"] or 0
    names = sorted(totals, key=lambda n: (-totals[n][0], n))  # ties by name: same order on every engine
    z = [[(Decimal(cells[(n, c)][1]) / cells[(n, c)][0]) if cells[(n, c)][0] else None
          for c in range(12)] for n in names]
    months = [f"{add_months(since, i):%b %y}" for i in range(12)]
    heat = Chart("sales-heatmap", "Quote conversion by destination and month",
                 fx.heatmap(z, months, names, percent=True, value_label="Converted"),
                 note="Share of the month's quotes that became a booking.")
    table = Table(
        "sales-destinations", "Destinations, last 12 months",
        [("Destination", ""), ("Quotes", "num"), ("Converted", "num"), ("Conversion", "num"),
         (f"Quoted ({ctx.currency})", "num"), (f"Booked revenue ({ctx.currency})", "num")],
        [[n, cell(totals[n][0]), cell(totals[n][1]),
          cell(Decimal(totals[n][1]) / totals[n][0] if totals[n][0] else None, "rate"),
          cell(totals[n][2], "money"), cell(totals[n][3], "money")] for n in names],
    )
    return heat, table


def build(ctx: Context) -> Page:
    cols = ["month_start", *[c for _, c in STAGES], "revenue_base", "request_to_booking_rate",
            "acceptance_rate", "payment_rate", "booking_rate"]
    monthly = select(ctx.conn, "sales_funnel_monthly", cols, where="month_start <= ?",
                     params=(ctx.month,), order="month_start")
    x = [r["month_start"] for r in monthly]
    current = next((r for r in monthly if r["month_start"] == ctx.month), None)
    funnel = fx.funnel([s for s, _ in STAGES], [current[c] if current else 0 for _, c in STAGES])
    heat, table = _by_destination(ctx)
    return Page(
        name="sales", title="Sales funnel",
        subtitle=f"Quote requests to paid bookings, {ctx.month_label}",
        tiles=month_tiles(ctx, monthly, TILES),
        blocks=[
            Chart("sales-funnel", f"Funnel, {ctx.month_label}", funnel,
                  note="Quote requests of the month by the furthest stage they reached."),
            Chart("sales-rates", "Conversion rates by month", fx.trend(
                x, {"Request → booking": [r["request_to_booking_rate"] for r in monthly],
                    "Acceptance": [r["acceptance_rate"] for r in monthly],
                    "Booked and paid": [r["payment_rate"] for r in monthly]}, percent=True)),
            Chart("sales-volume", "Requests, quotes and bookings by month", fx.trend(
                x, {"Requests": [r["requests_count"] for r in monthly],
                    "Quoted": [r["quoted_count"] for r in monthly],
                    "Booked": [r["booked_count"] for r in monthly]}), wide=True),
            Chart("sales-yoy", "Quote requests by calendar month, year over year",
                  fx.year_over_year(monthly, "requests_count")),
            heat, table,
        ],
    )
