"""Quote requests, customers, quotes and bookings for one chunk of the booking timeline.

Why work backwards from the booking: bookings are laid on the calendar first (seasonality,
growth), then each converted request is placed before it (quote sent within an SLA-ish lag,
answered a few days later); non-converting requests fill the same weeks.
"""

from __future__ import annotations

import numpy as np

from tourstack.demo.context import Chunk, Context
from tourstack.demo.fx import CUR_INDEX, CURRENCIES
from tourstack.demo.parties import CHANNEL_P, CHANNELS, names
from tourstack.demo.util import dates, hours, nullable, rng_for, to_day, ts

BUDGETS = np.array(["budget", "moderate", "luxury"])
CANCEL_REASONS = ["traveller illness", "change of plans", "visa not granted", "flight cancelled",
                  "price too high after revision", "duplicate booking", "family emergency"]
CONVERSION_EXTRA_REQUESTS = 1.6  # non-converting requests per booking
CANCEL_RATE = 0.08


def base36(values: np.ndarray, width: int) -> np.ndarray:
    alphabet = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", dtype="S1")  # no I, O
    base = len(alphabet)
    digits = np.empty((len(values), width), dtype="S1")
    v = values.astype(np.int64).copy()
    for pos in range(width - 1, -1, -1):
        v, r = np.divmod(v, base)
        digits[:, pos] = alphabet[r]
    return digits.view(f"S{width}").ravel().astype(str)


def booking_refs(ids: np.ndarray) -> np.ndarray:
    """Unique, non-sequential looking refs: an invertible scramble of the id, base 34."""
    modulus = 34**7
    return np.char.add("TB", base36((ids * 2_654_435_761) % modulus, 7))


def _destination(rng, ctx: Context, month: np.ndarray) -> np.ndarray:
    cat = ctx.cat
    season = np.where(cat.dest_peak[:, 1:], 1.8, 0.6).T  # (12, n_dest)
    weights = season * cat.dest_weight[None, :]
    cum = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(month))
    return np.minimum((u[:, None] > cum[month - 1]).sum(axis=1), len(cat.dest_name) - 1)


