"""Customers dashboard: new and returning travellers, acquisition cost, retention and value.

Why these marts: exec_kpi_monthly counts booking, new and returning customers per month (tiles,
trend); customer_acquisition_monthly adds spend and acquisition cost per channel;
cohort_retention and customer_lifetime (RFM segments, lifetime value) describe loyalty.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reports.dashboards import figures as fx
from reports.dashboards.data import select
from reports.dashboards.page import Chart, Page, Table
from reports.dashboards.pages.agents import _retention
from reports.dashboards.pages.common import Context, TileSpec, cell, month_tiles
from tourstack.warehouse import query

TILES = [
    TileSpec("booking_customers", "Booking customers", "booking_customers"),
    TileSpec("new_customers", "New customers", "new_customers"),
    TileSpec("returning_customers", "Returning customers", "returning_customers"),
    TileSpec("repeat_rate", "Repeat customer rate", "repeat_customer_rate", "rate"),
    TileSpec("spend", "Acquisition spend", "spend_base", "money", False),
    TileSpec("cac", "Acquisition cost / customer", "acquisition_cost_base", "money", False),
]
SEGMENTS = ["champion", "loyal", "promising", "new", "at_risk", "hibernating", "prospect"]


def _monthly(ctx: Context) -> list[dict]:
    kpis = select(ctx.conn, "exec_kpi_monthly",
                  ["month_start", "booking_customers", "new_customers", "returning_customers",
                   "repeat_customer_rate"],
                  where="is_booking_period and month_start <= ?", params=(ctx.month,),
                  order="month_start")
    spend: dict = defaultdict(lambda: [Decimal(0), 0, False])
    for r in select(ctx.conn, "customer_acquisition_monthly",
                    ["month_start", "spend_base", "new_customers"],
                    where="month_start <= ?", params=(ctx.month,)):
        s = spend[r["month_start"]]
        if r["spend_base"] is not None:
            s[0] += r["spend_base"]
            s[2] = True
        s[1] += r["new_customers"] or 0
    for r in kpis:
        total, new, has_spend = spend.get(r["month_start"], (Decimal(0), 0, False))
        r["spend_base"] = total if has_spend else None
        r["acquisition_cost_base"] = ((total / new).quantize(Decimal("0.01"))
                                      if has_spend and new else None)
    return kpis


def build(ctx: Context) -> Page:
    monthly = _monthly(ctx)
    x = [r["month_start"] for r in monthly]
    channels = select(ctx.conn, "customer_acquisition_monthly",
                      ["month_start", "channel", "new_customers"],
                      where="month_start <= ?", params=(ctx.month,), order="month_start")
    per_channel: dict[str, dict] = defaultdict(dict)
    for r in channels:
        per_channel[r["channel"]][r["month_start"]] = r["new_customers"]
    mix = fx.trend(x, {c: [v.get(m) for m in x] for c, v in sorted(per_channel.items())},
                   kinds={c: "bar" for c in per_channel})
    mix.update_layout(barmode="stack")
    segments = dict(query(ctx.conn, "select rfm_segment, count(*) from marts.customer_lifetime"
                                    " group by rfm_segment"))
    seg_names = [s for s in SEGMENTS if s in segments] + sorted(set(segments) - set(SEGMENTS))
    top = select(ctx.conn, "customer_lifetime",
                 ["full_name", "country_code", "bookings_count", "lifetime_revenue_base",
                  "lifetime_margin_base", "last_booked_date", "rfm_segment",
                  "preferred_destination_name"],
                 where="bookings_count > 0", order="lifetime_revenue_base desc, full_name, customer_id", limit=20)
    return Page(
        name="customers", title="Customers",
        subtitle=f"Acquisition, loyalty and lifetime value, {ctx.month_label}",
        tiles=month_tiles(ctx, monthly, TILES),
        blocks=[
            Chart("customers-trend", "New and returning customers by month", fx.trend(
                x, {"New": [r["new_customers"] for r in monthly],
                    "Returning": [r["returning_customers"] for r in monthly]},
                kinds={"New": "bar", "Returning": "bar"},
                secondary={"Repeat rate": [r["repeat_customer_rate"] for r in monthly]},
                secondary_title="repeat rate", secondary_percent=True), wide=True),
            Chart("customers-channels", "New customers by acquisition channel", mix),
            Chart("customers-yoy", "New customers by calendar month, year over year",
                  fx.year_over_year(monthly, "new_customers")),
            _retention(ctx, "customer", "customers-retention"),
            Chart("customers-segments", "Customers by RFM segment", fx.bars(
                seg_names, [segments[s] for s in seg_names]),
                note="Recency, frequency and monetary quintiles (customer_lifetime)."),
            Table("customers-top", "Top 20 customers by lifetime value",
                  [("Customer", ""), ("Country", ""), ("Bookings", "num"),
                   (f"Lifetime revenue ({ctx.currency})", "num"), ("Margin", "num"),
                   ("Last booking", ""), ("Segment", ""), ("Favourite destination", "")],
                  [[r["full_name"], r["country_code"] or "–", cell(r["bookings_count"]),
                    cell(r["lifetime_revenue_base"], "money"), cell(r["lifetime_margin_base"], "money"),
                    str(r["last_booked_date"] or "–"), r["rfm_segment"] or "–",
                    r["preferred_destination_name"] or "–"] for r in top], wide=True),
        ],
    )
