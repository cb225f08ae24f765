"""Refunds (full or partial, with approval above a threshold) and chargebacks.

A refund can never exceed what is still refundable on its payment: the amount paid less the
refunds already succeeded or pending (pending ones count so two requests cannot both take the
last rupee) and lost chargebacks. Every step (request, approval, payout by hand, the gateway's
answer) locks the payment's booking and then the payment (tourstack.payments.locks) and checks
under that lock, so concurrent requests are decided one after the other; the database refuses
on its own any refund row that would take the payment's refunds above its amount (migration
0014), and that refusal is a 409 too. A refund larger than the payment itself is invalid (422);
one that is larger than what earlier refunds left is a conflict (409, exceeds-remaining). Above the approval threshold of its currency a refund waits, status
`pending` with `approval_required`, until someone other than the requester approves it; only
then is it sent to the gateway. A gateway outage leaves an approved refund pending with the
reason noted; `submit_pending_refunds` (run by the payments schedule) sends it again. A timeout
does not say whether the gateway made the refund, so a resend first asks the gateway for a
refund carrying our key (`find_refund`: Razorpay has no idempotency on refunds, Stripe keeps its
keys for a day only) and adopts it; only if there is none is the refund sent again, with the
same key. The key also travels with the refund, so its webhook finds this row (see webhooks).
A gateway refund id is recorded once: (gateway, gateway_reference) is unique.

Bank-transfer refunds are paid out by hand: finance records the bank's reference, the date and
who recorded it (`record_manual_refund`).

Chargebacks arrive from gateway webhooks (or are entered by hand for bank transfers): opened
with the evidence due date, then won or lost. A lost dispute counts against the money received
for the booking, exactly like a refund; a closed dispute never reopens.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Dispute, Payment, Refund
from tourstack.db.rules import refused_as
from tourstack.payments.bank_transfer import NAME as BANK_TRANSFER
from tourstack.payments.errors import Conflict, ExceedsRemaining, Invalid, NotFound
from tourstack.payments.gateway import (
    Gateway,
    GatewayError,
    GatewayPayment,
    GatewayRefund,
    GatewayUnavailable,
    refund_key,
)
from tourstack.payments.locks import lock_payment
from tourstack.payments.plans import refresh_booking

log = logging.getLogger("tourstack.payments.refunds")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def sendable() -> ColumnElement[bool]:
    """Refunds due at the gateway but without its answer yet: pending, unnamed, not waiting
    for approval."""
    return and_(Refund.status == "pending", Refund.gateway_reference == "",
                or_(Refund.approval_required.is_(False), Refund.approved_at.is_not(None)))


def refundable_minor(session: Session, payment: Payment, *, exclude_refund_id: int | None = None) -> int:
    stmt = select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(
        Refund.payment_id == payment.id, Refund.status.in_(("succeeded", "pending")))
    if exclude_refund_id is not None:
        stmt = stmt.where(Refund.id != exclude_refund_id)
    lost = session.scalar(select(func.coalesce(func.sum(Dispute.amount_minor), 0)).where(
        Dispute.payment_id == payment.id, Dispute.status == "lost"))
    return payment.amount_minor - int(session.scalar(stmt)) - int(lost)


def _as_gateway_payment(payment: Payment) -> GatewayPayment:
    return GatewayPayment(payment.gateway, payment.gateway_reference, payment.status, payment.amount_minor,
                          payment.currency, payment.method, capture_reference=payment.capture_reference)


def request_refund(session: Session, payment: Payment, amount_minor: int | None, reason: str,
                   *, requested_by_key_id: int | None, thresholds: Mapping[str, int],
                   gateways: Mapping[str, Gateway], now: dt.datetime | None = None) -> Refund:
    """Create a refund; send it at once unless it needs approval. `amount_minor` None = all."""
    now = now or _now()
    if amount_minor is not None and amount_minor <= 0:
        raise Invalid("the refund amount must be positive")
    payment = lock_payment(session, payment.id)
    if payment.status != "succeeded":
        raise Conflict("only a succeeded payment can be refunded")
    if amount_minor is not None and amount_minor > payment.amount_minor:
        raise Invalid(f"the refund exceeds the payment ({payment.amount_minor} minor units)")
    refundable = refundable_minor(session, payment)
    amount = refundable if amount_minor is None else amount_minor
    if amount <= 0:
        raise ExceedsRemaining("nothing is left to refund on this payment")
    if amount > refundable:
        raise ExceedsRemaining(f"the refund exceeds what is still refundable ({refundable} of "
                               f"{payment.amount_minor} minor units)")
    threshold = thresholds.get(payment.currency, thresholds.get("*"))
    refund = Refund(payment_id=payment.id, gateway=payment.gateway, amount_minor=amount, currency=payment.currency,
                    reason=reason[:64], status="pending", gateway_reference="", refunded_at=now,
                    approval_required=threshold is not None and amount > threshold,
                    requested_by_key_id=requested_by_key_id)
    session.add(refund)
    with refused_as(ExceedsRemaining):
        session.flush()
    if not refund.approval_required:
        submit_refund(session, refund, gateways, now=now)
    return refund


def approve_refund(session: Session, refund: Refund, *, approver_key_id: int | None,
                   gateways: Mapping[str, Gateway], now: dt.datetime | None = None) -> Refund:
    now = now or _now()
    payment = lock_payment(session, refund.payment_id)
    refund = _locked(session, refund)
    if not refund.approval_required or refund.approved_at is not None:
        raise Conflict("this refund does not wait for approval")
    if refund.status != "pending":
        raise Conflict(f"the refund is {refund.status}")
    if approver_key_id is not None and approver_key_id == refund.requested_by_key_id:
        raise Conflict("a refund must be approved by someone other than its requester")
    if refund.amount_minor > refundable_minor(session, payment, exclude_refund_id=refund.id):
        raise ExceedsRemaining("the payment no longer has enough left to refund")
    refund.approved_at = now
    refund.approved_by_key_id = approver_key_id
    session.flush()
    submit_refund(session, refund, gateways, now=now)
    return refund


def _locked(session: Session, refund: Refund) -> Refund:
    """The refund re-read under a row lock (its payment is locked already): its status is what
    the last committed step left, not what this session read before waiting for the lock."""
    session.refresh(refund, with_for_update=True)
    return refund


def submit_refund(session: Session, refund: Refund, gateways: Mapping[str, Gateway],
                  *, now: dt.datetime | None = None, resend: bool = False) -> Refund:
    """Send the refund to its payment's gateway under `refund-<id>`. On a `resend` (an earlier
    attempt got no answer) adopt the gateway's refund under that key if there is one."""
    payment = session.get(Payment, refund.payment_id)
    gateway = gateways.get(payment.gateway)
    if gateway is None:
        refund.failure_reason = f"gateway {payment.gateway} is not configured"
        session.flush()
        return refund
    refund.gateway = refund.gateway or payment.gateway
    key = refund_key(refund.id)
    if resend:
        try:
            found = gateway.find_refund(_as_gateway_payment(payment), key)
        except GatewayError as exc:  # without the look-up a resend could pay twice: wait
            refund.failure_reason = f"look-up before resending failed: {exc}"[:200]
            session.flush()
            return refund
        if found is not None:
            return _record_gateway_refund(session, refund, found, now=now)
    try:
        result = gateway.refund(_as_gateway_payment(payment), refund.amount_minor, key, refund.reason)
    except GatewayUnavailable as exc:  # unknown whether it was made: looked up and resent later
        refund.failure_reason = str(exc)[:200]
        session.flush()
        return refund
    except GatewayError as exc:
        refund.status, refund.failure_reason = "failed", str(exc)[:200]
        session.flush()
        return refund
    return _record_gateway_refund(session, refund, result, now=now)


