"""Rows the races start from, written straight to the shared database (each test its own)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import factories as f
from tourstack.db.models import BankStatementLine, Booking, Invoice, Payment, Refund

NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
HELD = ("pending", "succeeded")  # refunds that count against their payment


def booking(s: Session, total_minor: int, *, status: str = "confirmed", currency: str = "INR") -> Booking:
    return f.make_booking(s, total_sell_minor=total_minor, currency=currency, status=status)


def payment(s: Session, amount_minor: int, *, gateway: str = "razorpay", status: str = "succeeded",
            booking_row: Booking | None = None) -> Payment:
    """A payment of a booking that costs exactly its amount."""
    booking_row = booking_row or booking(s, amount_minor)
    row = Payment(booking_id=booking_row.id, gateway=gateway, gateway_reference=f"pay_{uuid.uuid4().hex[:16]}",
                  method="bank_transfer" if gateway == "bank_transfer" else "upi", amount_minor=amount_minor,
                  currency=booking_row.currency, fee_minor=0, status=status, attempted_at=NOW)
    s.add(row)
    s.flush()
    return row


def held_refunds(s: Session, payment_id: int) -> int:
    return int(s.scalar(select(func.coalesce(func.sum(Refund.amount_minor), 0))
                        .where(Refund.payment_id == payment_id, Refund.status.in_(HELD))))


def issued_invoice(s: Session, total_minor: int, *, currency: str = "EUR") -> Invoice:
    """An issued invoice (numbered outside the counters: reconciliation only needs the number)."""
    booking_row = booking(s, total_minor, currency=currency)
    n = f._next()
    row = Invoice(invoice_number=f"INV-RACE-{uuid.uuid4().hex[:12]}", series="RACE", fiscal_year=2025,
                  sequence_number=n, booking_id=booking_row.id, agency_id=booking_row.agency_id,
                  issued_on=dt.date(2025, 3, 1), due_on=dt.date(2025, 3, 31), currency=currency,
                  subtotal_minor=total_minor, tax_minor=0, total_minor=total_minor, status="issued")
    s.add(row)
    s.flush()
    return row


def bank_line(s: Session, amount_minor: int, *, currency: str = "EUR") -> str:
    row = BankStatementLine(bank_account="DE00RACE", booked_on=dt.date(2025, 3, 10), value_on=dt.date(2025, 3, 10),
                            amount_minor=amount_minor, currency=currency, reference="", counterparty="Race Travel",
                            description="transfer")
    s.add(row)
    s.flush()
    return f"bank:{row.id}"
