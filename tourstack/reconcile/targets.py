"""Receivables beyond issued invoices: bookings not invoiced yet, and installments of a plan.

Why bookings: deposits are usually paid before the invoice is issued (or the invoice is never
drafted for a small booking), so matching only against invoices leaves that money in the
exception queue for weeks. A booking without an issued invoice is therefore a receivable of its
own, keyed `BOOKING <booking_ref>` so it can never collide with an invoice number; once the
invoice is issued, the invoice replaces it on the next run.

Why installments after matching: which installment a payment pays is not evidence for the
match (agents quote the booking, not "installment 2"), it follows from the plan: money matched
to a booking is applied to its installments in sequence order, oldest transaction first, the
same waterfall tourstack.payments.plans uses for statuses. Manual allocations count first
(they are not split), then each automatic allocation is split into one row per installment it
covers; what exceeds the plan keeps no installment. Refunds are not attributed to installments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import polars as pl
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from tourstack.db.models import (
    Agency,
    Booking,
    Customer,
    Installment,
    Invoice,
    PaymentPlan,
    ReconciliationMatch,
)

BOOKING_KEY_PREFIX = "BOOKING "
ISSUED_STATUSES_EXCLUDED = ("draft", "void", "pending_approval", "approved")
RECEIVABLE_SCHEMA = {"invoice_number": pl.String, "booking_ref": pl.String, "agency": pl.String,
                     "customer_name": pl.String, "amount_due": pl.Int64, "currency": pl.String,
                     "issued_on": pl.Date, "due_on": pl.Date}


@dataclass(frozen=True)
class Target:
    """Where a receivable key points: an invoice (and its booking) or a booking alone."""

    invoice_id: int | None
    booking_id: int


def issued_invoice_filter():
    return (Invoice.invoice_number.is_not(None), Invoice.kind == "invoice",
            Invoice.status.not_in(ISSUED_STATUSES_EXCLUDED))


def load_booking_receivables(session: Session) -> tuple[pl.DataFrame, dict[str, Target]]:
    """Live bookings that have no issued invoice, as receivables of what the customer owes: the
    latest payment plan's total (it includes the tax the invoice will carry), else the sell total."""
    invoiced = exists().where(Invoice.booking_id == Booking.id, *issued_invoice_filter())
    latest_plan = (select(func.max(PaymentPlan.id)).where(PaymentPlan.booking_id == Booking.id,
                                                          PaymentPlan.currency == Booking.currency)
                   .correlate(Booking).scalar_subquery())
    plan_total = select(PaymentPlan.total_minor).where(PaymentPlan.id == latest_plan).scalar_subquery()
    due_on = (select(func.max(Installment.due_on)).where(Installment.payment_plan_id == latest_plan)
              .scalar_subquery())
    rows = session.execute(
        select(Booking.id, Booking.booking_ref, Agency.name, Customer.first_name, Customer.last_name,
               func.coalesce(plan_total, Booking.total_sell_minor), Booking.currency, Booking.booked_at,
               Booking.travel_start, due_on)
        .join(Agency, Agency.id == Booking.agency_id).join(Customer, Customer.id == Booking.customer_id)
        .where(Booking.deleted_at.is_(None), Booking.total_sell_minor > 0, ~invoiced)).all()
    frame = pl.DataFrame(
        [(BOOKING_KEY_PREFIX + ref, ref, agency, f"{first} {last}", total, cur, booked.date(),
          plan_due or travel_start)
         for _, ref, agency, first, last, total, cur, booked, travel_start, plan_due in rows],
        schema=RECEIVABLE_SCHEMA, orient="row")
    return frame, {BOOKING_KEY_PREFIX + r[1]: Target(None, r[0]) for r in rows}


def split_by_installment(session: Session, matches: list[dict]) -> list[dict]:
    """Split automatic match rows (positive, with a booking_id) across the booking's plan."""
    bookings = sorted({m["booking_id"] for m in matches if m["amount_minor"] > 0 and m["booking_id"]})
    plans = _installments(session, bookings)
    if not plans:
        return matches
    already = _manual_by_booking(session, list(plans))
    capacity: dict[int, list[list[int]]] = {}
    for booking_id, installments in plans.items():
        left = already.get(booking_id, 0)
        slots = []
        for inst_id, amount, currency in installments:
            take = min(amount, max(left, 0))
            left -= take
            slots.append([inst_id, amount - take, currency])
        capacity[booking_id] = slots
    out: list[dict] = []
    order = sorted(range(len(matches)), key=lambda k: (matches[k]["booked_on"], matches[k]["txn_key"], k))
    pieces: dict[int, list[dict]] = defaultdict(list)
    for k in order:
        row = matches[k]
        slots = capacity.get(row["booking_id"]) if row["amount_minor"] > 0 else None
        if not slots or any(s[2] != row["currency"] for s in slots):
            pieces[k].append(row)
            continue
        left = row["amount_minor"]
        for slot in slots:
            if left == 0:
                break
            take = min(slot[1], left)
            if take > 0:
                pieces[k].append({**row, "amount_minor": take, "installment_id": slot[0]})
                slot[1] -= take
                left -= take
        if left:
            pieces[k].append({**row, "amount_minor": left, "installment_id": None})
    for k in range(len(matches)):  # keep the engine's order for everything else
        out.extend(pieces[k])
    return out


def _installments(session: Session, bookings: list[int]) -> dict[int, list[tuple[int, int, str]]]:
    """The latest plan's installments per booking, in sequence order."""
    found: dict[int, list[tuple[int, int, str]]] = {}
    latest = (select(PaymentPlan.booking_id, func.max(PaymentPlan.id).label("plan_id"))
              .group_by(PaymentPlan.booking_id).subquery())
    for start in range(0, len(bookings), 5000):
        chunk = bookings[start:start + 5000]
        rows = session.execute(
            select(latest.c.booking_id, Installment.id, Installment.amount_minor, Installment.currency)
            .join(Installment, Installment.payment_plan_id == latest.c.plan_id)
            .where(latest.c.booking_id.in_(chunk), Installment.status != "cancelled")
            .order_by(latest.c.booking_id, Installment.sequence)).all()
        for booking_id, inst_id, amount, currency in rows:
            found.setdefault(booking_id, []).append((inst_id, amount, currency))
    return found


def _manual_by_booking(session: Session, bookings: list[int]) -> dict[int, int]:
    totals: dict[int, int] = {}
    for start in range(0, len(bookings), 5000):
        chunk = bookings[start:start + 5000]
        for booking_id, amount in session.execute(
                select(ReconciliationMatch.booking_id, func.sum(ReconciliationMatch.amount_minor))
                .where(ReconciliationMatch.origin == "manual", ReconciliationMatch.booking_id.in_(chunk))
                .group_by(ReconciliationMatch.booking_id)):
            totals[booking_id] = int(amount or 0)
    return totals
