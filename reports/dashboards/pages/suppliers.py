"""Suppliers dashboard: reliability, speed and price of the hotels, guides, drivers and activities.

Why supplier_scorecard for the table and ops_monthly for the tiles: the scorecard is a lifetime
snapshot (no months to compare), while ops_monthly counts supplier requests, confirmations and
response times per month.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reports.dashboards import figures as fx
from reports.dashboards.data import select
from reports.dashboards.page import Chart, Page, Table
from reports.dashboards.pages.common import Context, TileSpec, cell, decimal, month_tiles

TILES = [
    TileSpec("supplier_requests", "Supplier requests", "supplier_requests"),
    TileSpec("supplier_confirmations", "Confirmations", "supplier_confirmations"),
    TileSpec("supplier_response", "Avg response", "avg_supplier_response_hours", "hours", False),
    TileSpec("confirmation_rate", "Confirmed share", "confirmation_rate", "rate"),
]
CARD = ["supplier_name", "kind", "destination_name", "items_count", "fulfilment_rate",
        "on_time_rate", "avg_response_hours", "revenue_base", "margin_base", "price_index_vs_peers",
        "avg_rating", "reliability_score"]


def build(ctx: Context) -> Page:
    monthly = select(ctx.conn, "ops_monthly",
                     ["month_start", "supplier_requests", "supplier_confirmations",
                      "avg_supplier_response_hours"],
                     where="month_start <= ?", params=(ctx.month,), order="month_start")
    for r in monthly:
        r["confirmation_rate"] = (Decimal(r["supplier_confirmations"]) / r["supplier_requests"]
                                  if r["supplier_requests"] else None)
    x = [r["month_start"] for r in monthly]
    card = select(ctx.conn, "supplier_scorecard", CARD,
                  order="reliability_score desc nulls last, supplier_name, supplier_id")
    kinds: dict[str, Decimal] = defaultdict(Decimal)
    grid: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for r in card:
        kinds[r["kind"]] += r["revenue_base"] or 0
        if r["reliability_score"] is not None:
            grid[(r["kind"], r["destination_name"])].append(r["reliability_score"])
    kind_names = sorted(kinds)
    destinations = sorted({d for _, d in grid})
    z = [[(sum(grid[(k, d)]) / len(grid[(k, d)])) if grid.get((k, d)) else None
          for d in destinations] for k in kind_names]
    priced = [{**r, "name": f"{r['supplier_name']} ({r['kind']})"} for r in card
              if r["price_index_vs_peers"] is not None and r["reliability_score"] is not None]
    table = Table(
        "suppliers-scorecard", "Scorecard: top 30 by reliability",
        [("Supplier", ""), ("Kind", ""), ("Destination", ""), ("Items", "num"),
         ("Fulfilled", "num"), ("On time", "num"), ("Response", "num"),
         (f"Revenue ({ctx.currency})", "num"), ("Price vs peers", "num"), ("Rating", "num"),
         ("Reliability", "num")],
        [[r["supplier_name"], r["kind"], r["destination_name"] or "–", cell(r["items_count"]),
          cell(r["fulfilment_rate"], "rate"), cell(r["on_time_rate"], "rate"),
          cell(r["avg_response_hours"], "hours"), cell(r["revenue_base"], "money"),
          decimal(r["price_index_vs_peers"]), decimal(r["avg_rating"]),
          decimal(r["reliability_score"], 1)] for r in card[:30]],
        wide=True,
    )
    return Page(
        name="suppliers", title="Suppliers",
        subtitle=f"Supplier reliability and responsiveness, {ctx.month_label}",
        tiles=month_tiles(ctx, monthly, TILES),
        blocks=[
            table,
            Chart("suppliers-trend", "Supplier requests and response time", fx.trend(
                x, {"Requests": [r["supplier_requests"] for r in monthly],
                    "Confirmations": [r["supplier_confirmations"] for r in monthly]},
                kinds={"Requests": "bar", "Confirmations": "bar"},
                secondary={"Avg response (h)": [r["avg_supplier_response_hours"] for r in monthly]},
                secondary_title="hours")),
            Chart("suppliers-heatmap", "Reliability by supplier kind and destination",
                  fx.heatmap(z, destinations, kind_names, value_label="Reliability"),
                  note="Average reliability score of the suppliers in each cell."),
            Chart("suppliers-price", "Price against peers vs reliability", fx.scatter(
                priced, "price_index_vs_peers", "reliability_score", x_title="price index vs peers",
                y_title="reliability score", size="revenue_base"),
                note="Right of 1.0: dearer than peers of the same kind and destination."),
            Chart("suppliers-kinds", "Revenue by supplier kind", fx.bars(
                kind_names, [kinds[k] for k in kind_names]),
                note=f"Lifetime revenue of their booking items ({ctx.currency})."),
        ],
    )