def _record_gateway_refund(session: Session, refund: Refund, result: GatewayRefund,
                           *, now: dt.datetime | None) -> Refund:
    twin = session.scalar(select(Refund).where(Refund.gateway == refund.gateway, Refund.id != refund.id,
                                               Refund.gateway_reference == result.reference))
    if twin is not None:
        # A webhook already recorded this gateway refund on its own row (an event without our
        # key): that row counts it, this one must not count it again.
        log.error("refund %s is gateway refund %s, already recorded as refund %s; marking it failed",
                  refund.id, result.reference, twin.id)
        refund.status, refund.failure_reason = "failed", f"recorded as refund {twin.id} ({result.reference})"
        session.flush()
        return refund
    refund.gateway_reference = result.reference
    refund.failure_reason = None
    session.flush()
    apply_refund_state(session, refund, result.status, now=now)
    return refund


def apply_refund_state(session: Session, refund: Refund, status: str, *, now: dt.datetime | None = None) -> bool:
    """pending -> succeeded | failed; a settled refund never changes again. Decided under the
    booking's and payment's locks on the refund's committed status."""
    if status == "pending":
        return False
    with session.no_autoflush:
        payment = lock_payment(session, refund.payment_id)
        if refund in session and refund.id is not None:
            session.refresh(refund, ["status"], with_for_update=True)
    if refund.status != "pending":
        return False
    refund.status = status
    if status == "succeeded":
        refund.refunded_at = now or _now()
    with refused_as(ExceedsRemaining):
        session.flush()
    refresh_booking(session, session.get(Booking, payment.booking_id), today=(now or _now()).date())
    return True