def generate_requests(ctx: Context, ch: Chunk) -> dict[str, dict]:
    plan, par = ctx.plan, ctx.parties
    rng = rng_for(plan.seed, 10, ch.number)
    lo = ch.number * plan.chunk_bookings
    hi = min(plan.bookings, lo + plan.chunk_bookings)
    nb = hi - lo
    booked_at = np.sort(ts(plan.start, ctx.booking_days[lo:hi], rng.uniform(2.5 * 3600, 16.5 * 3600, nb)))
    nn = int(round(nb * CONVERSION_EXTRA_REQUESTS))
    n = nb + nn
    conv = np.arange(n) < nb

    send_lag = rng.lognormal(np.log(7.0), 0.8, n)
    decide_lag = rng.gamma(2.0, 30.0, n)
    responded = np.empty(n, dtype="datetime64[us]")
    responded[:nb] = booked_at - hours(rng.uniform(0.05, 2.0, nb))
    sent = np.empty(n, dtype="datetime64[us]")
    sent[:nb] = responded[:nb] - hours(decide_lag[:nb])
    requested = np.empty(n, dtype="datetime64[us]")
    requested[:nb] = sent[:nb] - hours(send_lag[:nb])
    nc_day = rng.choice(ctx.booking_days[lo:hi], nn) - rng.integers(0, 4, nn)
    requested[nb:] = ts(plan.start, nc_day, rng.uniform(2.0 * 3600, 17.0 * 3600, nn))
    sent[nb:] = requested[nb:] + hours(send_lag[nb:])
    responded[nb:] = sent[nb:] + hours(decide_lag[nb:])

    order = np.argsort(requested, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    req_ids = ctx.ids.take("quote_requests", n)[rank]
    req_day = to_day(plan.start, requested)

    agency = rng.choice(len(par.agency_weight), size=n, p=par.agency_weight / par.agency_weight.sum())
    early = par.agency_onboard_day[agency] > req_day
    veterans = np.flatnonzero(par.agency_onboard_day <= 0)
    agency[early] = rng.choice(veterans, size=int(early.sum()))
    agent = par.agent_offsets[agency] + np.floor(rng.random(n) * par.agent_counts[agency]).astype(np.int64)
    own = par.agency_currency[agency]
    keep = rng.random(n) < np.where(own == CUR_INDEX["INR"], 0.95, 0.88)
    currency = np.where(keep | (own == CUR_INDEX["USD"]), own, CUR_INDEX["USD"])

    lead = 3 + np.rint(rng.gamma(1.6, 36.0, n)).astype(np.int64)
    anchor = to_day(plan.start, np.concatenate([booked_at, requested[nb:]]))
    travel_start = dates(plan.start, anchor + lead)
    month = travel_start.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dest = _destination(rng, ctx, month)
    nights = np.clip(rng.poisson(4.5, n) + 2, 2, 14)
    travel_end = travel_start + nights.astype("timedelta64[D]")
    adults = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.12, 0.5, 0.12, 0.14, 0.06, 0.06])
    children = rng.choice([0, 1, 2], size=n, p=[0.7, 0.2, 0.1])
    budget = rng.choice(3, size=n, p=[0.3, 0.5, 0.2])

    # Customers: a run of requests from one agency reuses a traveller 22% of the time.
    has_cust = conv | (rng.random(n) < 0.8)
    cidx = np.flatnonzero(has_cust)
    srt = cidx[np.lexsort((requested[cidx], agency[cidx]))]
    first_of_agency = np.ones(len(srt), dtype=bool)
    first_of_agency[1:] = agency[srt][1:] != agency[srt][:-1]
    new = first_of_agency | (rng.random(len(srt)) < 0.78)
    local = np.cumsum(new) - 1
    cust_ids = ctx.ids.take("customers", int(new.sum()))
    customer = np.zeros(n, dtype=np.int64)
    customer[srt] = cust_ids[local]
    customers = _customers(rng, ctx, agency[srt][new], requested[srt][new], cust_ids)

    # Itineraries attach to some requests (generated later, ids reserved now).
    with_itin = rng.random(n) < 0.04
    itin_ids = np.zeros(n, dtype=np.int64)
    itin_ids[with_itin] = ctx.ids.take("itineraries", int(with_itin.sum()))

    ch.nb, ch.n = nb, n
    ch.conv, ch.req_ids, ch.requested, ch.sent, ch.responded = conv, req_ids, requested, sent, responded
    ch.agency, ch.agent, ch.currency, ch.dest = agency, agent, currency, dest
    ch.travel_start, ch.travel_end, ch.nights = travel_start, travel_end, nights
    ch.adults, ch.children, ch.budget, ch.customer = adults, children, budget, customer
    ch.has_cust, ch.with_itin, ch.itin_ids, ch.booked_at = has_cust, with_itin, itin_ids, booked_at
    ch.order = order
    return {"customers": customers}


def _customers(rng, ctx: Context, agency: np.ndarray, first_seen: np.ndarray, ids: np.ndarray) -> dict:
    words = names()
    n = len(ids)
    first = np.array(words["first"], dtype=object)[rng.integers(0, len(words["first"]), n)]
    last = np.array(words["last"], dtype=object)[rng.integers(0, len(words["last"]), n)]
    has_email = rng.random(n) < 0.9
    email = [f"{f.lower()}.{l.lower()}.{i}@mail.example.com" for f, l, i in zip(first, last, ids)]
    country = np.array(ctx.parties.agency_country, dtype=object)[agency]
    abroad = rng.random(n) < 0.1
    country = np.where(abroad, rng.choice(["IN", "US", "GB", "AE", "SG", "FR", "DE", "AU"], size=n), country)
    created = first_seen - hours(rng.uniform(0.1, 72.0, n))
    deleted = rng.random(n) < 0.005
    deleted_at = np.minimum(first_seen + np.timedelta64(200, "D"), np.datetime64(ctx.plan.end.replace(tzinfo=None), "us") - np.timedelta64(1, "h"))
    deleted = deleted & (deleted_at > created)
    return {
        "id": ids, "agency_id": agency + 1, "first_name": first, "last_name": last,
        "email": nullable(email, ~has_email),
        "phone": [f"+{c} {p}" for c, p in zip(rng.integers(30, 99, n), rng.integers(7_000_000_000, 9_999_999_999, n))],
        "country_code": country,
        "acquisition_channel": rng.choice(CHANNELS, size=n, p=CHANNEL_P),
        "created_at": created, "updated_at": np.where(deleted, deleted_at, created),
        "deleted_at": nullable(deleted_at, ~deleted),
    }


