"""Webhook deliveries: verify, store raw, then process idempotently and in any order.

The order of work is the point:
1. verify the signature with the gateway's secret (a failure is stored as an invalid delivery
   under a hash of its body, never processed, and answered 400);
2. store the raw event and COMMIT before acting on it, so nothing a gateway told us is lost even
   if processing crashes;
3. process inside a savepoint: either all of its writes land and `processed_at` is set, or none
   do and `attempts` / `last_error` record why.

A duplicate delivery of a processed event is answered 200 and not processed again. Events can
arrive out of order (a refund before the payment it refunds has succeeded, a dispute before our
payment row is committed): such an event is *parked* - left unprocessed with the reason - and
`retry_events` (run by the payments schedule) tries it again later. Statuses only move forward
(a succeeded payment never becomes failed; a settled refund or closed dispute never changes),
so a late, stale event is harmless. These functions commit: they are the transaction boundary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.db.models import Dispute, Payment, Refund, WebhookEvent
from tourstack.payments import paypal_gateway, razorpay_gateway, stripe_gateway
from tourstack.payments.gateway import (
    DISPUTE_LOST,
    DISPUTE_OPENED,
    DISPUTE_WON,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_SUCCEEDED,
    Gateway,
    InvalidSignature,
    WebhookNotice,
)
from tourstack.payments.refunds import apply_refund_state, open_dispute, refundable_minor, resolve_dispute
from tourstack.payments.service import apply_gateway_state

log = logging.getLogger("tourstack.payments.webhooks")
MAX_ATTEMPTS = 25

NOTICE_FROM_ROW: dict[str, Callable[[WebhookEvent], WebhookNotice]] = {
    "stripe": lambda row: stripe_gateway.notice_from_event(json.loads(row.payload)),
    "razorpay": lambda row: razorpay_gateway.notice_from_event(row.event_id, json.loads(row.payload)),
    "paypal": lambda row: paypal_gateway.notice_from_event(json.loads(row.payload)),
}


class Parked(Exception):
    """The event cannot be applied yet (what it refers to is missing or not there yet)."""


@dataclass(frozen=True)
class Receipt:
    event: WebhookEvent
    outcome: str  # processed, duplicate, parked, failed, ignored


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def receive(session: Session, gateway: Gateway, body: bytes, headers: Mapping[str, str],
            *, now: dt.datetime | None = None) -> Receipt:
    """Verify, store and process one delivery. Raises InvalidSignature after storing it."""
    now = now or _now()
    try:
        notice = gateway.parse_webhook(body, dict(headers))
    except InvalidSignature:
        _store_invalid(session, gateway.name, body, now)
        raise
    row = session.scalar(select(WebhookEvent).where(WebhookEvent.gateway == gateway.name,
                                                    WebhookEvent.event_id == notice.event_id))
    if row is not None and row.processed_at is not None:
        return Receipt(row, "duplicate")
    if row is None:
        row = WebhookEvent(gateway=gateway.name, event_id=notice.event_id, type=notice.gateway_type[:64],
                           payload=body.decode("utf-8"), signature_valid=True, received_at=now, attempts=0)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # the same event delivered concurrently
            session.rollback()
            row = session.scalar(select(WebhookEvent).where(WebhookEvent.gateway == gateway.name,
                                                            WebhookEvent.event_id == notice.event_id))
            return Receipt(row, "duplicate")
    return Receipt(row, process(session, row, notice, now=now))


def _store_invalid(session: Session, gateway: str, body: bytes, now: dt.datetime) -> None:
    event_id = "invalid-" + hashlib.sha256(body).hexdigest()[:40]
    if session.scalar(select(WebhookEvent.id).where(WebhookEvent.gateway == gateway,
                                                    WebhookEvent.event_id == event_id)):
        return
    session.add(WebhookEvent(gateway=gateway, event_id=event_id, type="invalid_signature",
                             payload=body.decode("utf-8", errors="replace"), signature_valid=False,
                             received_at=now, attempts=0))
    session.commit()


def process(session: Session, row: WebhookEvent, notice: WebhookNotice | None = None,
            *, now: dt.datetime | None = None) -> str:
    now = now or _now()
    row.attempts += 1
    try:
        with session.begin_nested():
            notice = notice or NOTICE_FROM_ROW[row.gateway](row)
            outcome = apply_notice(session, notice, now=now)
    except Parked as exc:
        row.last_error = f"parked: {exc}"[:500]
        session.commit()
        return "parked"
    except Exception as exc:  # recorded and retried; one bad event must not block the others
        log.exception("webhook %s/%s failed", row.gateway, row.event_id)
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        session.commit()
        return "failed"
    row.processed_at, row.last_error = now, None
    session.commit()
    return outcome


def retry_events(session: Session, *, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Process stored, valid, unprocessed events again (oldest first)."""
    counts: dict[str, int] = {}
    rows = list(session.scalars(
        select(WebhookEvent).where(WebhookEvent.signature_valid.is_(True), WebhookEvent.processed_at.is_(None),
                                   WebhookEvent.attempts < MAX_ATTEMPTS)
        .order_by(WebhookEvent.received_at, WebhookEvent.id).limit(limit)))
    for row in rows:
        outcome = process(session, row, now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _payment(session: Session, notice: WebhookNotice) -> Payment | None:
    refs = []
    if notice.payment_reference:
        refs.append(Payment.gateway_reference == notice.payment_reference)
    if notice.capture_reference:
        refs.append(Payment.capture_reference == notice.capture_reference)
    if not refs:
        return None
    return session.scalar(select(Payment).where(Payment.gateway == notice.gateway, or_(*refs))
                          .order_by(Payment.id.desc()).limit(1))


def apply_notice(session: Session, notice: WebhookNotice, *, now: dt.datetime) -> str:
    if notice.kind in (PAYMENT_SUCCEEDED, PAYMENT_FAILED):
        payment = _payment(session, notice)
        if payment is None:
            raise Parked(f"no payment for {notice.payment_reference or notice.capture_reference}")
        status = "succeeded" if notice.kind == PAYMENT_SUCCEEDED else "failed"
        apply_gateway_state(session, payment, status, capture_reference=notice.capture_reference,
                            failure_code=notice.failure_code, now=now)
        return "processed"
    if notice.kind in (REFUND_SUCCEEDED, REFUND_FAILED):
        return _apply_refund(session, notice, now)
    if notice.kind in (DISPUTE_OPENED, DISPUTE_WON, DISPUTE_LOST):
        return _apply_dispute(session, notice, now)
    return "ignored"


def _apply_refund(session: Session, notice: WebhookNotice, now: dt.datetime) -> str:
    status = "succeeded" if notice.kind == REFUND_SUCCEEDED else "failed"
    refund = session.scalar(select(Refund).where(Refund.gateway_reference == notice.refund_reference))
    if refund is not None:
        apply_refund_state(session, refund, status, now=now)
        return "processed"
    payment = _payment(session, notice)
    if payment is None or payment.status != "succeeded":
        raise Parked(f"refund {notice.refund_reference} before its payment succeeded")
    amount = notice.amount_minor or 0
    if status == "succeeded" and amount > refundable_minor(session, payment):
        raise ValueError(f"refund {notice.refund_reference} exceeds what is refundable")
    refund = Refund(payment_id=payment.id, amount_minor=amount, currency=notice.currency or payment.currency,
                    reason=(notice.reason or "gateway")[:64], status="pending",
                    gateway_reference=notice.refund_reference or "", refunded_at=now)
    session.add(refund)
    session.flush()
    apply_refund_state(session, refund, status, now=now)
    return "processed"


def _apply_dispute(session: Session, notice: WebhookNotice, now: dt.datetime) -> str:
    dispute = session.scalar(select(Dispute).where(Dispute.gateway_reference == notice.dispute_reference))
    if dispute is None:
        payment = _payment(session, notice)
        if payment is None:
            raise Parked(f"dispute {notice.dispute_reference} for an unknown payment")
        dispute = open_dispute(session, payment, reference=notice.dispute_reference,
                               amount_minor=notice.amount_minor or payment.amount_minor,
                               currency=notice.currency or payment.currency, reason=notice.reason or "general",
                               evidence_due_on=notice.evidence_due_on, now=now)
    if notice.kind == DISPUTE_OPENED:
        if notice.evidence_due_on and dispute.status == "open":
            dispute.evidence_due_on = notice.evidence_due_on
        return "processed"
    if dispute.status == "open":
        resolve_dispute(session, dispute, "won" if notice.kind == DISPUTE_WON else "lost", now=now)
    return "processed"
