"""Webhook deliveries: verify, store raw, then normalise and process idempotently, in any order.

The order of work is the point:
1. verify the signature with the gateway's secret; a delivery that fails is not stored at all
   (the API tallies it per source and answers 400, see tourstack.payments.webhook_guard), so
   posting unsigned bodies costs us no rows; verification only names the event, it never reads
   its content, so nothing about the content can lose a delivery;
2. store the raw event and COMMIT before acting on it, so nothing a gateway told us is lost even
   if reading or processing it fails;
3. claim the attempt with a conditional UPDATE of `attempts` (the row stays locked until the
   attempt commits), then normalise and process inside a savepoint: either all of its writes
   land and the event is `processed`, or none do and `attempts` / `last_error` / `status`
   record why. A concurrent copy of the same event loses either the insert (unique gateway +
   event id) or the claim, and is answered `duplicate`: one delivery does the work, the others
   never report it as theirs.

An event is known by an id its signature covers: Stripe's and PayPal's are inside the signed
body. Razorpay signs only the body and sends its event id in a header (`X-Razorpay-Event-Id`)
that anyone replaying a signed body can change or drop, so a Razorpay event is known by the
body's own `id` where it has one and otherwise by the hash of the signed body: a replayed body
is a duplicate whatever its headers say.

A duplicate delivery of a processed event is answered 200 and not processed again. Events can
arrive out of order (a refund before the payment it refunds has succeeded, a dispute before our
payment row is committed): such an event is *parked* - left unprocessed with the reason - and
`retry_events` (run by the payments schedule) tries it again later. An event that still fails
after MAX_ATTEMPTS is *dead-lettered*: logged as an error, counted by the maintenance run and
listed for finance (`GET /api/v1/webhook-events?status=dead_lettered`) until someone requeues
it. Statuses only move forward (a succeeded payment never becomes failed; a settled refund or
closed dispute never changes), so a late, stale event is harmless.

Refund events are matched to our refund row by our key (`refund-<id>`, echoed back by every
gateway) first, then by the gateway's refund id; an event for a payment that has a refund we sent
but never heard back from is parked until that refund is resent (and so named), rather than
recorded as a second refund. These functions commit: they are the transaction boundary.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tourstack.db.models import Dispute, Payment, Refund, WebhookEvent
from tourstack.payments import paypal_gateway, razorpay_gateway, stripe_gateway
from tourstack.payments.errors import Conflict, NotFound
from tourstack.payments.gateway import (
    DISPUTE_LOST,
    DISPUTE_OPENED,
    DISPUTE_WON,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_SUCCEEDED,
    Gateway,
    WebhookNotice,
    refund_id_from_key,
)
from tourstack.payments.refunds import (
    apply_refund_state,
    open_dispute,
    refundable_minor,
    resolve_dispute,
    sendable,
)
from tourstack.payments.service import apply_gateway_state
from tourstack.sales.pagination import Page, keyset_page

log = logging.getLogger("tourstack.payments.webhooks")
MAX_ATTEMPTS = 25
RECEIVED, PROCESSED, PARKED, FAILED, DEAD_LETTERED, INVALID = (
    "received", "processed", "parked", "failed", "dead_lettered", "invalid")
STATUSES = (RECEIVED, PROCESSED, PARKED, FAILED, DEAD_LETTERED, INVALID)
RETRIED = (RECEIVED, PARKED, FAILED)

Normaliser = Callable[[str, str], WebhookNotice]  # (event id, stored payload) -> notice

# How a stored event is read when no configured adapter is at hand (the maintenance run without
# credentials for a gateway whose events are still stored).
NORMALISERS: dict[str, Normaliser] = {
    "stripe": lambda event_id, payload: stripe_gateway.notice_from_event(json.loads(payload)),
    "razorpay": lambda event_id, payload: razorpay_gateway.notice_from_event(event_id, json.loads(payload)),
    "paypal": lambda event_id, payload: paypal_gateway.notice_from_event(json.loads(payload)),
}


class Parked(Exception):
    """The event cannot be applied yet (what it refers to is missing or not there yet)."""


@dataclass(frozen=True)
class Receipt:
    event: WebhookEvent
    outcome: str  # processed, duplicate, parked, failed, ignored, dead_lettered


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _find(session: Session, gateway: str, event_id: str) -> WebhookEvent | None:
    return session.scalar(select(WebhookEvent).where(WebhookEvent.gateway == gateway,
                                                     WebhookEvent.event_id == event_id))


def receive(session: Session, gateway: Gateway, body: bytes, headers: Mapping[str, str],
            *, now: dt.datetime | None = None) -> Receipt:
    """Verify, store and process one delivery. Raises InvalidSignature (nothing stored), and
    GatewayUnavailable (nothing stored) when the gateway's verification API is down."""
    now = now or _now()
    delivery = gateway.verify_webhook(body, dict(headers))
    payload = body.decode("utf-8", errors="replace")
    row = _find(session, gateway.name, delivery.event_id)
    if row is not None and row.status == PROCESSED:
        return Receipt(row, "duplicate")
    if row is None:
        row = WebhookEvent(gateway=gateway.name, event_id=delivery.event_id, type=delivery.gateway_type[:64],
                           payload=payload, signature_valid=True, received_at=now, attempts=0, status=RECEIVED)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # the same event delivered concurrently
            session.rollback()
            return Receipt(_find(session, gateway.name, delivery.event_id), "duplicate")
    else:
        session.rollback()  # end the read, so the claim below sees the row as it is now
    outcome = process(session, row, gateway.normalise_webhook, now=now)
    return Receipt(row, outcome)


