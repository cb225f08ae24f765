"""Expected rows of the agent, operations, supplier and customer marts, recomputed from the
operational tables (kpi_operational.Operational) with the documented rules. Figures that count
back from "now" take the analytics reference date `as_of` the marts were built with."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

from tests.e2e.analytics.kpi_operational import (
    Operational, average, cash_share_of, hours, month_start, rank_desc, ratio, round_half_up,
    seconds_between,
)

ZERO = Decimal(0)
ON_TIME_SECONDS = 48 * 3600
PENDING = ("open", "in_progress")


# --- agents --------------------------------------------------------------------------------------


def agent_leaderboard(ops: Operational, as_of: dt.date) -> dict[int, dict]:
    window_start = as_of - dt.timedelta(days=90)
    by_agent = defaultdict(list)
    for b in ops.revenue_bookings:
        by_agent[b["agent"]].append(b)
    quotes = defaultdict(list)
    for q in ops.quotes.values():
        quotes[q["agent"]].append(q)
    scores = defaultdict(list)
    for r in ops.ratings:
        b = ops.bookings.get(r["booking"])
        if b is not None and b["is_revenue"]:
            scores[b["agent"]].append(r["score"])
    out = {}
    for aid, a in ops.agents.items():
        if a["deleted"]:
            continue
        rev = by_agent[aid]
        recent = [b for b in rev if window_start < b["day"] <= as_of]
        revenue = sum((b["revenue"] for b in rev), ZERO)
        cash = sum((b["cash"] for b in rev), ZERO)
        revenue_90d = sum((b["revenue"] for b in recent), ZERO)
        cash_90d = sum((b["cash"] for b in recent), ZERO)
        qs = quotes[aid]
        sent = sum(1 for q in qs if q["sent_at"] is not None)
        accepted = sum(1 for q in qs if q["status"] == "accepted")
        converted = sum(1 for q in qs if q["booking"] is not None)
        out[aid] = {
            "agent_name": a["name"], "agency_id": a["agency"], "agency_name": a["agency_name"],
            "is_active": a["is_active"], "joined_on": a["joined_on"],
            "bookings_count": len(rev), "revenue_base": revenue, "cash_received_base": cash,
            "cash_received_share": ratio(cash, revenue), "avg_booking_value_base": average(revenue, len(rev)),
            "revenue_90d_base": revenue_90d, "cash_received_90d_base": cash_90d,
            "cash_received_90d_share": ratio(cash_90d, revenue_90d),
            "first_booked_date": min((b["day"] for b in rev), default=None),
            "last_booked_date": max((b["day"] for b in rev), default=None),
            "customers_count": len({b["customer"] for b in rev if b["customer"] is not None}),
            "quotes_count": len(qs), "quotes_accepted": accepted, "quotes_converted": converted,
            "quote_acceptance_rate": ratio(accepted, sent), "quote_conversion_rate": ratio(converted, len(qs)),
            "ratings_count": len(scores[aid]), "avg_rating": average(sum(scores[aid]), len(scores[aid])),
        }
    overall = rank_desc({k: v["revenue_base"] for k, v in out.items()})
    recent_rank = rank_desc({k: v["revenue_90d_base"] for k, v in out.items()})
    for k, v in out.items():
        v["revenue_rank"] = overall[k]
        v["revenue_90d_rank"] = recent_rank[k]
        peers = {o: w["revenue_base"] for o, w in out.items() if w["agency_id"] == v["agency_id"]}
        v["agency_revenue_rank"] = rank_desc(peers)[k]
    return out


# --- operations ----------------------------------------------------------------------------------


def is_overdue(task: dict, as_of: dt.date) -> bool:
    """Pending and due before the reference date (its SLA lapsed by 00:00 UTC of as_of)."""
    return task["status"] in PENDING and task["sla_due_at"] is not None and task["sla_due_at"].date() < as_of


def task_figures(tasks: list[dict], as_of: dt.date) -> dict:
    done = [t for t in tasks if t["status"] == "done"]
    within = sum(1 for t in done if t["completed_at"] <= t["sla_due_at"])
    late = sum(1 for t in done if t["completed_at"] > t["sla_due_at"])
    overdue = sum(1 for t in tasks if is_overdue(t, as_of))
    return {
        "completed": len(done), "pending": sum(1 for t in tasks if t["status"] in PENDING),
        "overdue": overdue, "within": within, "breached": late + overdue,
        "rate": ratio(within, within + late + overdue),
        "hours": hours(sum(seconds_between(t["opened_at"], t["completed_at"]) for t in done), len(done)),
    }


def ops_monthly(ops: Operational, as_of: dt.date) -> dict[dt.date, dict]:
    live_items = [i for i in ops.items if i["status"] != "cancelled"]
    quotes, bookings, tasks, supplier = (defaultdict(list) for _ in range(4))
    for q in ops.quotes.values():
        quotes[month_start(q["day"])].append(q)
    for b in ops.revenue_bookings:
        bookings[b["month"]].append(b)
    for t in ops.tasks:
        tasks[month_start(t["opened_at"].date())].append(t)
    for i in live_items:
        if i["requested_at"] is not None:
            supplier[month_start(i["requested_at"].date())].append(i)
    items_of = defaultdict(list)
    for i in live_items:
        items_of[i["booking"]].append(i)
    out = {}
    for m in set(quotes) | set(bookings) | set(tasks) | set(supplier):
        sent = [q for q in quotes[m] if q["sent_at"] is not None]
        confirmed = [b for b in bookings[m]
                     if items_of[b["id"]] and all(i["confirmed_at"] is not None for i in items_of[b["id"]])]
        processing = sum(seconds_between(b["booked_at"], max(i["confirmed_at"] for i in items_of[b["id"]]))
                         for b in confirmed)
        answered = [i for i in supplier[m] if i["confirmed_at"] is not None]
        t = task_figures(tasks[m], as_of)
        out[m] = {
            "quotes_requested": len(quotes[m]), "quotes_sent": len(sent),
            "avg_quote_response_hours": hours(sum(seconds_between(q["requested_at"], q["sent_at"]) for q in sent),
                                              len(sent)),
            "bookings_made": len(bookings[m]), "bookings_confirmed": len(confirmed),
            "avg_booking_processing_hours": hours(processing, len(confirmed)),
            "tasks_opened": len(tasks[m]), "tasks_completed": t["completed"], "tasks_pending": t["pending"],
            "tasks_overdue": t["overdue"], "tasks_within_sla": t["within"], "tasks_breached_sla": t["breached"],
            "sla_compliance_rate": t["rate"], "avg_task_resolution_hours": t["hours"],
            "supplier_requests": len(supplier[m]), "supplier_confirmations": len(answered),
            "avg_supplier_response_hours": hours(
                sum(seconds_between(i["requested_at"], i["confirmed_at"]) for i in answered), len(answered)),
        }
    return out


def ops_staff_workload(ops: Operational, as_of: dt.date) -> dict[tuple, dict]:
    groups = defaultdict(list)
    for t in ops.tasks:
        groups[(month_start(t["opened_at"].date()), t["staff"])].append(t)
    out = {}
    for (month, staff), tasks in groups.items():
        f = task_figures(tasks, as_of)
        person = ops.staff.get(staff, {})
        out[(month, staff)] = {
            "staff_user_name": person.get("name"), "staff_role": person.get("role"),
            "tasks_assigned": len(tasks), "tasks_completed": f["completed"], "tasks_pending": f["pending"],
            "tasks_overdue": f["overdue"], "tasks_within_sla": f["within"], "tasks_breached_sla": f["breached"],
            "sla_compliance_rate": f["rate"], "avg_resolution_hours": f["hours"],
        }
    return out


# --- suppliers -----------------------------------------------------------------------------------


def reliability(requested: int, confirmed: int, on_time: int, ratings: list[int]) -> Decimal | None:
    """100 x the weighted mean of fulfilment (50), on-time share (25) and rating / 5 (25) over the
    components with data, as one exact fraction rounded once."""
    parts: list[tuple[int, Fraction]] = []
    if requested:
        parts.append((50, Fraction(confirmed, requested)))
        parts.append((25, Fraction(on_time, confirmed) if confirmed else Fraction(0)))
    if ratings:
        parts.append((25, Fraction(sum(ratings), 5 * len(ratings))))
    if not parts:
        return None
    return round_half_up(100 * sum(w * v for w, v in parts) / sum(w for w, _ in parts), 2)


def supplier_scorecard(ops: Operational) -> dict[int, dict]:
    items = defaultdict(list)
    for i in ops.items:
        items[i["supplier"]].append(i)
    scores = defaultdict(list)
    for r in ops.ratings:
        if r["supplier"] is not None:
            scores[r["supplier"]].append(r["score"])
    out = {}
    for sid, s in ops.suppliers.items():
        if s["deleted"]:
            continue
        live = [i for i in items[sid] if i["status"] != "cancelled"]
        confirmed = [i for i in live if i["confirmed_at"] is not None]
        response = [seconds_between(i["requested_at"], i["confirmed_at"]) for i in confirmed]
        revenue = sum((i["sell_base"] or ZERO for i in live), ZERO)
        cost = sum((i["cost_base"] or ZERO for i in live), ZERO)
        cash = sum((cash_share_of(i["sell_base"], ops.bookings[i["booking"]]["cash"],
                                  ops.bookings[i["booking"]]["revenue"]) for i in live), ZERO)
        requested = sum(1 for i in live if i["requested_at"] is not None)
        on_time = sum(1 for r in response if r <= ON_TIME_SECONDS)
        out[sid] = {
            "supplier_name": s["name"], "kind": s["kind"], "destination_id": s["destination"],
            "items_count": len(items[sid]), "items_requested": requested, "items_confirmed": len(confirmed),
            "avg_response_hours": hours(sum(response), len(confirmed)),
            "fulfilment_rate": ratio(len(confirmed), requested), "on_time_rate": ratio(on_time, len(confirmed)),
            "revenue_base": revenue, "cash_received_base": cash, "cash_received_share": ratio(cash, revenue),
            "margin_base": revenue - cost, "ratings_count": len(scores[sid]),
            "avg_rating": average(sum(scores[sid]), len(scores[sid])),
            "reliability_score": reliability(requested, len(confirmed), on_time, scores[sid]),
            "_cost": cost, "_units": sum(i["quantity"] for i in live if i["cost_base"] is not None),
        }
    total = sum((v["revenue_base"] for v in out.values()), ZERO)
    peer_groups = defaultdict(lambda: [ZERO, 0, 0])  # cost, units, suppliers of a kind and destination
    for v in out.values():
        acc = peer_groups[(v["kind"], v["destination_id"])]
        acc[0] += v["_cost"]
        acc[1] += v["_units"]
        acc[2] += 1
    for v in out.values():
        peer_cost, peer_units, peers = peer_groups[(v["kind"], v["destination_id"])]
        cost, units = v.pop("_cost"), v.pop("_units")
        v.update({
            "revenue_share": ratio(v["revenue_base"], total), "peers_count": peers,
            "unit_cost_base": average(cost, units), "peer_unit_cost_base": average(peer_cost, peer_units),
            "price_index_vs_peers": ratio(Fraction(cost) * peer_units, units * Fraction(peer_cost))
            if units and peer_cost > 0 else None,
        })
    return out


# --- customers -----------------------------------------------------------------------------------


def ntile(keys_in_order: list, buckets: int = 5) -> dict:
    """SQL ntile(): the first (n mod buckets) groups hold one row more."""
    n = len(keys_in_order)
    out, i = {}, 0
    for bucket in range(buckets):
        size = n // buckets + (1 if bucket < n % buckets else 0)
        for key in keys_in_order[i:i + size]:
            out[key] = bucket + 1
        i += size
    return out


def segment(bookings: int | None, r: int | None, f: int | None) -> str:
    if bookings is None:
        return "prospect"
    if r >= 4 and f >= 4:
        return "champion"
    if f >= 4:
        return "loyal"
    if r >= 4 and bookings == 1:
        return "new"
    if r <= 2 and f >= 3:
        return "at_risk"
    if r <= 2:
        return "hibernating"
    return "promising"


def customer_lifetime(ops: Operational, as_of: dt.date) -> dict[int, dict]:
    by_customer = defaultdict(list)
    for b in ops.revenue_bookings:
        if b["customer"] is not None:
            by_customer[b["customer"]].append(b)
    out = {}
    for cid, c in ops.customers.items():
        if c["deleted"]:
            continue
        rev = by_customer.get(cid, [])
        revenue = sum((b["revenue"] for b in rev), ZERO) if rev else None
        cash = sum((b["cash"] for b in rev), ZERO) if rev else None
        last = max((b["day"] for b in rev), default=None)
        first = min((b["day"] for b in rev), default=None)
        counts = Counter(b["destination"] for b in rev)
        preferred = min(counts, key=lambda d: (-counts[d], d)) if counts else None
        recency = (as_of - last).days if last else None
        out[cid] = {
            "agency_id": c["agency"], "full_name": c["full_name"], "country_code": c["country_code"],
            "acquisition_channel": c["channel"], "bookings_count": len(rev),
            "lifetime_revenue_base": revenue or ZERO,
            "lifetime_margin_base": sum((b["margin"] for b in rev), ZERO),
            "lifetime_cash_received_base": cash or ZERO, "lifetime_cash_received_share": ratio(cash, revenue),
            "avg_booking_value_base": average(revenue, len(rev)), "first_booked_date": first,
            "last_booked_date": last, "cohort_month": month_start(first) if first else None,
            "recency_days": recency, "is_repeat_customer": len(rev) >= 2,
            "is_churned": recency is not None and recency > 365,
            "preferred_destination_id": preferred,
            "preferred_destination_name": ops.destinations.get(preferred, {}).get("name") if rev else None,
            "avg_travellers": average(sum(b["travellers"] for b in rev), len(rev)),
            "avg_lead_time_days": average(sum((b["travel_start"] - b["day"]).days for b in rev), len(rev)),
        }
    booked = [k for k, v in out.items() if v["bookings_count"]]
    r = ntile(sorted(booked, key=lambda k: (-out[k]["recency_days"], k)))
    f = ntile(sorted(booked, key=lambda k: (out[k]["bookings_count"], k)))
    m = ntile(sorted(booked, key=lambda k: (out[k]["lifetime_revenue_base"], k)))
    for k, v in out.items():
        v.update({"recency_score": r.get(k), "frequency_score": f.get(k), "monetary_score": m.get(k),
                  "rfm_segment": segment(v["bookings_count"] or None, r.get(k), f.get(k))})
    return out


def customer_acquisition_monthly(ops: Operational) -> dict[tuple, dict]:
    spend: dict[tuple, Decimal] = defaultdict(lambda: ZERO)
    for s in ops.spend:
        spend[(s["channel"], s["month"])] += s["base"]
    acquired = defaultdict(list)
    for b in ops.revenue_bookings:
        if b["number"] == 1:
            acquired[(ops.customers[b["customer"]]["channel"] or "unknown", b["month"])].append(b)
    out = {}
    for key in set(spend) | set(acquired):
        rows = acquired.get(key, [])
        revenue = sum((b["revenue"] for b in rows), ZERO)
        cash = sum((b["cash"] for b in rows), ZERO)
        out[key] = {
            "spend_base": spend.get(key), "new_customers": len(rows), "first_booking_revenue_base": revenue,
            "first_booking_cash_received_base": cash,
            "first_booking_cash_received_share": ratio(cash, revenue) if rows else None,
            "acquisition_cost_base": average(spend.get(key), len(rows)),
        }
    return out


def cohort_retention(ops: Operational) -> dict[tuple, dict]:
    months = sorted({b["month"] for b in ops.revenue_bookings})
    out = {}
    for kind in ("customer", "agent"):
        active = defaultdict(set)
        for b in ops.revenue_bookings:
            if b[kind] is not None:
                active[b[kind]].add(b["month"])
        cohorts = defaultdict(set)
        for entity, booked in active.items():
            cohorts[min(booked)].add(entity)
        for cohort, members in cohorts.items():
            for m in months:
                if m < cohort:
                    continue
                count = sum(1 for e in members if m in active[e])
                out[(kind, cohort, m)] = {
                    "months_since_first": (m.year - cohort.year) * 12 + m.month - cohort.month,
                    "cohort_size": len(members), "active_count": count,
                    "retention_rate": ratio(count, len(members)),
                }
    return out
