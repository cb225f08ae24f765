"""Completing bank transfers from bank statement lines carrying a virtual account reference.

A credit line whose reference contains `TSVA<booking_ref>` pays that booking: the oldest pending
bank-transfer payment of the same amount and currency succeeds; without one, a new succeeded
payment is recorded (payers often transfer without asking for details first). A line is used
once: the payment keeps the line id in `capture_reference` (`bsl-<id>`).
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import BankStatementLine, Booking, Payment
from tourstack.payments.bank_transfer import NAME, PREFIX, virtual_account_reference
from tourstack.payments.plans import refresh_booking

_REF = re.compile(rf"{PREFIX}([A-Z0-9]+)")


def match_bank_lines(session: Session, *, now: dt.datetime | None = None) -> int:
    """Match unmatched credit lines to bookings; returns how many payments completed."""
    now = now or dt.datetime.now(dt.UTC)
    used = set(session.scalars(select(Payment.capture_reference).where(Payment.gateway == NAME,
                                                                       Payment.capture_reference.is_not(None))))
    bookings = {virtual_account_reference(b.booking_ref): b for b in session.scalars(
        select(Booking).where(Booking.status.in_(("pending", "confirmed"))))}
    matched = 0
    for line in session.scalars(select(BankStatementLine).where(BankStatementLine.amount_minor > 0,
                                                                BankStatementLine.reference.like(f"%{PREFIX}%"))):
        tag = f"bsl-{line.id}"
        found = _REF.search((line.reference or "").upper().replace("-", ""))
        if tag in used or not found or f"{PREFIX}{found.group(1)}" not in bookings:
            continue
        booking = bookings[f"{PREFIX}{found.group(1)}"]
        payment = session.scalar(select(Payment).where(
            Payment.booking_id == booking.id, Payment.gateway == NAME, Payment.status == "pending",
            Payment.amount_minor == line.amount_minor, Payment.currency == line.currency).order_by(Payment.id))
        if payment is None:
            payment = Payment(booking_id=booking.id, gateway=NAME, gateway_reference=f"{PREFIX}{found.group(1)}",
                              method="bank_transfer", amount_minor=line.amount_minor, currency=line.currency,
                              fee_minor=0, status="pending", attempted_at=now)
            session.add(payment)
        payment.status, payment.capture_reference = "succeeded", tag
        session.flush()
        refresh_booking(session, booking, today=now.date())
        used.add(tag)
        matched += 1
    return matched
