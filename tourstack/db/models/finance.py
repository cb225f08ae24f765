"""Money movements: invoices, payment plans, payments, refunds, disputes, settlements,
bank statements, supplier payouts, FX rates and marketing spend.

All amounts are integer minor units beside their ISO 4217 currency (see tourstack.money).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, ExactDecimal, MinorUnits, Timestamps, UTCDateTime


class Invoice(Timestamps, Base):
    """A tax invoice or a credit note (`kind`: invoice, credit_note).

    `status`: draft, pending_approval, approved, issued, partially_paid, paid, void. Credit
    notes are stored here too (series CN, `credited_invoice_id` set, amounts positive: the
    kind says which way they count) so numbering, rendering and the warehouse treat both
    documents alike. `invoice_number` and `sequence_number` stay empty until issue; the
    workflow lives in tourstack.invoicing. Tax totals per component (cgst/sgst/igst/vat) are
    sums of the lines' components.
    """

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("series", "fiscal_year", "sequence_number"),
        # The list's filter (agency, status) and its newest-first order by id, from one index.
        Index("ix_invoices_agency_status_id", "agency_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    series: Mapped[str] = mapped_column(String(8))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    sequence_number: Mapped[int | None] = mapped_column(Integer)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    subtotal_minor: Mapped[int] = mapped_column(MinorUnits)
    tax_minor: Mapped[int] = mapped_column(MinorUnits)
    total_minor: Mapped[int] = mapped_column(MinorUnits)
    status: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="invoice", server_default="invoice")
    credited_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoices.id"), index=True
    )
    # intra_state (CGST+SGST), inter_state (IGST), export (zero-rated), vat
    tax_regime: Mapped[str | None] = mapped_column(String(16))
    place_of_supply: Mapped[str | None] = mapped_column(String(8))  # state or country code
    cgst_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    sgst_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    igst_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    vat_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")


class InvoiceLine(Timestamps, Base):
    """One line; `tax_minor` = cgst + sgst + igst + vat of the line, each rounded on its own.

    A credit note line points at the invoice line it credits (`credited_line_id`), which is
    how the remaining creditable amount per line is known.
    """

    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    line_number: Mapped[int] = mapped_column(SmallInteger)
    description: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_minor: Mapped[int] = mapped_column(MinorUnits)
    tax_rate_bps: Mapped[int] = mapped_column(Integer)  # 1800 = 18.00 %
    tax_minor: Mapped[int] = mapped_column(MinorUnits)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)  # net of tax
    sac_code: Mapped[str | None] = mapped_column(String(8))  # GST services accounting code
    booking_item_id: Mapped[int | None] = mapped_column(ForeignKey("booking_items.id"))
    credited_line_id: Mapped[int | None] = mapped_column(ForeignKey("invoice_lines.id"))
    cgst_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    sgst_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    igst_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")
    vat_minor: Mapped[int] = mapped_column(MinorUnits, default=0, server_default="0")


class PaymentPlan(Timestamps, Base):
    """`kind`: full, deposit_balance, installments."""

    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    total_minor: Mapped[int] = mapped_column(MinorUnits)


class Installment(Timestamps, Base):
    """`status`: pending, paid, partially_paid, overdue, cancelled."""

    __tablename__ = "installments"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_plan_id: Mapped[int] = mapped_column(ForeignKey("payment_plans.id"), index=True)
    sequence: Mapped[int] = mapped_column(SmallInteger)
    due_on: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))


class SettlementBatch(Timestamps, Base):
    """A gateway payout to the bank: gross captured minus fees, paid out on `settled_on`."""

    __tablename__ = "settlement_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(16))
    batch_reference: Mapped[str] = mapped_column(String(64), unique=True)
    currency: Mapped[str] = mapped_column(String(3))
    gross_minor: Mapped[int] = mapped_column(MinorUnits)
    fee_minor: Mapped[int] = mapped_column(MinorUnits)
    net_minor: Mapped[int] = mapped_column(MinorUnits)
    settled_on: Mapped[dt.date] = mapped_column(Date)
    bank_account: Mapped[str] = mapped_column(String(34))


class Payment(Timestamps, Base):
    """A payment attempt at a gateway. `status`: succeeded, failed, pending.

    `fee_minor` is the gateway fee in the payment currency; failed attempts carry a
    `failure_code` and no settlement batch. A gateway capture (gateway, capture_reference) is
    recorded on one payment only; once succeeded, a payment keeps its status, amount and
    currency (a database trigger refuses the change: migration 0014).
    """

    __tablename__ = "payments"
    __table_args__ = (
        Index(
            "uq_payments_gateway_capture_reference", "gateway", "capture_reference", unique=True,
            sqlite_where=text("capture_reference IS NOT NULL"),
            postgresql_where=text("capture_reference IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    invoice_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"), index=True)
    installment_id: Mapped[int | None] = mapped_column(ForeignKey("installments.id"))
    gateway: Mapped[str] = mapped_column(String(16))  # stripe, razorpay, paypal, bank_transfer
    gateway_reference: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(16))  # card, upi, netbanking, paypal, bank_transfer
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    fee_minor: Mapped[int] = mapped_column(MinorUnits, default=0)
    status: Mapped[str] = mapped_column(String(16))
    failure_code: Mapped[str | None] = mapped_column(String(32))
    attempted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    settlement_batch_id: Mapped[int | None] = mapped_column(ForeignKey("settlement_batches.id"))
    # Written by tourstack.payments (nullable: demo and imported rows have none of these).
    # `idempotency_key` is the caller's key, unique, so replaying a request returns this row;
    # `capture_reference` is the gateway's id of the money movement (Razorpay payment id,
    # PayPal capture id) when it differs from the order-level `gateway_reference`.
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    capture_reference: Mapped[str | None] = mapped_column(String(64), index=True)
    payment_method_reference: Mapped[str | None] = mapped_column(String(64))
    retry_count: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    next_retry_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    retry_of_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    # A digest of the parameters of the request that created the row under `idempotency_key`:
    # a replay of the key with different parameters is refused instead of answered with this row.
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))


class Refund(Timestamps, Base):
    """A refund of (part of) a payment. `status`: pending, succeeded, failed.

    `gateway` is the payment's gateway; (gateway, gateway_reference) is unique once the gateway
    has named the refund, so one gateway refund can never be counted twice. A bank-transfer
    refund is paid out by hand: finance records the bank's reference, the date and who recorded
    it (`paid_out_by_key_id`, `paid_out_recorded_at`). Refunds pending or succeeded never add up
    to more than their payment: a database trigger refuses the row that would (migration 0014).
    """

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
        Index(
            "uq_refunds_gateway_gateway_reference", "gateway", "gateway_reference", unique=True,
            sqlite_where=text("gateway_reference <> ''"), postgresql_where=text("gateway_reference <> ''"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # pending, succeeded, failed
    gateway_reference: Mapped[str] = mapped_column(String(64))
    refunded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Refunds above the approval threshold wait (status pending, `approval_required`) until
    # a second person approves; `requested_by_key_id` / `approved_by_key_id` are API key ids.
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    requested_by_key_id: Mapped[int | None] = mapped_column(Integer)
    approved_by_key_id: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    gateway: Mapped[str | None] = mapped_column(String(16))
    paid_out_by_key_id: Mapped[int | None] = mapped_column(Integer)
    paid_out_recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Dispute(Timestamps, Base):
    """A chargeback. `status`: open, won, lost."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    evidence_due_on: Mapped[dt.date] = mapped_column(Date)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    gateway_reference: Mapped[str | None] = mapped_column(String(64), unique=True)


