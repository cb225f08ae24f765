"""Payment plans, payments, refunds and disputes as the API shows them (amounts as Money)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import DbId, DecimalString, IsoDate, Money, PercentString
from tourstack.db.models import Dispute, Installment, Payment, PaymentPlan, Refund


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["full", "deposit_balance", "installments"] = "deposit_balance"
    deposit_percent: PercentString | None = Field(default=None, description="e.g. \"30\"; default 30 %")
    balance_days_before_travel: int | None = Field(default=None, ge=0, le=365)
    installments: int | None = Field(default=None, ge=2, le=24)


class InstallmentOut(BaseModel):
    id: int
    sequence: int
    due_on: IsoDate
    amount: Money
    status: str

    @classmethod
    def build(cls, i: Installment) -> InstallmentOut:
        return cls(id=i.id, sequence=i.sequence, due_on=i.due_on, amount=Money.of(i.amount_minor, i.currency),
                   status=i.status)


class PlanOut(BaseModel):
    id: int
    booking_ref: str
    booking_status: str
    kind: str
    total: Money
    received: Money
    outstanding: Money
    installments: list[InstallmentOut]


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    booking_ref: str = Field(min_length=1, max_length=16)
    amount: DecimalString | None = Field(default=None, description="major units; default: the next installment")
    installment_id: DbId | None = Field(default=None)
    method: Literal["card", "upi", "paypal", "bank_transfer"] | None = None
    gateway: Literal["stripe", "razorpay", "paypal"] | None = Field(default=None, description="preferred")
    payment_method: str | None = Field(default=None, max_length=64, description="saved method to charge now")


class CaptureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    razorpay_payment_id: str | None = Field(default=None, max_length=64)
    razorpay_signature: str | None = Field(default=None, max_length=128)


class PaymentOut(BaseModel):
    id: int
    booking_id: int
    installment_id: int | None
    invoice_id: int | None
    gateway: str
    gateway_reference: str
    method: str
    amount: Money
    fee: Money
    status: str
    failure_code: str | None
    attempted_at: dt.datetime
    next_retry_at: dt.datetime | None

    @classmethod
    def build(cls, p: Payment) -> PaymentOut:
        return cls(id=p.id, booking_id=p.booking_id, installment_id=p.installment_id, invoice_id=p.invoice_id,
                   gateway=p.gateway, gateway_reference=p.gateway_reference, method=p.method,
                   amount=Money.of(p.amount_minor, p.currency), fee=Money.of(p.fee_minor or 0, p.currency),
                   status=p.status, failure_code=p.failure_code, attempted_at=p.attempted_at,
                   next_retry_at=p.next_retry_at)


class PaymentCreated(PaymentOut):
    next_action: dict[str, Any] = Field(
        description="what the payer does next: Stripe client secret, PayPal approval URL, "
        "Razorpay checkout options or bank transfer details; empty when nothing is left to do")
    replayed: bool = Field(description="true when the Idempotency-Key was seen before")


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: DecimalString | None = Field(default=None, description="major units; default: all refundable")
    reason: str = Field(min_length=1, max_length=64)


class RefundOut(BaseModel):
    id: int
    payment_id: int
    amount: Money
    reason: str
    status: str
    approval_required: bool
    approved_at: dt.datetime | None
    gateway_reference: str
    failure_reason: str | None

    @classmethod
    def build(cls, r: Refund) -> RefundOut:
        return cls(id=r.id, payment_id=r.payment_id, amount=Money.of(r.amount_minor, r.currency), reason=r.reason,
                   status=r.status, approval_required=r.approval_required, approved_at=r.approved_at,
                   gateway_reference=r.gateway_reference, failure_reason=r.failure_reason)


class RefundPaidIn(BaseModel):
    """A bank-transfer refund paid out from the bank by hand."""

    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=64, description="the bank's reference of the payout")
    paid_on: IsoDate = Field(description="the day the money left the account")


class RefundPaidOut(RefundOut):
    paid_out_by_key_id: int | None
    paid_out_recorded_at: dt.datetime | None
    refunded_at: dt.datetime

    @classmethod
    def build(cls, r: Refund) -> RefundPaidOut:
        return cls(**RefundOut.build(r).model_dump(), paid_out_by_key_id=r.paid_out_by_key_id,
                   paid_out_recorded_at=r.paid_out_recorded_at, refunded_at=r.refunded_at)


class WebhookEventOut(BaseModel):
    """A stored webhook delivery, without its payload (it can carry payer details)."""

    id: int
    gateway: str
    event_id: str
    type: str
    status: str
    attempts: int
    last_error: str | None
    received_at: dt.datetime
    processed_at: dt.datetime | None


class WebhookRejectionOut(BaseModel):
    """Deliveries refused for their signature, per gateway and source address; never stored."""

    gateway: str
    source: str = Field(description="the client address the server saw")
    rejected: int = Field(description="verified and refused (400): signature missing or wrong")
    limited: int = Field(description="refused unverified (429): the source was over its limit")
    last_reason: str = Field(description="unsigned or bad_signature")
    last_at: dt.datetime


class WebhookRetryOut(BaseModel):
    event: WebhookEventOut
    outcome: str


class DisputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: DecimalString | None = None
    reason: str = Field(min_length=1, max_length=64)
    evidence_due_on: IsoDate


class DisputeResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["won", "lost"]


class DisputeOut(BaseModel):
    id: int
    payment_id: int
    amount: Money
    reason: str
    status: str
    opened_at: dt.datetime
    evidence_due_on: IsoDate
    closed_at: dt.datetime | None
    gateway_reference: str | None

    @classmethod
    def build(cls, d: Dispute) -> DisputeOut:
        return cls(id=d.id, payment_id=d.payment_id, amount=Money.of(d.amount_minor, d.currency), reason=d.reason,
                   status=d.status, opened_at=d.opened_at, evidence_due_on=d.evidence_due_on,
                   closed_at=d.closed_at, gateway_reference=d.gateway_reference)


def plan_out(plan: PaymentPlan, booking_ref: str, booking_status: str, installments: list[Installment],
             received_minor: int) -> PlanOut:
    return PlanOut(id=plan.id, booking_ref=booking_ref, booking_status=booking_status, kind=plan.kind,
                   total=Money.of(plan.total_minor, plan.currency), received=Money.of(received_minor, plan.currency),
                   outstanding=Money.of(plan.total_minor - received_minor, plan.currency),
                   installments=[InstallmentOut.build(i) for i in installments])
