"""Agents dashboard: who sells, how well they convert, and whether they keep booking.

Why two sources: agent_leaderboard is a lifetime snapshot (ranks, the table, the scatter), so
the month-on-month tiles and the trend come from sales_conversion_monthly summed per month; the
retention heatmap is cohort_retention's agent cohorts.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reports.dashboards import figures as fx
from reports.dashboards.data import select
from reports.dashboards.page import Chart, Page, Table
from reports.dashboards.pages.common import (
    Context, TileSpec, cell, decimal, month_tiles, text,
)

TILES = [
    TileSpec("quoting_agents", "Agents quoting", "agents"),
    TileSpec("quotes", "Quotes", "quotes_count"),
    TileSpec("converted", "Quotes converted", "converted_count"),
    TileSpec("agent_conversion", "Quote conversion", "conversion_rate", "rate"),
    TileSpec("booked_revenue", "Booked revenue from quotes", "booked_revenue_base", "money"),
]
BOARD = ["agent_name", "agency_name", "bookings_count", "revenue_base", "avg_booking_value_base",
         "quote_conversion_rate", "cash_received_share", "avg_rating", "revenue_rank",
         "customers_count", "last_booked_date"]


def monthly_totals(ctx: Context) -> list[dict]:
    rows = select(ctx.conn, "sales_conversion_monthly",
                  ["month_start", "agent_id", "quotes_count", "converted_count", "booked_revenue_base"],
                  where="month_start <= ?", params=(ctx.month,))
    months: dict = defaultdict(lambda: {"agents": set(), "quotes_count": 0, "converted_count": 0,
                                        "booked_revenue_base": Decimal(0)})
    for r in rows:
        m = months[r["month_start"]]
        m["agents"].add(r["agent_id"])
        m["quotes_count"] += r["quotes_count"] or 0
        m["converted_count"] += r["converted_count"] or 0
        m["booked_revenue_base"] += r["booked_revenue_base"] or 0
    out = []
    for month in sorted(months):
        m = months[month]
        out.append({**m, "month_start": month, "agents": len(m["agents"]),
                    "conversion_rate": (Decimal(m["converted_count"]) / m["quotes_count"]
                                        if m["quotes_count"] else None)})
    return out


def _retention(ctx: Context, kind: str, chart_id: str, months: int = 12) -> Chart:
    rows = select(ctx.conn, "cohort_retention",
                  ["cohort_month", "months_since_first", "retention_rate"],
                  where="entity_kind = ? and cohort_month >= ? and month_start <= ?",
                  params=(kind, ctx.months_back(months - 1), ctx.month))
    cohorts = sorted({r["cohort_month"] for r in rows})
    z = [[None] * months for _ in cohorts]
    for r in rows:
        if r["months_since_first"] < months:
            z[cohorts.index(r["cohort_month"])][r["months_since_first"]] = r["retention_rate"]
    return Chart(chart_id, f"{kind.capitalize()} cohort retention",
                 fx.heatmap(z, [f"+{i}" for i in range(months)], [f"{c:%b %Y}" for c in cohorts],
                            percent=True, value_label="Active"),
                 note=f"Share of each first-booking cohort booking again n months later "
                      f"(cohorts of the last {months} months).")


def build(ctx: Context) -> Page:
    monthly = monthly_totals(ctx)
    x = [r["month_start"] for r in monthly]
    board = select(ctx.conn, "agent_leaderboard", BOARD, order="revenue_rank, agent_name, agent_id", limit=25)
    # Not agent_leaderboard.revenue_90d_base: that mart counts back from its build date, and
    # the page describes the months up to the as-of date.
    recent: dict[str, Decimal] = defaultdict(Decimal)
    for r in select(ctx.conn, "sales_conversion_monthly", ["agent_name", "booked_revenue_base"],
                    where="month_start >= ? and month_start <= ?",
                    params=(ctx.months_back(2), ctx.month)):
        recent[r["agent_name"]] += r["booked_revenue_base"] or 0
    top = sorted((a for a in recent if recent[a] > 0), key=lambda a: (-recent[a], a))[:15]
    spread = select(ctx.conn, "agent_leaderboard",
                    ["agent_name", "quote_conversion_rate", "avg_booking_value_base", "revenue_base"],
                    where="bookings_count > 0 and quote_conversion_rate is not null",
                    order="revenue_rank, agent_name, agent_id")  # one point order on every engine
    table = Table(
        "agents-leaderboard", "Leaderboard: top 25 agents by lifetime revenue",
        [("#", "num"), ("Agent", ""), ("Agency", ""), ("Bookings", "num"),
         (f"Revenue ({ctx.currency})", "num"), ("Avg booking", "num"), ("Conversion", "num"),
         ("Cash collected", "num"), ("Rating", "num"), ("Customers", "num"), ("Last booking", "")],
        [[text(r["revenue_rank"]), r["agent_name"], r["agency_name"], cell(r["bookings_count"]),
          cell(r["revenue_base"], "money"), cell(r["avg_booking_value_base"], "money"),
          cell(r["quote_conversion_rate"], "rate"), cell(r["cash_received_share"], "rate"),
          decimal(r["avg_rating"]), cell(r["customers_count"]), text(r["last_booked_date"])]
         for r in board],
        wide=True,
    )
    return Page(
        name="agents", title="Agents",
        subtitle=f"Agent performance and loyalty, {ctx.month_label}",
        tiles=month_tiles(ctx, monthly, TILES),
        blocks=[
            table,
            Chart("agents-recent", "Top agents, last 3 months", fx.bars(top, [recent[a] for a in top]),
                  note=f"Revenue of bookings converted from their quotes, "
                       f"{ctx.months_back(2):%b} – {ctx.month:%b %Y} ({ctx.currency})."),
            Chart("agents-scatter", "Conversion against average booking value", fx.scatter(
                [{**r, "name": r["agent_name"]} for r in spread], "quote_conversion_rate",
                "avg_booking_value_base", x_title="quote conversion",
                y_title=f"avg booking ({ctx.currency})", size="revenue_base", x_percent=True),
                note="Bubble size: lifetime revenue."),
            Chart("agents-trend", "Quotes and conversion by month", fx.trend(
                x, {"Quotes": [r["quotes_count"] for r in monthly],
                    "Converted": [r["converted_count"] for r in monthly]},
                secondary={"Agents quoting": [r["agents"] for r in monthly]},
                secondary_title="agents")),
            _retention(ctx, "agent", "agents-retention"),
        ],
    )
