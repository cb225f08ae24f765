"""Itineraries with days and items for a share of quote requests.

Why local currency: an itinerary is an operational plan priced in the destination's currency
(site tickets and hotel rates are local), so its estimated cost is an exact sum of its items.
"""

from __future__ import annotations

import numpy as np

from tourstack.demo.context import Chunk, Context
from tourstack.demo.fx import CURRENCIES
from tourstack.demo.sales import BUDGETS
from tourstack.demo.util import hours, nullable, rng_for

STYLES = np.array(["fast_paced", "moderate", "relaxed"], dtype=object)
SOURCES = np.array(["manual", "offline_planner", "openai"], dtype=object)
MAX_DAYS = 10


def generate_itineraries(ctx: Context, ch: Chunk) -> dict[str, dict]:
    rng = rng_for(ctx.plan.seed, 18, ch.number)
    cat, sup = ctx.cat, ctx.sup
    idx = np.flatnonzero(ch.with_itin)
    idx = idx[np.argsort(ch.itin_ids[idx])]
    ni = len(idx)
    dest = ch.dest[idx]
    days = np.minimum(ch.nights[idx] + 1, MAX_DAYS)
    created = ch.requested[idx] + hours(rng.uniform(0.5, 20, ni))

    # Days.
    d_it = np.repeat(np.arange(ni), days)
    d_no = np.arange(len(d_it)) - np.repeat(np.concatenate([[0], np.cumsum(days)[:-1]]), days) + 1
    day_ids = ctx.ids.take("itinerary_days", len(d_it))
    dnames = np.array(cat.dest_name, dtype=object)
    # Items: a morning and an afternoon site every day, and the hotel every night but the last.
    per_day = np.where(d_no < days[d_it], 3, 2)
    i_day = np.repeat(np.arange(len(d_it)), per_day)
    pos = np.arange(len(i_day)) - np.repeat(np.concatenate([[0], np.cumsum(per_day)[:-1]]), per_day)
    it = d_it[i_day]
    i_dest = dest[it]
    is_site = pos < 2
    site = cat.site_offsets[i_dest] + np.floor(rng.random(len(i_day)) * cat.site_counts[i_dest]).astype(np.int64)
    hotel = sup.offsets[i_dest, 0] + 2 * ch.budget[idx][it]
    trav = (ch.adults + ch.children)[idx][it]
    rooms = (trav + 1) // 2
    hotel_cost = np.maximum(np.rint(sup.base_cost[hotel] / 100.0).astype(np.int64) * 100, 100) * rooms
    cost = np.where(is_site, cat.site_price[site] * trav, hotel_cost)
    start_min = np.where(pos == 0, 9 * 60, np.where(pos == 1, 14 * 60, 20 * 60))
    dur = np.where(is_site, np.minimum(cat.site_duration[site], 240), 0)
    end_min = start_min + dur
    fmt = np.vectorize(lambda m: f"{m // 60:02d}:{m % 60:02d}:00", otypes=[object])
    desc = np.where(is_site, np.array(cat.site_name, dtype=object)[site], np.array(sup.name, dtype=object)[hotel])
    cur = np.array(CURRENCIES, dtype=object)[cat.dest_currency[i_dest]]
    total = np.zeros(ni, dtype=np.int64)
    np.add.at(total, it, cost)
    item_created = created[it] + hours(0.01)

    status = np.where(ch.conv[idx], "approved", np.where(rng.random(ni) < 0.7, "draft", "archived")).astype(object)
    deleted = rng.random(ni) < 0.02
    itineraries = {
        "id": ch.itin_ids[idx], "agency_id": ch.agency[idx] + 1, "destination_id": dest + 1,
        "title": np.array([f"{d} days in {n}" for d, n in zip(days, dnames[dest])], dtype=object),
        "days_count": days, "start_date": ch.travel_start[idx], "budget_level": BUDGETS[ch.budget[idx]],
        "travel_style": STYLES[rng.integers(0, 3, ni)], "status": status,
        "source": SOURCES[rng.choice(3, size=ni, p=[0.3, 0.5, 0.2])],
        "currency": np.array(CURRENCIES, dtype=object)[cat.dest_currency[dest]], "estimated_cost_minor": total,
        "created_at": created, "updated_at": created + hours(1), "deleted_at": nullable(created + hours(30), ~deleted),
    }
    days_t = {
        "id": day_ids, "itinerary_id": ch.itin_ids[idx][d_it], "day_number": d_no,
        "title": np.array([f"Day {k} in {n}" for k, n in zip(d_no, dnames[dest[d_it]])], dtype=object),
        "created_at": created[d_it], "updated_at": created[d_it],
    }
    items = {
        "id": ctx.ids.take("itinerary_items", len(i_day)), "itinerary_day_id": day_ids[i_day], "position": pos + 1,
        "slot": np.array(["morning", "afternoon", "overnight"], dtype=object)[pos],
        "kind": np.where(is_site, "site", "hotel").astype(object),
        "site_id": nullable(site + 1, ~is_site), "supplier_id": nullable(hotel + 1, is_site),
        "description": desc, "starts_at": fmt(start_min),
        "ends_at": nullable(fmt(np.minimum(end_min, 23 * 60 + 59)), ~is_site),
        "estimated_cost_minor": cost, "currency": cur, "is_locked": rng.random(len(i_day)) < 0.1,
        "created_at": item_created, "updated_at": item_created, "deleted_at": nullable(item_created, np.ones(len(i_day), dtype=bool)),
    }
    return {"itineraries": itineraries, "itinerary_days": days_t, "itinerary_items": items}
