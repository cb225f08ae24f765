"""Booking status, customer ratings and staff tasks with SLA timestamps.

Why derive status last: a booking's status is a summary of everything else (cancellation,
supplier confirmations, payments, travel dates), so it is computed from those arrays rather
than drawn at random.
"""

from __future__ import annotations

import numpy as np

from tourstack.demo.context import Chunk, Context
from tourstack.demo.util import hours, nullable, rng_for

COMMENTS = {
    5: ["Flawless trip, the guide was superb.", "Everything ran like clockwork.", "Best holiday we have had."],
    4: ["Very good, one transfer was late.", "Lovely hotels, busy schedule.", "Great value overall."],
    3: ["Fine, but the hotel was noisy.", "Average guide, good sights.", None],
    2: ["Driver was late twice.", "Room did not match the photos.", None],
    1: ["Poor organisation, not recommended.", "Hotel booking was lost on arrival."],
}


def finalise_bookings(ctx: Context, ch: Chunk) -> None:
    end = np.datetime64(ctx.plan.end.replace(tzinfo=None), "us")
    as_of = np.datetime64(ctx.plan.as_of, "D")
    nb = ch.nb
    travel_end = ch.travel_end[:nb]
    completed = ~ch.cancelled & (travel_end < as_of)
    status = np.where(ch.cancelled, "cancelled", np.where(completed, "completed", np.where(
        ch.all_paid, "paid", np.where(ch.all_confirmed, "confirmed", "pending")))).astype(object)
    updated = np.maximum(ch.booked_at, ch.last_confirmed)
    last_paid = np.where(np.isnat(ch.last_paid), ch.booked_at, ch.last_paid)
    updated = np.maximum(updated, last_paid)
    updated = np.where(ch.cancelled, np.maximum(updated, ch.cancel_at), updated)
    trip_done = travel_end.astype("datetime64[us]") + hours(2)
    updated = np.where(completed, np.maximum(updated, trip_done), updated)
    ch.b_status = status
    ch.b_updated = np.minimum(updated, end - np.timedelta64(1, "s"))
    ch.completed = completed


def ratings(ctx: Context, ch: Chunk) -> dict:
    rng = rng_for(ctx.plan.seed, 16, ch.number)
    end = np.datetime64(ctx.plan.end.replace(tzinfo=None), "us")
    nb = ch.nb
    rated_at = ch.travel_end[:nb].astype("datetime64[us]") + hours(rng.uniform(12, 14 * 24, nb))
    idx = np.flatnonzero(ch.completed & (rng.random(nb) < 0.35) & (rated_at < end))
    score = rng.choice([5, 4, 3, 2, 1], size=len(idx), p=[0.45, 0.35, 0.12, 0.05, 0.03])
    comments = np.array([COMMENTS[s][rng.integers(0, len(COMMENTS[s]))] for s in score], dtype=object)
    # The hotel of the stay is rated half of the time (the first item of a booking is a hotel).
    first_item = np.concatenate([[0], np.cumsum(np.bincount(ch.item_bidx, minlength=nb))[:-1]])
    hotel = ch.item_supplier[first_item][idx] + 1
    with_supplier = rng.random(len(idx)) < 0.5
    deleted = rng.random(len(idx)) < 0.005
    return {
        "id": ctx.ids.take("customer_ratings", len(idx)), "booking_id": ch.booking_ids[idx],
        "customer_id": ch.customer[:nb][idx], "supplier_id": nullable(hotel, ~with_supplier),
        "score": score, "comment": nullable(comments, np.array([c is None for c in comments], dtype=bool)),
        "rated_at": rated_at[idx], "created_at": rated_at[idx], "updated_at": rated_at[idx],
        "deleted_at": nullable(np.minimum(rated_at[idx] + hours(48), end - np.timedelta64(1, "s")), ~deleted),
    }


