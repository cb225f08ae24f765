"""Taking a payment: idempotency, amount checks, routing, and recording what the gateway said.

Why our own idempotency on top of the gateways': only Stripe and PayPal honour a key; Razorpay
orders and bank transfers do not, and a fallback may move a retried request to a different
gateway. `payments.idempotency_key` is unique, so a replay of the same key returns the payment
already recorded (with its next action re-read from the gateway while it is pending) instead of
charging twice. The key is scoped by the caller (agency, or the staff member's API key) so two
callers can never collide on, or read, each other's keys. The row keeps a fingerprint of the
request's parameters: the same key with different parameters is refused (409), never answered
with a payment the caller did not ask for.

Never more than is owed: a new payment may take at most the outstanding amount less what
checkouts started within PENDING_HOLD still hold (a payer may be completing one right now), and
the booking row is locked (SELECT ... FOR UPDATE; the database write lock on SQLite) while the
payment is taken, so two concurrent requests for the same booking are decided one after the
other. More than the booking costs is invalid (422); more than what earlier payments left, or an
installment already paid, is a conflict (409, exceeds-remaining). Bank-transfer payments hold
nothing: they are instructions, and money arrives by bank line whatever was announced.

Captures and gateway answers lock the booking and then the payment too: a payment is captured at
the gateway once (a repeated capture answers with the captured payment), and once succeeded it
keeps its status, amount and currency (the database refuses a change: migration 0014).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.db.models import Agency, Booking, Installment, Invoice, Payment
from tourstack.messaging.events import announce_payment
from tourstack.payments.bank_transfer import NAME as BANK_TRANSFER
from tourstack.payments.errors import (
    Conflict,
    ExceedsRemaining,
    IdempotencyKeyReused,
    Invalid,
    NotFound,
    PaymentInProgress,
)
from tourstack.payments.gateway import Gateway, GatewayDeclined, GatewayError, PaymentRequest
from tourstack.payments.locks import lock_booking, lock_payment
from tourstack.payments.plans import current_plan, outstanding_minor, plan_installments, refresh_booking
from tourstack.payments.retry_policy import schedule_retry
from tourstack.payments.routing import PaymentRouter
from tourstack.sales.pagination import Page, keyset_page

# How long a started checkout (Stripe.js, Razorpay Checkout, PayPal approval) holds its amount.
PENDING_HOLD = dt.timedelta(hours=1)


@dataclass
class PaymentResult:
    payment: Payment
    next_action: dict[str, Any] = field(default_factory=dict)
    replayed: bool = False


@dataclass(frozen=True)
class PaymentInput:
    booking: Booking
    idempotency_key: str
    amount_minor: int | None = None  # default: the next installment's open amount, or all
    installment_id: int | None = None
    method: str | None = None  # "bank_transfer" to pay by transfer; else routed
    gateway: str | None = None  # preferred gateway (tried first)
    payment_method: str | None = None  # saved method to charge at once (Stripe)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def fingerprint(data: PaymentInput) -> str:
    """A digest of what the caller asked for (not of what we derived from it)."""
    asked = {"booking": data.booking.id, "amount": data.amount_minor, "installment": data.installment_id,
             "method": data.method, "gateway": data.gateway, "payment_method": data.payment_method}
    return hashlib.sha256(json.dumps(asked, sort_keys=True).encode()).hexdigest()


def held_minor(session: Session, booking: Booking, *, now: dt.datetime) -> tuple[int, int | None]:
    """What pending checkouts started within PENDING_HOLD hold, and the newest of them."""
    recent = (Payment.booking_id == booking.id, Payment.status == "pending", Payment.currency == booking.currency,
              Payment.gateway != BANK_TRANSFER, Payment.attempted_at >= now - PENDING_HOLD)
    held = session.scalar(select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(*recent))
    newest = session.scalar(select(Payment.id).where(*recent).order_by(Payment.id.desc()).limit(1))
    return int(held), newest


def _open_installment(session: Session, booking: Booking, installment_id: int | None) -> Installment | None:
    plan = current_plan(session, booking.id)
    if plan is None:
        if installment_id is not None:
            raise Invalid("the booking has no payment plan")
        return None
    installments = plan_installments(session, plan)
    if installment_id is not None:
        inst = next((i for i in installments if i.id == installment_id), None)
        if inst is None:
            raise Invalid(f"installment {installment_id} is not in the booking's current plan")
        return inst
    return next((i for i in installments if i.status not in ("paid", "cancelled")), None)


def _installment_open_minor(session: Session, booking: Booking, inst: Installment) -> int:
    plan_rows = plan_installments(session, current_plan(session, booking.id))
    before = sum(i.amount_minor for i in plan_rows if i.sequence < inst.sequence)
    received = booking.total_sell_minor - outstanding_minor(session, booking)
    return max(inst.amount_minor - max(received - before, 0), 0)


def _invoice_for(session: Session, booking: Booking) -> int | None:
    return session.scalar(select(Invoice.id).where(
        Invoice.booking_id == booking.id, Invoice.kind == "invoice", Invoice.currency == booking.currency,
        Invoice.status.in_(("issued", "partially_paid", "paid"))).order_by(Invoice.id.desc()).limit(1))


def replay(session: Session, data: PaymentInput, gateways: dict[str, Gateway]) -> PaymentResult | None:
    key = data.idempotency_key
    payment = session.scalar(select(Payment).where(Payment.idempotency_key == key))
    if payment is None:
        return None
    if payment.booking_id != data.booking.id:
        raise IdempotencyKeyReused("this idempotency key was used for another booking")
    if payment.request_fingerprint is not None and payment.request_fingerprint != fingerprint(data):
        raise IdempotencyKeyReused("this idempotency key was used for a request with other parameters "
                                   f"(payment {payment.id}); use a new key for a new payment")
    action: dict[str, Any] = {}
    if payment.status == "pending":
        if payment.gateway == BANK_TRANSFER and BANK_TRANSFER in gateways:
            action = gateways[BANK_TRANSFER].create_payment(PaymentRequest(
                payment.amount_minor, payment.currency, key, session.get(Booking, payment.booking_id).booking_ref,
            )).next_action
        elif payment.gateway in gateways:
            try:
                action = gateways[payment.gateway].fetch(payment.gateway_reference).next_action
            except GatewayError:
                action = {}
    return PaymentResult(payment, action, replayed=True)


def take_payment(session: Session, data: PaymentInput, router: PaymentRouter,
                 *, now: dt.datetime | None = None) -> PaymentResult:
    """Record a payment attempt for the booking through the routed gateway (or bank transfer)."""
    now = now or _now()
    if data.amount_minor is not None and data.amount_minor <= 0:
        raise Invalid("the amount must be positive")
    booking = lock_booking(session, data.booking.id)
    replayed = replay(session, data, dict(router.gateways))
    if replayed is not None:
        return replayed
    if booking.status not in ("pending", "confirmed", "paid"):
        raise Conflict(f"booking {booking.booking_ref} is {booking.status}")
    if data.amount_minor is not None and data.amount_minor > booking.total_sell_minor:
        raise Invalid(f"the amount exceeds what the booking costs ({booking.total_sell_minor} minor units)")
    outstanding = outstanding_minor(session, booking)
    inst = _open_installment(session, booking, data.installment_id)
    amount = data.amount_minor
    if amount is None:
        amount = _installment_open_minor(session, booking, inst) if inst else outstanding
        if amount <= 0:
            raise ExceedsRemaining(f"installment {inst.sequence} is already paid" if inst
                                   else "nothing is outstanding on this booking")
    if amount > outstanding:
        raise ExceedsRemaining(f"the amount exceeds what is outstanding ({outstanding} minor units)")
    held, newest = held_minor(session, booking, now=now) if data.method != BANK_TRANSFER else (0, None)
    if amount > outstanding - held:
        raise PaymentInProgress(
            f"payment {newest} and other checkouts started in the last {int(PENDING_HOLD.total_seconds() // 60)} "
            f"minutes hold {held} of the {outstanding} minor units outstanding; complete that payment "
            f"(replay its Idempotency-Key) or pay at most {max(outstanding - held, 0)}")
    request = PaymentRequest(amount_minor=amount, currency=booking.currency,
                             idempotency_key=data.idempotency_key, reference=booking.booking_ref,
                             description=f"Booking {booking.booking_ref}", payment_method=data.payment_method)
    payment = Payment(
        booking_id=booking.id, invoice_id=_invoice_for(session, booking),
        installment_id=inst.id if inst else None, amount_minor=amount, currency=booking.currency,
        fee_minor=0, attempted_at=now, idempotency_key=data.idempotency_key,
        payment_method_reference=data.payment_method, request_fingerprint=fingerprint(data),
    )
    if data.method == BANK_TRANSFER:
        if BANK_TRANSFER not in router.gateways:
            raise Invalid("bank transfer is not configured")
        result = router.gateways[BANK_TRANSFER].create_payment(request)
    else:
        country = session.scalar(select(Agency.country_code).where(Agency.id == booking.agency_id))
        try:
            result = router.create(request, country=country, prefer=data.gateway)
        except GatewayDeclined as exc:
            payment.gateway = exc.gateway
            # the declined attempt's own id (a Stripe PaymentIntent) lets its events find this row
            payment.gateway_reference = (exc.reference or f"declined-{data.idempotency_key}")[:64]
            payment.method = "card"
            payment.status = "failed"
            payment.failure_code = (exc.code or "declined")[:32]
            schedule_retry(payment, now=now)
            saved = _save(session, payment, data.idempotency_key)
            announce_payment(session, saved)
            return PaymentResult(saved, {})
    payment.gateway = result.gateway
    payment.gateway_reference = result.reference
    payment.capture_reference = result.capture_reference
    payment.method = result.method
    payment.status = result.status
    payment.fee_minor = result.fee_minor or 0  # unknown (None) is filled in by the maintenance run
    payment.failure_code = result.failure_code
    schedule_retry(payment, now=now)
    _save(session, payment, data.idempotency_key)
    if payment.status == "succeeded":
        refresh_booking(session, booking, today=now.date())
    announce_payment(session, payment)
    return PaymentResult(payment, result.next_action)


def _save(session: Session, payment: Payment, key: str) -> Payment:
    session.add(payment)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # a concurrent request with the same key won the race
        raise Conflict("a request with this idempotency key is in progress") from exc
    return payment


def capture_payment(session: Session, payment: Payment, details: dict[str, str],
                    gateways: dict[str, Gateway], *, now: dt.datetime | None = None) -> Payment:
    """Complete a payer-approved payment (Razorpay checkout, PayPal approval), once: under the
    booking's and payment's locks, a capture that finds the payment succeeded returns it."""
    payment = lock_payment(session, payment.id)
    if payment.status == "succeeded":
        return payment
    if payment.status == "failed":
        raise Conflict("a failed payment cannot be captured; start a new one")
    gateway = gateways.get(payment.gateway)
    if gateway is None:
        raise Invalid(f"gateway {payment.gateway} is not configured")
    result = gateway.capture(payment.gateway_reference, payment.amount_minor, payment.currency, details)
    apply_gateway_state(session, payment, result.status, capture_reference=result.capture_reference,
                        fee_minor=result.fee_minor, failure_code=result.failure_code, now=now)
    return payment


def apply_gateway_state(session: Session, payment: Payment, status: str, *, capture_reference: str | None = None,
                        fee_minor: int | None = None, failure_code: str | None = None,
                        now: dt.datetime | None = None) -> bool:
    """Move a payment forward; never backwards (succeeded is final). True when it changed.
    Decided under the booking's and payment's locks, on the payment's committed status."""
    payment = lock_payment(session, payment.id)
    if payment.status == "succeeded" or status == payment.status or status == "pending":
        if capture_reference and not payment.capture_reference:
            payment.capture_reference = capture_reference
        return False
    payment.status = status
    if capture_reference:
        payment.capture_reference = capture_reference
    if fee_minor:
        payment.fee_minor = fee_minor
    if status == "failed":
        payment.failure_code = (failure_code or "failed")[:32]
    session.flush()
    booking = session.get(Booking, payment.booking_id)
    refresh_booking(session, booking, today=(now or _now()).date())
    announce_payment(session, payment)
    return True


def get_payment(session: Session, payment_id: int, *, agency_id: int | None) -> Payment:
    stmt = select(Payment).where(Payment.id == payment_id)
    if agency_id is not None:
        stmt = stmt.join(Booking, Booking.id == Payment.booking_id).where(Booking.agency_id == agency_id)
    payment = session.scalar(stmt)
    if payment is None:
        raise NotFound(f"payment {payment_id} not found")
    return payment


def list_payments(session: Session, *, agency_id: int | None, booking_id: int | None = None,
                  status: str | None = None, gateway: str | None = None, limit: int = 50,
                  cursor: str | None = None) -> Page[Payment]:
    stmt = select(Payment)
    if agency_id is not None:
        stmt = stmt.join(Booking, Booking.id == Payment.booking_id).where(Booking.agency_id == agency_id)
    if booking_id is not None:
        stmt = stmt.where(Payment.booking_id == booking_id)
    if status is not None:
        stmt = stmt.where(Payment.status == status)
    if gateway is not None:
        stmt = stmt.where(Payment.gateway == gateway)
    return keyset_page(session, stmt, Payment, limit, cursor or None)