def submit_pending_refunds(session: Session, gateways: Mapping[str, Gateway], *, now: dt.datetime | None = None) -> int:
    """Re-send approved (or approval-free) refunds a gateway outage left without an answer."""
    sent = 0
    for refund in list(session.scalars(select(Refund).where(sendable()).order_by(Refund.id))):
        lock_payment(session, refund.payment_id)
        refund = _locked(session, refund)
        waiting = refund.approval_required and refund.approved_at is None
        if refund.status != "pending" or refund.gateway_reference or waiting:
            continue  # sent or settled meanwhile by another run or an approval
        submit_refund(session, refund, gateways, now=now, resend=True)
        sent += refund.gateway_reference != ""
    return sent


def record_manual_refund(session: Session, refund: Refund, *, reference: str, paid_on: dt.date,
                         recorded_by_key_id: int | None, now: dt.datetime | None = None) -> Refund:
    """A bank-transfer refund finance paid out from the bank: the bank's reference, the day it
    left the account and who recorded it. The refund counts from then on."""
    now = now or _now()
    payment = lock_payment(session, refund.payment_id)
    refund = _locked(session, refund)
    if payment.gateway != BANK_TRANSFER:
        raise Conflict(f"refund {refund.id} is paid by {payment.gateway}, not by hand")
    if refund.status != "pending":
        raise Conflict(f"refund {refund.id} is {refund.status}")
    if refund.approval_required and refund.approved_at is None:
        raise Conflict(f"refund {refund.id} waits for approval")
    reference = reference.strip()
    if not reference:
        raise Invalid("the bank reference is required")
    if paid_on > now.date():
        raise Invalid("the payout date is in the future")
    twin = session.scalar(select(Refund.id).where(Refund.gateway == BANK_TRANSFER, Refund.id != refund.id,
                                                  Refund.gateway_reference == reference))
    if twin is not None:
        raise Conflict(f"bank reference {reference} is already recorded for refund {twin}")
    refund.gateway, refund.gateway_reference, refund.failure_reason = BANK_TRANSFER, reference[:64], None
    refund.paid_out_by_key_id, refund.paid_out_recorded_at = recorded_by_key_id, now
    with refused_as(Conflict):  # the same bank reference recorded a moment ago for another refund
        session.flush()
    apply_refund_state(session, refund, "succeeded", now=now)
    refund.refunded_at = dt.datetime.combine(paid_on, dt.time(), dt.UTC)
    session.flush()
    log.info("refund %s paid out by hand: bank reference %s on %s, recorded by key %s",
             refund.id, refund.gateway_reference, paid_on, recorded_by_key_id)
    return refund


def get_refund(session: Session, refund_id: int) -> Refund:
    refund = session.get(Refund, refund_id)
    if refund is None:
        raise NotFound(f"refund {refund_id} not found")
    return refund


def open_dispute(session: Session, payment: Payment, *, reference: str | None, amount_minor: int,
                 currency: str, reason: str, evidence_due_on: dt.date | None,
                 now: dt.datetime | None = None) -> Dispute:
    """Record a chargeback; the same gateway reference twice returns the existing row."""
    now = now or _now()
    if reference:
        existing = session.scalar(select(Dispute).where(Dispute.gateway_reference == reference))
        if existing is not None:
            return existing
    dispute = Dispute(payment_id=payment.id, amount_minor=amount_minor, currency=currency,
                      reason=(reason or "general")[:64], status="open", opened_at=now,
                      evidence_due_on=evidence_due_on or (now.date() + dt.timedelta(days=7)),
                      gateway_reference=reference)
    session.add(dispute)
    session.flush()
    return dispute


def resolve_dispute(session: Session, dispute: Dispute, outcome: str, *, now: dt.datetime | None = None) -> bool:
    """open -> won | lost; never back. True when it changed."""
    if outcome not in ("won", "lost"):
        raise Invalid("a dispute is won or lost")
    if dispute.status != "open":
        if dispute.status != outcome:
            raise Conflict(f"the dispute is already {dispute.status}")
        return False
    now = now or _now()
    dispute.status, dispute.closed_at = outcome, now
    session.flush()
    payment = session.get(Payment, dispute.payment_id)
    refresh_booking(session, session.get(Booking, payment.booking_id), today=now.date())
    return True
