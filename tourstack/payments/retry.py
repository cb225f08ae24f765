"""Retrying failed payments on a schedule (dunning), and the job that heals everything else.

Only payments made with a saved method (`payment_method_reference`, e.g. a Stripe card on file)
can be retried without the payer; each retry is a new attempt (its own row and idempotency key
`retry-<original>-<n>`) linked by `retry_of_payment_id`, so the history of attempts stays
visible. Retries follow retry_policy.RETRY_DELAYS after the failure (1, 3 and 7 days); hard
declines (stolen or lost card, fraud) are never retried, nor a booking with nothing left to pay.

`run_payments_maintenance` is what the payments schedule runs; each step is idempotent. Refunds
are resent before stored webhook events are retried, so a refund event parked while its refund
had no answer is applied in the same run once the refund is named.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Payment
from tourstack.payments.bank_matching import match_bank_lines
from tourstack.payments.errors import Invalid, PaymentsError
from tourstack.payments.gateway import Gateway, GatewayError
from tourstack.payments.invoice_link import apply_unapplied_payments
from tourstack.payments.plans import outstanding_minor
from tourstack.payments.refunds import submit_pending_refunds
from tourstack.payments.routing import NoGatewayAvailable, PaymentRouter
from tourstack.payments.retry_policy import schedule_retry
from tourstack.payments.service import PaymentInput, take_payment
from tourstack.payments.webhooks import dead_lettered_count, retry_events

log = logging.getLogger("tourstack.payments.maintenance")
# Gateways whose fee is read after the charge (and may be unknown when it succeeds), and how
# far back a fee of 0 on a succeeded payment is taken to mean "not read yet".
FEE_READ_LATER = frozenset({"stripe"})
FEE_LOOKBACK = dt.timedelta(days=7)

def retry_due_payments(session: Session, router: PaymentRouter, *, now: dt.datetime) -> dict[str, int]:
    """Retry every failed payment whose retry is due; returns counts per outcome."""
    counts = {"succeeded": 0, "failed": 0, "pending": 0, "skipped": 0}
    for failed in list(session.scalars(select(Payment).where(
            Payment.status == "failed", Payment.next_retry_at.is_not(None), Payment.next_retry_at <= now))):
        failed.next_retry_at = None
        booking = session.get(Booking, failed.booking_id)
        amount = min(failed.amount_minor, outstanding_minor(session, booking))
        if amount <= 0 or booking.status not in ("pending", "confirmed"):
            counts["skipped"] += 1
            continue
        attempt_no = failed.retry_count + 1
        try:
            result = take_payment(session, PaymentInput(
                booking=booking, idempotency_key=f"retry-{failed.id}-{attempt_no}", amount_minor=amount,
                installment_id=failed.installment_id, gateway=failed.gateway,
                payment_method=failed.payment_method_reference), router, now=now)
        except Invalid:  # the routing rules no longer allow this retry: it will not get better
            counts["skipped"] += 1
            continue
        except (NoGatewayAvailable, PaymentsError):
            failed.next_retry_at = now + dt.timedelta(hours=1)  # try again on the next run
            counts["skipped"] += 1
            continue
        new = result.payment
        new.retry_of_payment_id = failed.id
        new.retry_count = attempt_no
        schedule_retry(new, now=now)
        counts[new.status] += 1
    session.flush()
    return counts


def fill_missing_fees(session: Session, gateways: Mapping[str, Gateway], *, now: dt.datetime,
                      limit: int = 200) -> int:
    """Read the fees a successful charge could not report at once (the fee look-up timed out)."""
    filled = 0
    for payment in list(session.scalars(select(Payment).where(
            Payment.gateway.in_(FEE_READ_LATER), Payment.status == "succeeded", Payment.fee_minor == 0,
            Payment.attempted_at >= now - FEE_LOOKBACK).order_by(Payment.id).limit(limit))):
        gateway = gateways.get(payment.gateway)
        if gateway is None:
            continue
        try:
            fee = gateway.fetch(payment.gateway_reference).fee_minor
        except GatewayError as exc:
            log.warning("fee of payment %s still unknown: %s", payment.id, exc)
            continue
        if fee:
            payment.fee_minor = fee
            filled += 1
    session.flush()
    return filled


@dataclass(frozen=True)
class MaintenanceReport:
    payments: dict[str, int]
    webhook_events: dict[str, int]
    refunds_sent: int
    bank_transfers_matched: int
    fees_filled: int = 0
    invoices_refreshed: int = 0
    dead_lettered_events: int = 0


def run_payments_maintenance(session: Session, router: PaymentRouter, gateways: Mapping[str, Gateway],
                             *, now: dt.datetime) -> MaintenanceReport:
    """What the payments schedule runs: bank lines, unsent refunds, stored webhooks, missing
    fees, invoices issued after their payments, then due payment retries."""
    matched = match_bank_lines(session, now=now)
    sent = submit_pending_refunds(session, gateways, now=now)
    session.commit()
    events = retry_events(session, gateways=gateways, now=now)
    fees = fill_missing_fees(session, gateways, now=now)
    invoices = apply_unapplied_payments(session, now=now)
    session.commit()
    payments = retry_due_payments(session, router, now=now)
    session.commit()
    dead = dead_lettered_count(session)
    if dead:
        log.error("%d webhook events are dead-lettered; see GET /api/v1/webhook-events?status=dead_lettered", dead)
    return MaintenanceReport(payments, events, sent, matched, fees, invoices, dead)