def normaliser_for(name: str, gateways: Mapping[str, Gateway] | None = None) -> Normaliser:
    gateway = (gateways or {}).get(name)
    if gateway is not None:
        return gateway.normalise_webhook
    if name in NORMALISERS:
        return NORMALISERS[name]

    def unknown(event_id: str, payload: str) -> WebhookNotice:
        raise ValueError(f"no adapter reads {name} events")

    return unknown


def _claim(session: Session, row: WebhookEvent) -> bool:
    """Count this attempt, unless another one was counted (or the event processed) since `row`
    was read. On PostgreSQL a concurrent claim waits on the row until this attempt commits,
    then finds `attempts` changed and loses."""
    seen = row.attempts
    claimed = session.execute(
        update(WebhookEvent).where(WebhookEvent.id == row.id, WebhookEvent.attempts == seen,
                                   WebhookEvent.status != PROCESSED)
        .values(attempts=seen + 1).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.rollback()
        session.refresh(row)
        return False
    set_committed_value(row, "attempts", seen + 1)  # what the UPDATE wrote; nothing left to flush
    return True


def process(session: Session, row: WebhookEvent, normalise: Normaliser, *, now: dt.datetime | None = None) -> str:
    """One attempt at a stored event; commits whatever the outcome ("duplicate" when a
    concurrent attempt has it)."""
    now = now or _now()
    if not _claim(session, row):
        return "duplicate"
    try:
        with session.begin_nested():
            notice = normalise(row.event_id, row.payload)
            outcome = apply_notice(session, notice, now=now)
    except Parked as exc:
        row.last_error, status, outcome = f"parked: {exc}"[:500], PARKED, "parked"
    except Exception as exc:  # recorded and retried; one bad event must not block the others
        log.warning("webhook %s/%s attempt %d failed: %s", row.gateway, row.event_id, row.attempts,
                    type(exc).__name__, exc_info=True)
        row.last_error, status, outcome = f"{type(exc).__name__}: {exc}"[:500], FAILED, "failed"
    else:
        row.processed_at, row.last_error, row.status = now, None, PROCESSED
        session.commit()
        return outcome
    if row.attempts >= MAX_ATTEMPTS:
        status = outcome = DEAD_LETTERED
        # ids, type and our own error text only: the payload can carry payer details
        log.error("webhook %s/%s (%s) dead-lettered after %d attempts: %s", row.gateway, row.event_id,
                  row.type, row.attempts, row.last_error)
    row.status = status
    session.commit()
    return outcome


def retry_events(session: Session, *, gateways: Mapping[str, Gateway] | None = None,
                 now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Process stored, valid, unprocessed events again (oldest first)."""
    counts: dict[str, int] = {}
    rows = list(session.scalars(
        select(WebhookEvent).where(WebhookEvent.signature_valid.is_(True), WebhookEvent.status.in_(RETRIED),
                                   WebhookEvent.attempts < MAX_ATTEMPTS)
        .order_by(WebhookEvent.received_at, WebhookEvent.id).limit(limit)))
    for row in rows:
        outcome = process(session, row, normaliser_for(row.gateway, gateways), now=now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def dead_lettered_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(WebhookEvent)
                              .where(WebhookEvent.status == DEAD_LETTERED)))


def list_events(session: Session, *, status: str | None = None, gateway: str | None = None,
                limit: int = 50, cursor: str | None = None) -> Page[WebhookEvent]:
    stmt = select(WebhookEvent)
    if status is not None:
        stmt = stmt.where(WebhookEvent.status == status)
    if gateway is not None:
        stmt = stmt.where(WebhookEvent.gateway == gateway)
    return keyset_page(session, stmt, WebhookEvent, limit, cursor or None)


def requeue(session: Session, event_id: int, *, gateways: Mapping[str, Gateway] | None = None,
            now: dt.datetime | None = None) -> tuple[WebhookEvent, str]:
    """Give a dead-lettered (or failed/parked) event a fresh set of attempts and try it now."""
    row = session.get(WebhookEvent, event_id)
    if row is None:
        raise NotFound(f"webhook event {event_id} not found")
    if row.status not in (DEAD_LETTERED, *RETRIED):
        raise Conflict(f"webhook event {event_id} is {row.status}; only unprocessed events can be retried")
    log.info("webhook %s/%s requeued after %d attempts", row.gateway, row.event_id, row.attempts)
    row.attempts, row.status = 0, RECEIVED
    return row, process(session, row, normaliser_for(row.gateway, gateways), now=now)


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


def _refund_by_key(session: Session, notice: WebhookNotice) -> Refund | None:
    """Our refund named by the key the event echoes back; parks while that row is not visible
    (the request that creates it has not committed yet)."""
    refund_id = refund_id_from_key(notice.merchant_refund_key)
    if refund_id is None:
        return None
    refund = session.get(Refund, refund_id)
    if refund is None:
        raise Parked(f"refund {refund_id} named by {notice.refund_reference} is not recorded yet")
    if session.get(Payment, refund.payment_id).gateway != notice.gateway:
        log.warning("%s refund %s names refund %s of another gateway; matching by reference instead",
                    notice.gateway, notice.refund_reference, refund_id)
        return None
    if refund.gateway_reference and notice.refund_reference and refund.gateway_reference != notice.refund_reference:
        log.error("%s made a second refund %s under our refund %s (first: %s); recording it on its own",
                  notice.gateway, notice.refund_reference, refund_id, refund.gateway_reference)
        return None
    return refund


def _apply_refund(session: Session, notice: WebhookNotice, now: dt.datetime) -> str:
    status = "succeeded" if notice.kind == REFUND_SUCCEEDED else "failed"
    refund = _refund_by_key(session, notice)
    if refund is None and notice.refund_reference:
        refund = session.scalar(select(Refund).where(Refund.gateway == notice.gateway,
                                                     Refund.gateway_reference == notice.refund_reference))
    if refund is not None:
        if not refund.gateway_reference and notice.refund_reference:  # our call's answer was lost
            refund.gateway_reference, refund.failure_reason = notice.refund_reference, None
        apply_refund_state(session, refund, status, now=now)
        return "processed"
    payment = _payment(session, notice)
    if payment is None or payment.status != "succeeded":
        raise Parked(f"refund {notice.refund_reference} before its payment succeeded")
    unsent = session.scalar(select(Refund.id).where(Refund.payment_id == payment.id, sendable()).limit(1))
    if unsent is not None:
        raise Parked(f"refund {notice.refund_reference} may be refund {unsent}, sent without an answer; "
                     "waiting until it is sent again")
    amount = notice.amount_minor or 0
    if status == "succeeded" and amount > refundable_minor(session, payment):
        raise ValueError(f"refund {notice.refund_reference} exceeds what is refundable")
    refund = Refund(payment_id=payment.id, gateway=payment.gateway, amount_minor=amount,
                    currency=notice.currency or payment.currency, reason=(notice.reason or "gateway")[:64],
                    status="pending", gateway_reference=notice.refund_reference or "", refunded_at=now)
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