class BankStatementLine(Timestamps, Base):
    """A line of the operator's bank statement (credits positive, debits negative)."""

    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        Index(
            "uq_bank_statement_lines_bank_account_entry_id", "bank_account", "entry_id", unique=True,
            sqlite_where=text("entry_id IS NOT NULL"), postgresql_where=text("entry_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_account: Mapped[str] = mapped_column(String(34), index=True)
    booked_on: Mapped[dt.date] = mapped_column(Date, index=True)
    value_on: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(140))
    counterparty: Mapped[str | None] = mapped_column(String(140))
    description: Mapped[str | None] = mapped_column(String(280))
    # Set for lines that came from a statement file (tourstack.bankfiles). `entry_id` is the
    # bank's own id of the entry; unique per account, so overlapping statements book it once.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("bank_statement_imports.id"), index=True)
    entry_id: Mapped[str | None] = mapped_column(String(64))


class SupplierPayout(Timestamps, Base):
    """`status`: pending_approval, approved, paid, rejected."""

    __tablename__ = "supplier_payouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    approved_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(64))


class FxRate(Timestamps, Base):
    """A published reference rate: 1 `base_currency` = `rate` `quote_currency` on `rate_date`."""

    __tablename__ = "fx_rates"
    __table_args__ = (UniqueConstraint("rate_date", "base_currency", "quote_currency", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rate_date: Mapped[dt.date] = mapped_column(Date, index=True)
    base_currency: Mapped[str] = mapped_column(String(3))
    quote_currency: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal)
    source: Mapped[str] = mapped_column(String(16))  # ecb, openexchangerates


class MarketingSpend(Timestamps, Base):
    """Spend per acquisition channel and calendar month (first day of the month)."""

    __tablename__ = "marketing_spend"
    __table_args__ = (UniqueConstraint("channel", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    month: Mapped[dt.date] = mapped_column(Date)
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    currency: Mapped[str] = mapped_column(String(3))
