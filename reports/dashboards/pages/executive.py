"""Executive dashboard: revenue, bookings, cash and conversion at a glance, and where sales come from.

Why these marts: exec_kpi_monthly already carries the month's figures and their references
(tiles), exec_kpi_daily the weekday pattern, exec_destination_monthly the geography,
exec_site_revenue_monthly the site level under it (its rows of a month and destination add up
exactly to the destination, the remainder being one "other services" row), and dim_destinations /
dim_sites the coordinates. Revenue is booked revenue in base currency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from reports.dashboards import figures as fx
from reports.dashboards.data import add_months, select, sum_by
from reports.dashboards.page import Chart, Page
from reports.dashboards.pages.common import Context, TileSpec, month_tiles

TILES = [
    TileSpec("revenue", "Revenue", "revenue_base", "money"),
    TileSpec("bookings", "Bookings", "bookings_count"),
    TileSpec("avg_booking_value", "Avg booking value", "avg_booking_value_base", "money"),
    TileSpec("cash_received_share", "Cash collected", "cash_received_share", "rate"),
    TileSpec("quote_conversion", "Quote conversion", "quote_conversion_rate", "rate"),
    TileSpec("new_customers", "New customers", "new_customers"),
    TileSpec("active_agents", "Active agents", "active_agents"),
    TileSpec("cancelled", "Cancellations", "cancelled_bookings_count", higher_is_better=False),
]
OTHER_SERVICES = "Other services"  # the sunburst label of revenue not attributed to a site
MONTHLY = ["month_start", "is_booking_period", "bookings_count", "cancelled_bookings_count",
           "revenue_base", "revenue_growth_mom", "revenue_growth_yoy", "avg_booking_value_base",
           "cash_received_share", "recognised_revenue_base", "quote_conversion_rate",
           "new_customers", "active_agents"]


def _geography(ctx: Context) -> tuple[Chart, Chart]:
    since = ctx.months_back(11)
    rows = select(
        ctx.conn, "exec_destination_monthly",
        ["destination_id", "destination_name", "revenue_base"],
        where="month_start >= ? and month_start <= ?", params=(since, ctx.month),
    )
    per_destination: dict[int, dict] = {}
    for r in rows:
        d = per_destination.setdefault(r["destination_id"], {**r, "revenue_base": Decimal(0)})
        d["revenue_base"] += r["revenue_base"] or 0
    period = f"{since:%b %Y} – {ctx.month:%b %Y}"
    sunburst = _drilldown(ctx, since, period)
    # Ordered so the map's points (and the page) are the same on every engine.
    places = select(ctx.conn, "dim_destinations",
                    ["destination_id", "destination_name", "latitude", "longitude"], order="destination_id")
    sites = select(ctx.conn, "dim_sites", ["site_name", "destination_name", "latitude", "longitude"],
                   where="not is_deleted and latitude is not null", order="site_id")
    points = [
        {"lat": p["latitude"], "lon": p["longitude"], "name": p["destination_name"],
         "size": per_destination.get(p["destination_id"], {}).get("revenue_base", Decimal(0))}
        for p in places if p["latitude"] is not None
    ]
    extra = [{"lat": s["latitude"], "lon": s["longitude"],
              "name": f"{s['site_name']} ({s['destination_name']})"} for s in sites]
    world = Chart("exec-map", "Destinations and sites",
                  fx.geo_map(points, label="Revenue", extra=extra, extra_name="Sites"),
                  note=f"Bubble size: revenue {period}; grey dots: catalogue sites.")
    return sunburst, world


def _drilldown(ctx: Context, since: dt.date, period: str) -> Chart:
    """Country -> destination -> site. Every leaf is a site or a destination's "Other services"
    remainder, so with branchvalues='total' each destination equals its exec_destination_monthly
    revenue and each country the sum of its destinations."""
    rows = select(
        ctx.conn, "exec_site_revenue_monthly",
        ["country_name", "destination_name", "site_name", "is_other_services", "revenue_base"],
        where="month_start >= ? and month_start <= ?", params=(since, ctx.month),
    )
    totals = sum_by(rows, ("country_name", "destination_name", "is_other_services", "site_name"),
                    "revenue_base")
    paths = [(country, destination, OTHER_SERVICES if other else site)
             for country, destination, other, site in totals]
    return Chart(
        "exec-drilldown", "Revenue by country → destination → site",
        fx.drilldown(paths, list(totals.values()), root="All countries"),
        note=f"{period}; click a country to drill into its destinations, a destination into its "
             f"sites. Sites earn their activities' sell amount; hotels, transport and guides are "
             f"{OTHER_SERVICES}.",
    )


def _weekday_heatmap(ctx: Context) -> Chart:
    since = ctx.months_back(11)
    rows = select(ctx.conn, "exec_kpi_daily", ["date_day", "bookings_count"],
                  where="date_day >= ? and month_start <= ?", params=(since, ctx.month))
    months = [f"{add_months(since, i):%b %y}" for i in range(12)]
    z = [[0] * 12 for _ in range(7)]
    for r in rows:
        day = r["date_day"]
        col = (day.year * 12 + day.month) - (since.year * 12 + since.month)
        if 0 <= col < 12:
            z[day.weekday()][col] += r["bookings_count"] or 0
    return Chart("exec-heatmap", "Bookings by weekday and month", fx.heatmap(
        z, months, fx.WEEKDAYS, value_label="Bookings"), note="Last 12 months, by booking date.")


def build(ctx: Context) -> Page:
    monthly = select(ctx.conn, "exec_kpi_monthly", MONTHLY, order="month_start")
    booked = [r for r in monthly if r["is_booking_period"] and r["month_start"] <= ctx.month]
    x = [r["month_start"] for r in booked]
    trend = fx.trend(
        x, {"Revenue": [r["revenue_base"] for r in booked],
            "Recognised revenue": [r["recognised_revenue_base"] for r in booked]},
        y_title=ctx.currency, secondary={"Bookings": [r["bookings_count"] for r in booked]},
        secondary_title="Bookings",
    )
    currency_rows = select(ctx.conn, "exec_revenue_by_currency_monthly",
                           ["month_start", "currency", "revenue_base"],
                           where="month_start <= ?", params=(ctx.month,), order="month_start")
    by_currency: dict[str, dict] = {}
    for r in currency_rows:
        by_currency.setdefault(r["currency"], {})[r["month_start"]] = r["revenue_base"]
    mix = fx.trend(x, {c: [v.get(m) for m in x] for c, v in sorted(by_currency.items())},
                   y_title=ctx.currency, kinds={c: "bar" for c in by_currency})
    mix.update_layout(barmode="stack")
    sunburst, world = _geography(ctx)
    return Page(
        name="executive", title="Executive overview",
        subtitle=f"Booked revenue and pipeline, {ctx.month_label} against the previous month and last year",
        tiles=month_tiles(ctx, booked, TILES),
        blocks=[
            Chart("exec-trend", "Revenue and bookings by month", trend, wide=True,
                  note="Booked revenue (booking date) and recognised revenue (travel date); "
                       "use the buttons or the slider to pick a range."),
            Chart("exec-yoy", "Revenue by calendar month, year over year",
                  fx.year_over_year(booked, "revenue_base")),
            Chart("exec-mom", "Revenue growth month over month",
                  fx.growth_bars(x, [r["revenue_growth_mom"] for r in booked], "MoM growth")),
            sunburst, world,
            _weekday_heatmap(ctx),
            Chart("exec-currency", "Revenue by booking currency", mix,
                  note=f"Converted to {ctx.currency} at the booking-date rate."),
        ],
    )
