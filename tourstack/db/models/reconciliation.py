"""Reconciliation results and the people's decisions about them.

Why three tables: `reconciliation_matches` and `reconciliation_exceptions` hold the latest
automatic run (replaced wholesale each run; `origin` 'auto') plus the manual allocations
(`origin` 'manual', never touched by a run). `reconciliation_decisions` is the audit trail of
every manual step (match, unmatch, split, write_off) with who did it and when; the automatic
run reads it so a person's decision survives the next run: manual allocations are applied
first, unmatched transactions are kept out of automatic matching, and write-offs close the
small differences they cover.

A transaction is named by `txn_key` ('bank:<bank_statement_lines.id>', 'payment:<payments.id>',
'refund:<refunds.id>', or 'batch:<settlement_batches.id>' for a payout that never reached the
bank); amounts are integer minor units of `currency` (the receivable's for matches and
write-offs, the transaction's for exceptions). `confidence` is in hundredths.

What a match points at: an issued invoice (`invoice_id`, and its `booking_id`), or a booking not
invoiced yet (`booking_id` only); with a payment plan, automatic matches are split across the
plan's installments in sequence order (`installment_id`). A gateway payout line on the bank
statement matches its settlement batch (`settlement_batch_id`, no invoice or booking).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, ExactDecimal, MinorUnits, Timestamps, UTCDateTime


class ReconciliationMatch(Timestamps, Base):
    __tablename__ = "reconciliation_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    txn_key: Mapped[str] = mapped_column(String(40), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    installment_id: Mapped[int | None] = mapped_column(ForeignKey("installments.id"), index=True)
    settlement_batch_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_batches.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    rule: Mapped[str] = mapped_column(String(40))
    confidence: Mapped[int] = mapped_column(SmallInteger)
    origin: Mapped[str] = mapped_column(String(8), index=True)  # auto, manual
    run_id: Mapped[str | None] = mapped_column(String(40), index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("reconciliation_decisions.id"))
    booked_on: Mapped[dt.date] = mapped_column(Date)


class ReconciliationException(Timestamps, Base):
    __tablename__ = "reconciliation_exceptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    txn_key: Mapped[str] = mapped_column(String(40), index=True)
    reason: Mapped[str] = mapped_column(String(32), index=True)
    suggestions: Mapped[str | None] = mapped_column(String(200))
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    booked_on: Mapped[dt.date] = mapped_column(Date, index=True)
    age_days: Mapped[int] = mapped_column(Integer)
    run_id: Mapped[str] = mapped_column(String(40), index=True)


class ReconciliationDecision(Timestamps, Base):
    """`action`: match, unmatch, split, write_off. `revoked_at` is set when a later decision
    (deleting a manual match) undoes this one; rows are never deleted."""

    __tablename__ = "reconciliation_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(String(16), index=True)
    txn_key: Mapped[str | None] = mapped_column(String(40), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount_minor: Mapped[int | None] = mapped_column(MinorUnits)
    currency: Mapped[str | None] = mapped_column(String(3))
    match_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    actor_key_id: Mapped[int | None] = mapped_column(Integer)
    actor_staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # What the decision concerns besides an invoice (money matched to a booking not invoiced yet,
    # a payout line's settlement batch), so an unmatch names the exact pair it undoes.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    settlement_batch_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_batches.id"), index=True)
    # An allocation in the transaction's currency, and the conversion behind it when the
    # invoice's currency differs (fx_rate: 1 unit of the invoice's currency in txn_currency, the
    # date of that rate and its source).
    txn_amount_minor: Mapped[int | None] = mapped_column(MinorUnits)
    txn_currency: Mapped[str | None] = mapped_column(String(3))
    fx_rate: Mapped[Decimal | None] = mapped_column(ExactDecimal)
    fx_rate_date: Mapped[dt.date | None] = mapped_column(Date)
    fx_source: Mapped[str | None] = mapped_column(String(40))
