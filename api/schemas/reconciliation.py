"""Request and response bodies of /api/v1/reconciliation. Amounts are decimal strings in the
invoice's currency on the way in (parsed exactly, never through a float) and on the way out."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import DbId, DecimalString, IsoDate, TxnKey


class AllocationIn(BaseModel):
    invoice_id: DbId
    amount: DecimalString = Field(
        description="decimal amount in the invoice's currency, e.g. '1250.50'; negative for a refund")


class MatchCreate(BaseModel):
    txn_key: TxnKey = Field(description="'bank:<id>', 'payment:<id>' or 'refund:<id>'")
    invoice_id: DbId
    amount: DecimalString
    note: str | None = Field(default=None, max_length=200)


class SplitCreate(BaseModel):
    txn_key: TxnKey
    allocations: list[AllocationIn] = Field(min_length=2, max_length=50)
    note: str | None = Field(default=None, max_length=200)


class WriteOffCreate(BaseModel):
    invoice_id: DbId
    amount: DecimalString
    note: str = Field(min_length=1, max_length=200, description="why the difference is written off")


class MatchOut(BaseModel):
    id: int
    txn_key: str
    invoice_id: int | None = Field(description="null for a booking not invoiced yet and for payouts")
    booking_id: int | None
    installment_id: int | None = Field(description="the plan installment this part of the money fills")
    settlement_batch_id: int | None = Field(description="set for a gateway payout line (rule payout_batch)")
    amount: str
    currency: str
    rule: str
    confidence: float
    origin: str
    decision_id: int | None


class DecisionOut(BaseModel):
    """One step of the audit trail: who (role, key, staff user) did what, when, on what."""

    id: int
    action: str = Field(description="match, split, unmatch or write_off")
    txn_key: str | None
    invoice_id: int | None
    booking_id: int | None = None
    settlement_batch_id: int | None = None
    match_id: int | None = Field(default=None, description="for an unmatch: the allocation it removed")
    amount: str | None = Field(description="in `currency`, the invoice's")
    currency: str | None
    txn_amount: str | None = Field(default=None, description="the allocation in the transaction's currency")
    txn_currency: str | None = None
    fx_rate: str | None = Field(default=None, description="1 unit of `currency` in `txn_currency`, when they differ")
    fx_rate_date: IsoDate | None = None
    fx_source: str | None = None
    actor_role: str | None
    actor_key_id: int | None
    actor_staff_user_id: int | None = None
    decided_at: dt.datetime
    revoked_at: dt.datetime | None = Field(default=None, description="set when a later unmatch undid it")
    note: str | None


class ExceptionOut(BaseModel):
    id: int
    txn_key: str
    reason: str
    suggestions: list[str]
    amount: str
    currency: str
    booked_on: IsoDate
    age_days: int
