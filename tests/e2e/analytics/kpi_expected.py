"""Expected rows of the executive and sales marts, recomputed from the operational tables
(kpi_operational.Operational) with the documented rules; keyed like the marts' grain and named
like their columns, so a test compares them column by column. No dbt output is read here."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from tests.e2e.analytics.kpi_operational import (
    Operational, average, cash_share_of, growth, month_start, rank_desc, ratio,
)

ZERO = Decimal(0)


def _add_month(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


# --- executive -----------------------------------------------------------------------------------


def exec_daily(ops: Operational) -> dict[dt.date, dict]:
    days = ([b["day"] for b in ops.bookings.values()] + [b["travel_start"] for b in ops.bookings.values()]
            + [q["day"] for q in ops.quotes.values()])
    first, last = min(days), max(days)
    booked, recognised, quoted = defaultdict(list), defaultdict(list), defaultdict(list)
    for b in ops.bookings.values():
        booked[b["day"]].append(b)
        recognised[b["travel_start"]].append(b)
    for q in ops.quotes.values():
        quoted[q["day"]].append(q)
    out: dict[dt.date, dict] = {}
    day, mtd, ytd = first, {}, {}
    while day <= last:
        rev = [b for b in booked[day] if b["is_revenue"]]
        revenue = sum((b["revenue"] for b in booked[day]), ZERO)
        cash = sum((b["cash"] for b in rev), ZERO)
        if day.day == 1 or not mtd:
            mtd = {"revenue": ZERO, "cash": ZERO, "bookings": 0}
        if (day.month, day.day) == (1, 1) or not ytd:
            ytd = {"revenue": ZERO, "cash": ZERO}
        mtd = {"revenue": mtd["revenue"] + revenue, "cash": mtd["cash"] + cash, "bookings": mtd["bookings"] + len(rev)}
        ytd = {"revenue": ytd["revenue"] + revenue, "cash": ytd["cash"] + cash}
        rec_revenue = sum((b["revenue"] for b in recognised[day]), ZERO)
        rec_cash = sum((b["cash"] for b in recognised[day] if b["is_revenue"]), ZERO)
        quotes = quoted[day]
        converted = sum(1 for q in quotes if q["booking"] is not None)
        out[day] = {
            "month_start": month_start(day), "year_start": day.replace(month=1, day=1),
            "bookings_count": len(rev), "cancelled_bookings_count": len(booked[day]) - len(rev),
            "revenue_base": revenue, "revenue_mtd_base": mtd["revenue"], "revenue_ytd_base": ytd["revenue"],
            "bookings_mtd_count": mtd["bookings"], "avg_booking_value_base": average(revenue, len(rev)),
            "cash_received_base": cash, "cash_received_mtd_base": mtd["cash"],
            "cash_received_share": ratio(cash, revenue),
            "cash_received_mtd_share": ratio(mtd["cash"], mtd["revenue"]),
            "cash_received_ytd_base": ytd["cash"], "cash_received_ytd_share": ratio(ytd["cash"], ytd["revenue"]),
            "recognised_revenue_base": rec_revenue, "recognised_cash_received_base": rec_cash,
            "recognised_cash_received_share": ratio(rec_cash, rec_revenue),
            "quotes_requested": len(quotes), "quotes_converted": converted,
            "quote_conversion_rate": ratio(converted, len(quotes)),
            "active_agents": len({b["agent"] for b in rev if b["agent"] is not None}),
        }
        day += dt.timedelta(days=1)
    return out


def exec_monthly(ops: Operational) -> dict[dt.date, dict]:
    daily = exec_daily(ops)
    sums: dict[dt.date, dict] = {}
    for day in sorted(daily):
        row, m = daily[day], month_start(day)
        acc = sums.setdefault(m, defaultdict(lambda: ZERO))
        for col in ("bookings_count", "cancelled_bookings_count", "revenue_base", "cash_received_base",
                    "recognised_revenue_base", "recognised_cash_received_base", "quotes_requested",
                    "quotes_converted"):
            acc[col] += row[col]
    revenue = [b for b in ops.revenue_bookings]
    last_booked = max(b["month"] for b in revenue)
    out: dict[dt.date, dict] = {}
    ytd_revenue = ytd_cash = ZERO
    for m in sorted(sums):
        s = sums[m]
        if m.month == 1 or not out:
            ytd_revenue = ytd_cash = ZERO
        ytd_revenue += s["revenue_base"]
        ytd_cash += s["cash_received_base"]
        month_rev = [b for b in revenue if b["month"] == m]
        customers = {b["customer"] for b in month_rev if b["customer"] is not None}
        new = {b["customer"] for b in month_rev if b["number"] == 1}
        prev = sums.get(_add_month(m, -1))
        prev_year = sums.get(_add_month(m, -12))
        prev_rev = prev["revenue_base"] if prev else None
        prev_year_rev = prev_year["revenue_base"] if prev_year else None
        in_period = m <= last_booked
        out[m] = {
            "bookings_count": s["bookings_count"], "cancelled_bookings_count": s["cancelled_bookings_count"],
            "revenue_base": s["revenue_base"], "revenue_ytd_base": ytd_revenue,
            "cash_received_ytd_base": ytd_cash, "cash_received_ytd_share": ratio(ytd_cash, ytd_revenue),
            "revenue_prev_month_base": prev_rev, "revenue_prev_year_base": prev_year_rev,
            "is_booking_period": in_period,
            "revenue_growth_mom": growth(s["revenue_base"], prev_rev) if in_period else None,
            "revenue_growth_yoy": growth(s["revenue_base"], prev_year_rev) if in_period else None,
            "avg_booking_value_base": average(s["revenue_base"], s["bookings_count"]),
            "cash_received_base": s["cash_received_base"],
            "cash_received_share": ratio(s["cash_received_base"], s["revenue_base"]),
            "recognised_revenue_base": s["recognised_revenue_base"],
            "recognised_cash_received_base": s["recognised_cash_received_base"],
            "recognised_cash_received_share": ratio(s["recognised_cash_received_base"], s["recognised_revenue_base"]),
            "quotes_requested": s["quotes_requested"], "quotes_converted": s["quotes_converted"],
            "quote_conversion_rate": ratio(s["quotes_converted"], s["quotes_requested"]),
            "active_agents": len({b["agent"] for b in month_rev if b["agent"] is not None}),
            "booking_customers": len(customers), "new_customers": len(new),
            "returning_customers": len(customers) - len(new),
            "repeat_customer_rate": ratio(len(customers) - len(new), len(customers)),
        }
    return out


def destination_monthly(ops: Operational) -> dict[tuple, dict]:
    groups: dict[tuple, list] = defaultdict(list)
    for b in ops.revenue_bookings:
        groups[(b["month"], b["destination"])].append(b)
    revenue = {k: sum((b["revenue"] for b in v), ZERO) for k, v in groups.items()}
    out = {}
    for (month, dest), rows in groups.items():
        d = ops.destinations.get(dest, {})
        in_month = {k: v for k, v in revenue.items() if k[0] == month}
        country = d.get("country_code")
        cash = sum((b["cash"] for b in rows), ZERO)
        rev = revenue[(month, dest)]
        out[(month, dest)] = {
            "month_number": month.month, "destination_name": d.get("name"), "country_code": country,
            "country_name": d.get("country_name"), "bookings_count": len(rows),
            "travellers": sum(b["travellers"] for b in rows), "revenue_base": rev, "cash_received_base": cash,
            "cash_received_share": ratio(cash, rev), "revenue_rank": rank_desc(in_month)[(month, dest)],
            "revenue_share_of_month": ratio(rev, sum(in_month.values(), ZERO)),
            "country_revenue_base": sum((v for k, v in in_month.items()
                                         if ops.destinations.get(k[1], {}).get("country_code") == country), ZERO),
        }
    return out


def site_revenue_monthly(ops: Operational) -> dict[tuple, dict]:
    """Sites get their live activity items' sell amounts and a pro-rata share of the booking's cash;
    one remainder row per month and destination takes the rest of revenue and cash."""
    live_items = defaultdict(list)
    for item in ops.items:
        if item["status"] != "cancelled":
            live_items[item["booking"]].append(item)
    rows: dict[tuple, dict] = {}
    for b in ops.revenue_bookings:
        site_items = [i for i in live_items[b["id"]] if i["service_type"] == "activity" and i["site"] is not None]
        site_revenue = site_cash = ZERO
        for i in site_items:
            item_cash = cash_share_of(i["sell_base"], b["cash"], b["revenue"])
            r = rows.setdefault((b["month"], b["destination"], i["site"]),
                                {"revenue_base": ZERO, "cash_received_base": ZERO, "bookings": set(), "items_count": 0})
            r["revenue_base"] += i["sell_base"]
            r["cash_received_base"] += item_cash
            r["bookings"].add(b["id"])
            r["items_count"] += 1
            site_revenue += i["sell_base"]
            site_cash += item_cash
        other = rows.setdefault((b["month"], b["destination"], None),
                                {"revenue_base": ZERO, "cash_received_base": ZERO, "bookings": set(), "items_count": 0})
        other["revenue_base"] += b["revenue"] - site_revenue
        other["cash_received_base"] += b["cash"] - site_cash
        if b["revenue"] - site_revenue != 0:
            other["bookings"].add(b["id"])
        other["items_count"] += len(live_items[b["id"]]) - len(site_items)
    out = {}
    for (month, dest, site), r in rows.items():
        d = ops.destinations.get(dest, {})
        out[(month, dest, site)] = {
            "country_code": d.get("country_code"), "country_name": d.get("country_name"),
            "destination_name": d.get("name"),
            "site_name": "(other services)" if site is None else ops.sites.get(site),
            "is_other_services": site is None, "revenue_base": r["revenue_base"],
            "cash_received_base": r["cash_received_base"],
            "cash_received_share": ratio(r["cash_received_base"], r["revenue_base"]),
            "bookings_count": len(r["bookings"]), "items_count": r["items_count"],
        }
    return out


def revenue_by_currency_monthly(ops: Operational) -> dict[tuple, dict]:
    groups: dict[tuple, list] = defaultdict(list)
    for b in ops.revenue_bookings:
        groups[(b["month"], b["currency"])].append(b)
    out = {}
    for key, rows in groups.items():
        rev = sum((b["revenue"] for b in rows), ZERO)
        cash = sum((b["cash"] for b in rows), ZERO)
        out[key] = {"bookings_count": len(rows), "revenue_amount": sum((b["revenue_amount"] for b in rows), ZERO),
                    "revenue_base": rev, "cash_received_base": cash, "cash_received_share": ratio(cash, rev)}
    return out


def recognised_by_month(ops: Operational) -> dict[dt.date, tuple[Decimal, Decimal]]:
    """(recognised revenue, its cash) per travel-start month."""
    out: dict[dt.date, list] = defaultdict(lambda: [ZERO, ZERO])
    for b in ops.revenue_bookings:
        acc = out[month_start(b["travel_start"])]
        acc[0] += b["revenue"]
        acc[1] += b["cash"]
    return {k: (v[0], v[1]) for k, v in out.items()}


def revenue_original_by_month(ops: Operational, *, recognised: bool = False) -> dict[tuple, Decimal]:
    out: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for b in ops.revenue_bookings:
        month = month_start(b["travel_start"]) if recognised else b["month"]
        out[(month, b["currency"])] += b["revenue_amount"]
    return dict(out)


# --- sales ---------------------------------------------------------------------------------------


def sales_funnel_monthly(ops: Operational) -> dict[dt.date, dict]:
    quotes_of = defaultdict(list)
    for q in ops.quotes.values():
        quotes_of[q["request"]].append(q)
    bookings_of = defaultdict(list)
    for b in ops.bookings.values():
        if b["quote"] is not None:
            bookings_of[b["quote"]].append(b)
    stages = ("requests_count", "quoted_count", "sent_count", "accepted_count", "booked_count", "paid_count",
              "fully_paid_count")
    months: dict[dt.date, dict] = {}
    for r in ops.requests.values():
        quotes = quotes_of[r["id"]]
        bookings = [b for q in quotes for b in bookings_of[q["id"]]]
        flags = (True, bool(quotes), any(q["sent_at"] is not None for q in quotes),
                 any(q["status"] == "accepted" for q in quotes) or bool(bookings), bool(bookings),
                 any(b["is_paid"] for b in bookings), any(b["is_fully_paid"] for b in bookings))
        m = months.setdefault(month_start(r["requested_at"].date()),
                              {**{s: 0 for s in stages}, "revenue_base": ZERO, "cash_received_base": ZERO})
        for stage, flag in zip(stages, flags):
            m[stage] += int(flag)
        m["revenue_base"] += sum((b["revenue"] for b in bookings), ZERO)
        m["cash_received_base"] += sum((b["cash"] for b in bookings if b["is_revenue"]), ZERO)
    for m in months.values():
        m.update({
            "cash_received_share": ratio(m["cash_received_base"], m["revenue_base"]),
            "quoted_rate": ratio(m["quoted_count"], m["requests_count"]),
            "acceptance_rate": ratio(m["accepted_count"], m["sent_count"]),
            "booking_rate": ratio(m["booked_count"], m["accepted_count"]),
            "payment_rate": ratio(m["paid_count"], m["booked_count"]),
            "request_to_booking_rate": ratio(m["booked_count"], m["requests_count"]),
        })
    return months


def sales_conversion_monthly(ops: Operational) -> dict[tuple, dict]:
    groups: dict[tuple, list] = defaultdict(list)
    for q in ops.quotes.values():
        groups[(month_start(q["day"]), q["agent"], q["agency"], q["destination"])].append(q)
    out = {}
    for key, quotes in groups.items():
        _, agent, _, dest = key
        booked = [ops.bookings[q["booking"]] for q in quotes if q["booking"] is not None]
        sent = sum(1 for q in quotes if q["sent_at"] is not None)
        accepted = sum(1 for q in quotes if q["status"] == "accepted")
        revenue = sum((b["revenue"] for b in booked), ZERO)
        cash = sum((b["cash"] for b in booked if b["is_revenue"]), ZERO)
        out[key] = {
            "agent_name": ops.agents.get(agent, {}).get("name"),
            "destination_name": ops.destinations.get(dest, {}).get("name"),
            "country_code": ops.destinations.get(dest, {}).get("country_code"),
            "quotes_count": len(quotes), "sent_count": sent, "accepted_count": accepted,
            "converted_count": len(booked), "conversion_rate": ratio(len(booked), len(quotes)),
            "acceptance_rate": ratio(accepted, sent),
            "quoted_amount_base": sum((q["base"] or ZERO for q in quotes), ZERO),
            "booked_revenue_base": revenue, "booked_cash_received_base": cash,
            "cash_received_share": ratio(cash, revenue),
        }
    return out


def conversion_by(ops: Operational, attribute: str) -> dict:
    """Quote-to-booking conversion of live quotes by agent or by destination: (converted, quotes, rate)."""
    counts: dict = defaultdict(lambda: [0, 0])
    for q in ops.quotes.values():
        counts[q[attribute]][0] += q["booking"] is not None
        counts[q[attribute]][1] += 1
    return {k: (c, n, ratio(c, n)) for k, (c, n) in counts.items()}


def quote_to_booking_conversion_by_year(ops: Operational, window_days: int = 90) -> dict[int, tuple[int, int]]:
    """(quotes followed by a live booking made from them within the window, live quotes) per request year:
    the booking on or after the request day and before request day + window."""
    booked_days = defaultdict(list)
    for b in ops.bookings.values():
        if b["quote"] is not None:
            booked_days[b["quote"]].append(b["day"])
    out: dict[int, list] = defaultdict(lambda: [0, 0])
    for q in ops.quotes.values():
        acc = out[q["day"].year]
        acc[1] += 1
        acc[0] += any(q["day"] <= d < q["day"] + dt.timedelta(days=window_days) for d in booked_days[q["id"]])
    return {k: (v[0], v[1]) for k, v in out.items()}
