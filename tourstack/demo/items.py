"""Booking items: hotel stays, transport, guides and activities from the destination's suppliers.

Why price per unit first: cost is the contracted unit cost (supplier currency) times quantity,
and sell is a converted, marked-up unit price (booking currency) times quantity, so invoice
lines can show quantity x unit price = amount exactly.
"""

from __future__ import annotations

import numpy as np

from tourstack.demo.catalogue import pick_sites
from tourstack.demo.context import Chunk, Context
from tourstack.demo.fx import CURRENCIES
from tourstack.demo.suppliers import KINDS, SERVICE, unit_cost
from tourstack.demo.util import hours, nullable, rng_for, to_day

TRANSFER_SHARE = 0.4  # an airport transfer costs 40 % of a day with car and driver
ACTIVITY = KINDS.index("activity")
# Sites come from a stream of their own so that no other generated value depends on them.
SITE_STREAM = 19


def _block(nb: int, counts: np.ndarray):
    idx = np.repeat(np.arange(nb), counts)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    part = np.arange(len(idx)) - np.repeat(first, counts)
    return idx, part


def generate_items(ctx: Context, ch: Chunk) -> dict:
    plan, sup, cat = ctx.plan, ctx.sup, ctx.cat
    rng = rng_for(plan.seed, 13, ch.number)
    nb = ch.nb
    dest = ch.dest[:nb]
    nights = ch.nights[:nb]
    trav = (ch.adults + ch.children)[:nb]
    tstart = ch.travel_start[:nb]
    n_hotel = 1 + ((nights >= 6) & (rng.random(nb) < 0.5))
    n_trans = 1 + (rng.random(nb) < 0.6)
    n_guide = rng.choice([0, 1, 2], size=nb, p=[0.4, 0.4, 0.2])
    n_act = rng.choice([0, 1, 2, 3], size=nb, p=[0.25, 0.35, 0.25, 0.15])

    blocks = []
    # Hotels: one or two stays splitting the nights; rooms for two travellers each.
    b, part = _block(nb, n_hotel)
    half = nights[b] // 2
    stay = np.where(n_hotel[b] == 2, np.where(part == 0, half, nights[b] - half), nights[b])
    rooms = (trav[b] + 1) // 2
    supplier = sup.offsets[dest[b], 0] + 2 * ch.budget[b] + (rng.random(len(b)) < 0.5)
    date = tstart[b] + np.where(part == 0, 0, half).astype("timedelta64[D]")
    blocks.append((b, 0, part, supplier, date, stay * rooms, np.ones(len(b))))
    # Transport: a car with driver for the trip, optionally an airport transfer.
    b, part = _block(nb, n_trans)
    supplier = sup.offsets[dest[b], 1] + np.floor(rng.random(len(b)) * sup.counts[dest[b], 1]).astype(np.int64)
    date = np.where(part == 0, tstart[b], ch.travel_end[:nb][b])
    qty = np.where(part == 0, nights[b] + 1, 1)
    blocks.append((b, 1, part, supplier, date, qty, np.where(part == 0, 1.0, TRANSFER_SHARE)))
    # Guides by the day and activities per traveller on random days of the trip.
    for kind, counts, per_person in ((2, n_guide, False), (3, n_act, True)):
        b, part = _block(nb, counts)
        supplier = sup.offsets[dest[b], kind] + np.floor(rng.random(len(b)) * sup.counts[dest[b], kind]).astype(np.int64)
        date = tstart[b] + np.floor(rng.random(len(b)) * (nights[b] + 1)).astype("timedelta64[D]")
        qty = trav[b] if per_person else np.ones(len(b), dtype=np.int64)
        blocks.append((b, kind, part, supplier, date, qty, np.ones(len(b))))

    bidx = np.concatenate([x[0] for x in blocks])
    kind = np.concatenate([np.full(len(x[0]), x[1]) for x in blocks])
    part = np.concatenate([x[2] for x in blocks])
    supplier = np.concatenate([x[3] for x in blocks])
    service_date = np.concatenate([x[4] for x in blocks]).astype("datetime64[D]")
    qty = np.concatenate([x[5] for x in blocks]).astype(np.int64)
    share = np.concatenate([x[6] for x in blocks])
    order = np.lexsort((part, kind, bidx))
    bidx, kind, part, supplier, service_date, qty, share = (
        a[order] for a in (bidx, kind, part, supplier, service_date, qty, share))
    n = len(bidx)

    unit = unit_cost(sup, cat, supplier, service_date, plan.start)
    unit = np.maximum(np.rint(unit * share / 100.0).astype(np.int64) * 100, 100)
    cost = unit * qty
    cost_cur = sup.currency[supplier]
    book_cur = ch.currency[bidx]
    day = to_day(plan.start, ch.booked_at)[bidx]
    factor = ctx.fx.factor(day, cost_cur, book_cur)
    unit_sell = np.rint(unit * factor * (1.0 + ch.margin[bidx])).astype(np.int64)
    sell = unit_sell * qty
    cost_in_booking = np.rint(cost * factor).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(np.bincount(bidx, minlength=nb))[:-1]])
    ch.total_sell = np.add.reduceat(sell, starts)
    ch.total_cost = np.add.reduceat(cost_in_booking, starts)

    end = np.datetime64(plan.end.replace(tzinfo=None), "us")
    requested = ch.booked_at[bidx] + hours(rng.uniform(0.08, 3.0, n))
    confirmed = requested + hours(rng.lognormal(np.log(5.0), 1.0, n))
    cancelled = ch.cancelled[bidx]
    pending = confirmed >= end
    status = np.where(cancelled, "cancelled", np.where(pending, "pending", "confirmed")).astype(object)
    updated = np.where(pending, requested, confirmed)
    updated = np.where(cancelled, np.maximum(updated, ch.cancel_at[bidx]), updated)

    variant = np.where((kind == 1) & (part > 0), 1, 0)
    desc_table = np.array([f"{SERVICE[KINDS[k]]} - {nm}" for k, nm in zip(sup.kind, sup.name)]
                          + [f"Airport transfer - {nm}" for nm in sup.name], dtype=object)
    ids = ctx.ids.take("booking_items", n)
    ch.item_ids = ids
    ch.item_bidx, ch.item_kind, ch.item_supplier, ch.item_qty = bidx, kind, supplier, qty
    ch.item_unit_sell, ch.item_sell, ch.item_desc = unit_sell, sell, desc_table[supplier + variant * len(sup.name)]
    ch.item_cost, ch.item_cost_cur, ch.item_date, ch.item_status = cost, cost_cur, service_date, status
    ch.item_confirmed = np.where(pending, np.datetime64("NaT"), confirmed)
    site, item_desc = _activity_sites(ctx, ch, dest[bidx], kind, supplier)
    ch.all_confirmed = np.logical_and.reduceat(~pending, starts)
    ch.last_confirmed = np.maximum.reduceat(np.where(pending, requested, confirmed).astype(np.int64), starts).astype("datetime64[us]")
    return {
        "id": ids, "booking_id": ch.booking_ids[bidx], "supplier_id": supplier + 1,
        "site_id": site,
        "service_type": np.array(KINDS, dtype=object)[kind], "description": item_desc,
        "service_date": service_date, "quantity": qty, "cost_minor": cost,
        "cost_currency": np.array(CURRENCIES, dtype=object)[cost_cur], "sell_minor": sell,
        "sell_currency": np.array(CURRENCIES, dtype=object)[book_cur], "status": status,
        "supplier_requested_at": requested, "supplier_confirmed_at": nullable(confirmed, pending),
        "created_at": requested - hours(0.05), "updated_at": updated,
    }


def _activity_sites(ctx: Context, ch: Chunk, dest: np.ndarray, kind: np.ndarray, supplier: np.ndarray):
    """The site of every activity item (NULL for other kinds) and the item descriptions naming it.

    An activity is an entrance or experience at one site of the booking's destination, popular
    sites more often. Only the booking item's description names the site; invoice lines keep the
    generic service description (ch.item_desc).
    """
    is_act = kind == ACTIVITY
    site = np.zeros(len(kind), dtype=np.int64)
    site[is_act] = pick_sites(ctx.cat, rng_for(ctx.plan.seed, SITE_STREAM, ch.number), dest[is_act])
    names = np.array(ctx.cat.site_name, dtype=object)[site[is_act]]
    desc = ch.item_desc.copy()
    desc[is_act] = [f"{SERVICE['activity']}: {nm} - {sp}"
                    for nm, sp in zip(names, np.array(ctx.sup.name, dtype=object)[supplier[is_act]])]
    return nullable(site + 1, ~is_act), desc