def staff_tasks(ctx: Context, ch: Chunk) -> dict:
    """A response task per quote request (SLA 24 h) and a supplier-confirmation task per booking (48 h)."""
    rng = rng_for(ctx.plan.seed, 17, ch.number)
    end = np.datetime64(ctx.plan.end.replace(tzinfo=None), "us")
    role = ctx.parties.staff_role
    sales = np.flatnonzero(np.isin(role, ["sales", "ops"])) + 1
    ops = np.flatnonzero(role == "ops") + 1
    o = ch.order
    n, nb = ch.n, ch.nb
    # Quote request tasks.
    q_opened = ch.requested[o]
    q_done = ch.q_sent[o]
    q_has_done = ~np.isnat(q_done)
    q_closed_no_quote = ~ch.r_has_quote[o] & (q_opened < end - np.timedelta64(7, "D"))
    q_started = q_opened + (np.where(q_has_done, (q_done - q_opened).astype(np.int64), 3_600_000_000) * rng.uniform(0.1, 0.6, n)).astype("timedelta64[us]")
    q_started_ok = q_started < end
    q_status = np.where(q_has_done, "done", np.where(q_closed_no_quote, "cancelled", np.where(q_started_ok, "in_progress", "open"))).astype(object)
    q_updated = np.where(q_has_done, q_done, np.where(q_closed_no_quote, q_opened + hours(72), np.where(q_started_ok, q_started, q_opened)))
    # Booking confirmation tasks.
    b_opened = ch.booked_at
    b_done = np.where(ch.all_confirmed, ch.last_confirmed, np.datetime64("NaT"))
    b_has_done = ch.all_confirmed
    b_cancel = ch.cancelled & ~ch.all_confirmed
    b_started = b_opened + hours(rng.uniform(0.05, 1.0, nb))
    b_started_ok = b_started < end
    b_status = np.where(b_has_done, "done", np.where(b_cancel, "cancelled", np.where(b_started_ok, "in_progress", "open"))).astype(object)
    b_updated = np.where(b_has_done, b_done, np.where(b_cancel, np.maximum(ch.cancel_at, b_opened), np.where(b_started_ok, b_started, b_opened)))

    kind = np.concatenate([np.full(n, "respond_quote_request", dtype=object), np.full(nb, "confirm_suppliers", dtype=object)])
    opened = np.concatenate([q_opened, b_opened])
    started = np.concatenate([q_started, b_started])
    started_null = np.concatenate([~q_started_ok | (q_status == "cancelled"), ~b_started_ok])
    done = np.concatenate([q_done, b_done])
    done_null = np.concatenate([~q_has_done, ~b_has_done])
    updated = np.minimum(np.concatenate([q_updated, b_updated]), end - np.timedelta64(1, "s"))
    staff = np.concatenate([rng.choice(sales, size=n), rng.choice(ops, size=nb)])
    unassigned = np.concatenate([q_status == "open", b_status == "open"]) & (rng.random(n + nb) < 0.5)
    order = np.argsort(opened, kind="stable")
    qr = np.concatenate([ch.req_ids[o], np.zeros(nb, dtype=np.int64)])
    bk = np.concatenate([np.zeros(n, dtype=np.int64), ch.booking_ids])
    is_q = np.arange(n + nb) < n
    sla = opened + hours(np.where(is_q, 24.0, 48.0))
    return {
        "id": ctx.ids.take("staff_tasks", n + nb), "kind": kind[order],
        "staff_user_id": nullable(staff[order], unassigned[order]),
        "quote_request_id": nullable(qr[order], ~is_q[order]), "booking_id": nullable(bk[order], is_q[order]),
        "status": np.concatenate([q_status, b_status])[order], "opened_at": opened[order], "sla_due_at": sla[order],
        "started_at": nullable(started[order], started_null[order]),
        "completed_at": nullable(done[order], done_null[order]),
        "priority": rng.choice([1, 2, 3, 4, 5], size=n + nb, p=[0.05, 0.2, 0.5, 0.2, 0.05]),
        "created_at": opened[order], "updated_at": np.maximum(updated[order], opened[order]),
    }
