"""Payments: take one (routed to a gateway), list them, complete a payer-approved one, and
start refunds or record chargebacks on it.

`POST /payments` needs an `Idempotency-Key` header: the same key (per agency for agents, per API
key for staff) returns the payment already created, never a second charge; the same key with
other parameters is refused (409 idempotency-key-reused). Agents see and pay their own agency's
bookings only; refunds and disputes are staff work.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response

from api.deps import (
    CanCreatePayments,
    CanManageDisputes,
    CanReadPayments,
    CanRequestRefunds,
    PaymentsDep,
    SessionDep,
)
from api.problems import ApiProblem
from api.routes.payment_plans import visible_booking
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.payments import (
    CaptureIn,
    DisputeIn,
    DisputeOut,
    PaymentCreated,
    PaymentIn,
    PaymentOut,
    RefundIn,
    RefundOut,
)
from tourstack.auth import Principal
from tourstack.db.models import Refund
from tourstack.money import from_minor, to_minor
from tourstack.payments import (
    PaymentInput,
    capture_payment,
    get_payment,
    list_payments,
    open_dispute,
    request_refund,
    take_payment,
)
from sqlalchemy import select

router = APIRouter(prefix="/payments", tags=["payments"])
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422, 503)
# A payer's chosen method implies the gateway to try first (among the routing rule's gateways;
# routing still falls back).
METHOD_GATEWAY = {"upi": "razorpay", "paypal": "paypal", "card": None, None: None}


def parse_minor(label: str, value: str, currency: str) -> int:
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise ApiProblem(422, f"{label} is not a number", slug="invalid-payment") from exc
    minor = to_minor(amount, currency)
    if from_minor(minor, currency) != amount:
        raise ApiProblem(422, f"{label} has more decimals than {currency} allows", slug="invalid-payment")
    return minor


def _scope(principal: Principal) -> str:
    """Agents of one agency share its keys (a colleague may replay a payment); each staff API key
    has its own, so two staff members can never collide on, or replay, each other's keys."""
    return f"agency{principal.agency_id}" if principal.is_agent else f"key{principal.key_id}"


@router.post("", response_model=PaymentCreated, status_code=201, responses=WRITE_PROBLEMS)
def post_payment(
    session: SessionDep, principal: CanCreatePayments, payments: PaymentsDep, body: PaymentIn,
    response: Response,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=80)],
) -> PaymentCreated:
    """Pay an installment or an amount of a booking; returns what the payer does next."""
    booking = visible_booking(session, principal, body.booking_ref)
    amount = parse_minor("amount", body.amount, booking.currency) if body.amount is not None else None
    result = take_payment(session, PaymentInput(
        booking=booking, idempotency_key=f"{_scope(principal)}:{idempotency_key}", amount_minor=amount,
        installment_id=body.installment_id, method="bank_transfer" if body.method == "bank_transfer" else None,
        gateway=body.gateway or METHOD_GATEWAY.get(body.method), payment_method=body.payment_method),
        payments.router)
    session.commit()
    if result.replayed:
        response.status_code = 200
    return PaymentCreated(**PaymentOut.build(result.payment).model_dump(), next_action=result.next_action,
                          replayed=result.replayed)


@router.get("", response_model=Page[PaymentOut], responses=problem_responses(400, 401, 403, 422))
def get_payments(
    session: SessionDep, principal: CanReadPayments,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    status: Literal["succeeded", "failed", "pending"] | None = None,
    gateway: Literal["stripe", "razorpay", "paypal", "bank_transfer"] | None = None,
    booking_id: Annotated[DbId | None, Query()] = None,
) -> Page[PaymentOut]:
    """Payments, newest first; agents see their agency's only."""
    page = list_payments(session, agency_id=principal.scope_agency_id, booking_id=booking_id, status=status,
                         gateway=gateway, limit=limit, cursor=cursor)
    return Page[PaymentOut](items=[PaymentOut.build(p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/{payment_id}", response_model=PaymentOut, responses=problem_responses(401, 403, 404))
def get_one_payment(session: SessionDep, principal: CanReadPayments, payment_id: DbId) -> PaymentOut:
    return PaymentOut.build(get_payment(session, payment_id, agency_id=principal.scope_agency_id))


@router.post("/{payment_id}/capture", response_model=PaymentOut, responses=WRITE_PROBLEMS)
def post_capture(session: SessionDep, principal: CanCreatePayments, payments: PaymentsDep, payment_id: DbId,
                 body: CaptureIn) -> PaymentOut:
    """Complete a payment the payer approved (PayPal) or authorised in checkout (Razorpay)."""
    payment = get_payment(session, payment_id, agency_id=principal.scope_agency_id)
    details = {k: v for k, v in body.model_dump().items() if v is not None}
    capture_payment(session, payment, details, payments.gateways)
    session.commit()
    return PaymentOut.build(payment)


@router.post("/{payment_id}/refunds", response_model=RefundOut, status_code=201, responses=WRITE_PROBLEMS)
def post_refund(session: SessionDep, principal: CanRequestRefunds, payments: PaymentsDep, payment_id: DbId,
                body: RefundIn) -> RefundOut:
    """Refund all or part of a payment; above the threshold it waits for approval (202-like: pending)."""
    payment = get_payment(session, payment_id, agency_id=None)
    amount = parse_minor("amount", body.amount, payment.currency) if body.amount is not None else None
    refund = request_refund(session, payment, amount, body.reason, requested_by_key_id=principal.key_id,
                            thresholds=payments.refund_thresholds, gateways=payments.gateways)
    session.commit()
    return RefundOut.build(refund)


@router.get("/{payment_id}/refunds", response_model=list[RefundOut], responses=problem_responses(401, 403, 404))
def get_refunds(session: SessionDep, principal: CanRequestRefunds, payment_id: DbId) -> list[RefundOut]:
    payment = get_payment(session, payment_id, agency_id=None)
    rows = session.scalars(select(Refund).where(Refund.payment_id == payment.id).order_by(Refund.id))
    return [RefundOut.build(r) for r in rows]


@router.post("/{payment_id}/disputes", response_model=DisputeOut, status_code=201, responses=WRITE_PROBLEMS)
def post_dispute(session: SessionDep, principal: CanManageDisputes, payment_id: DbId, body: DisputeIn) -> DisputeOut:
    """Record a chargeback by hand (bank transfers, or a gateway notice received by e-mail)."""
    payment = get_payment(session, payment_id, agency_id=None)
    if payment.status != "succeeded":
        raise ApiProblem(409, "only a succeeded payment can be disputed", slug="payments-conflict")
    amount = parse_minor("amount", body.amount, payment.currency) if body.amount else payment.amount_minor
    if not 0 < amount <= payment.amount_minor:
        raise ApiProblem(422, "the disputed amount must be positive and at most the payment", slug="invalid-payment")
    dispute = open_dispute(session, payment, reference=None, amount_minor=amount, currency=payment.currency,
                           reason=body.reason, evidence_due_on=body.evidence_due_on)
    session.commit()
    return DisputeOut.build(dispute)
