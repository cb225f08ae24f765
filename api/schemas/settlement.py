"""Supplier dues and payouts as the API shows and accepts them.

Amounts are decimal strings with their currency (never JSON numbers); all of it is
operator-internal (agents have no access).
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.schemas.common import AuditEventFields, DbId, IsoDate, Money
from tourstack.db.models import BookingItem, SupplierPayout, SupplierPayoutEvent, SupplierPayoutItem
from tourstack.supplier_payouts import SupplierDue


class DueOut(BaseModel):
    currency: str
    due_on: IsoDate
    overdue: bool = Field(description="due before as_of and not fully paid")
    item_count: int
    cost: Money
    paid: Money
    in_payment: Money = Field(description="in a payout pending approval or approved")
    outstanding: Money = Field(description="cost not yet paid")
    unproposed: Money = Field(description="outstanding and in no payout yet")

    @classmethod
    def build(cls, due: SupplierDue) -> DueOut:
        def m(minor: int) -> Money:
            return Money.of(minor, due.currency)

        return cls(
            currency=due.currency, due_on=due.due_on, overdue=due.overdue,
            item_count=due.item_count, cost=m(due.cost_minor), paid=m(due.paid_minor),
            in_payment=m(due.in_payment_minor), outstanding=m(due.outstanding_minor),
            unproposed=m(due.unproposed_minor),
        )


class SupplierDues(BaseModel):
    supplier_id: int
    supplier_name: str
    payment_terms_days: int
    as_of: IsoDate
    dues: list[DueOut]
    outstanding: list[Money] = Field(description="total still owed, one entry per currency")
    overdue: list[Money] = Field(description="total owed and past due, one entry per currency")


class ProposalIn(BaseModel):
    """Propose payouts for every due (by due date) in the period not yet in a payout."""

    model_config = ConfigDict(extra="forbid")

    period_start: IsoDate
    period_end: IsoDate
    supplier_id: DbId | None = Field(default=None, description="limit to one supplier")

    @model_validator(mode="after")
    def _ordered(self) -> ProposalIn:
        if self.period_end < self.period_start:
            raise ValueError("period_end is before period_start")
        return self


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(default=None, max_length=200)


class MarkPaidIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reference: str = Field(min_length=1, max_length=64, description="bank transfer reference")
    paid_on: IsoDate


class PayoutOut(BaseModel):
    id: int
    supplier_id: int
    status: str
    amount: Money
    period_start: IsoDate
    period_end: IsoDate
    approved_by_staff_id: int | None
    approved_at: dt.datetime | None
    paid_on: IsoDate | None
    reference: str | None
    created_at: dt.datetime

    @classmethod
    def build(cls, p: SupplierPayout) -> PayoutOut:
        return cls(
            id=p.id, supplier_id=p.supplier_id, status=p.status,
            amount=Money.of(p.amount_minor, p.currency), period_start=p.period_start,
            period_end=p.period_end, approved_by_staff_id=p.approved_by_staff_id,
            approved_at=p.approved_at, paid_on=p.paid_on, reference=p.reference,
            created_at=p.created_at,
        )


class PayoutItemOut(BaseModel):
    booking_item_id: int
    booking_id: int
    description: str
    service_date: IsoDate
    cost: Money
    amount: Money = Field(description="part of the cost this payout settles")
    live: bool = Field(description="false once the payout is rejected")


class PayoutEventOut(AuditEventFields):
    pass


class PayoutDetail(PayoutOut):
    items: list[PayoutItemOut]
    events: list[PayoutEventOut]

    @classmethod
    def build_detail(
        cls, p: SupplierPayout, items: list[tuple[SupplierPayoutItem, BookingItem]],
        events: list[SupplierPayoutEvent],
    ) -> PayoutDetail:
        return cls(
            **PayoutOut.build(p).model_dump(),
            items=[
                PayoutItemOut(
                    booking_item_id=item.id, booking_id=item.booking_id,
                    description=item.description, service_date=item.service_date,
                    cost=Money.of(item.cost_minor, item.cost_currency),
                    amount=Money.of(link.amount_minor, p.currency),
                    live=link.live_booking_item_id is not None,
                )
                for link, item in items
            ],
            events=[PayoutEventOut.model_validate(e, from_attributes=True) for e in events],
        )


class ProposalOut(BaseModel):
    payouts: list[PayoutOut] = Field(description="payouts created; empty when nothing was left to propose")