def generate_bookings(ctx: Context, ch: Chunk) -> None:
    """Booking-level arrays (cancellations, refs); totals come from the items."""
    plan = ctx.plan
    rng = rng_for(plan.seed, 11, ch.number)
    nb = ch.nb
    end = np.datetime64(plan.end.replace(tzinfo=None), "us")
    ch.booking_ids = ctx.ids.take("bookings", nb)
    ch.booking_refs = booking_refs(ch.booking_ids)
    ch.b_travel_start = ch.travel_start[:nb]
    start_ts = ch.b_travel_start.astype("datetime64[us]")
    span = (start_ts - ch.booked_at).astype(np.int64)
    cancel_at = ch.booked_at + (span * rng.uniform(0.05, 0.95, nb)).astype("timedelta64[us]")
    cancelled = (rng.random(nb) < CANCEL_RATE) & (cancel_at < end)
    ch.cancelled, ch.cancel_at = cancelled, cancel_at
    ch.margin = rng.uniform(0.12, 0.30, nb)
    ch.cancel_reason = np.array(CANCEL_REASONS, dtype=object)[rng.integers(0, len(CANCEL_REASONS), nb)]


def quote_tables(ctx: Context, ch: Chunk) -> dict[str, dict]:
    """quote_requests and quotes, in request time order, once booking totals are known."""
    plan = ctx.plan
    rng = rng_for(plan.seed, 12, ch.number)
    n, nb = ch.n, ch.nb
    end = np.datetime64(plan.end.replace(tzinfo=None), "us")
    as_of = np.datetime64(plan.as_of, "D")
    has_quote = ch.conv | (rng.random(n) < 0.85)
    status = np.where(ch.conv, "accepted", np.where(rng.random(n) < 0.5, "rejected", "expired")).astype(object)
    sent, responded = ch.sent.copy(), ch.responded.copy()
    valid_until = sent.astype("datetime64[D]") + np.timedelta64(14, "D")
    not_sent = sent >= end
    status[not_sent] = "draft"
    open_answer = ~not_sent & (status == "rejected") & (responded >= end)
    still_valid = ~not_sent & (status == "expired") & (valid_until >= as_of)
    status[open_answer | still_valid] = "sent"
    has_sent = status != "draft"
    has_resp = np.isin(status, ["accepted", "rejected"])

    # Estimated prices for quotes that did not convert: a daily cost per traveller.
    daily = 90.0 * ctx.cat.dest_cost_factor[ch.dest] * np.array([1.0, 1.6, 3.2])[ch.budget]
    trav = ch.adults + ch.children
    day = to_day(plan.start, ch.requested)
    eur_to = ctx.fx.factor(day, np.full(n, CUR_INDEX["EUR"]), ch.currency)
    est_cost = np.rint(daily * (ch.nights + 1) * trav * eur_to * rng.uniform(0.8, 1.2, n) * 100).astype(np.int64)
    est_sell = np.rint(est_cost * rng.uniform(1.12, 1.3, n)).astype(np.int64)
    est_cost[:nb], est_sell[:nb] = ch.total_cost, ch.total_sell

    q_mask = has_quote[ch.order]
    qo = ch.order[q_mask]
    qids = ctx.ids.take("quotes", len(qo))
    quote_of = np.zeros(n, dtype=np.int64)
    quote_of[qo] = qids
    ch.booking_quote = quote_of[:nb]
    staff = np.flatnonzero(np.isin(ctx.parties.staff_role, ["sales", "ops"])) + 1
    year = ch.requested[qo].astype("datetime64[Y]").astype(np.int64) + 1970
    q_updated = np.where(has_resp, responded, np.where(has_sent, sent, ch.requested))[qo]
    q_deleted = (~ch.conv[qo]) & (rng.random(len(qo)) < 0.003)
    quotes = {
        "id": qids,
        "quote_number": [f"QT-{y}-{i:07d}" for y, i in zip(year, qids)],
        "quote_request_id": ch.req_ids[qo], "agency_id": ch.agency[qo] + 1, "agent_id": ch.agent[qo] + 1,
        "prepared_by_staff_id": rng.choice(staff, size=len(qo)),
        "requested_at": ch.requested[qo],
        "sent_at": nullable(sent[qo], ~has_sent[qo]),
        "responded_at": nullable(responded[qo], ~has_resp[qo]),
        "valid_until": valid_until[qo],
        "currency": np.array(CURRENCIES, dtype=object)[ch.currency[qo]],
        "total_minor": est_sell[qo], "cost_minor": est_cost[qo], "status": status[qo],
        "created_at": ch.requested[qo] + hours(0.05), "updated_at": np.maximum(q_updated, ch.requested[qo] + hours(0.05)),
        "deleted_at": nullable(q_updated + hours(1), ~q_deleted),
    }

    o = ch.order
    recent = ch.requested >= end - np.timedelta64(7, "D")
    r_status = np.where(has_quote, np.where(np.isin(status, ["sent", "draft"]), "quoted", "closed"),
                        np.where(recent, "open", "closed")).astype(object)
    r_updated = np.where(has_quote, np.where(has_resp, responded, np.where(has_sent, sent, ch.requested)), ch.requested)
    r_updated = np.minimum(r_updated, end - np.timedelta64(1, "s"))
    r_deleted = (~ch.conv) & (~has_quote) & (rng.random(n) < 0.02)
    notes = np.array([None, "Honeymoon couple, wants sunset views", "Senior travellers, minimal walking",
                      "Vegetarian meals only", "Include a cooking class", "Family with young kids",
                      "Corporate incentive group", "Prefers heritage hotels"], dtype=object)
    requests = {
        "id": ch.req_ids[o], "agency_id": ch.agency[o] + 1, "agent_id": ch.agent[o] + 1,
        "customer_id": nullable(ch.customer[o], ~ch.has_cust[o]),
        "destination_id": ch.dest[o] + 1,
        "itinerary_id": nullable(ch.itin_ids[o], ~ch.with_itin[o]),
        "requested_at": ch.requested[o], "travel_start": ch.travel_start[o], "travel_end": ch.travel_end[o],
        "adults": ch.adults[o], "children": ch.children[o], "budget_level": BUDGETS[ch.budget[o]],
        "currency": np.array(CURRENCIES, dtype=object)[ch.currency[o]],
        "notes": notes[rng.choice(len(notes), size=n, p=[0.58] + [0.06] * 7)],
        "status": r_status[o], "created_at": ch.requested[o], "updated_at": r_updated[o],
        "deleted_at": nullable(r_updated[o] + hours(2), ~r_deleted[o]),
    }
    ch.r_has_quote, ch.q_status, ch.q_sent = has_quote, status, np.where(has_sent, sent, np.datetime64("NaT"))
    return {"quote_requests": requests, "quotes": quotes}


def booking_table(ctx: Context, ch: Chunk) -> dict:
    nb = ch.nb
    cur = np.array(CURRENCIES, dtype=object)[ch.currency[:nb]]
    reason = nullable(ch.cancel_reason, ~ch.cancelled)
    deleted = np.zeros(nb, dtype=bool)
    deleted[::997] = ch.cancelled[::997]  # a handful of cancelled test bookings were removed
    return {
        "id": ch.booking_ids, "booking_ref": ch.booking_refs,
        "agency_id": ch.agency[:nb] + 1, "agent_id": ch.agent[:nb] + 1, "customer_id": ch.customer[:nb],
        "quote_id": ch.booking_quote, "destination_id": ch.dest[:nb] + 1, "booked_at": ch.booked_at,
        "travel_start": ch.travel_start[:nb], "travel_end": ch.travel_end[:nb],
        "travellers": ch.adults[:nb] + ch.children[:nb], "currency": cur,
        "total_sell_minor": ch.total_sell, "total_cost_minor": ch.total_cost, "status": ch.b_status,
        "cancelled_at": nullable(ch.cancel_at, ~ch.cancelled), "cancellation_reason": reason,
        "created_at": ch.booked_at, "updated_at": ch.b_updated,
        "deleted_at": nullable(ch.b_updated, ~deleted),
    }
