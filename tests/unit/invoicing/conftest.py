"""Invoicing unit fixtures on the shared `session` (tests/conftest.py): two finance staff (maker and checker) and a helper that takes a booking to issued."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from tests import factories as f
from tourstack.db.models import Booking, Invoice, Payment, Refund
from tourstack.invoicing import Actor, InvoicingConfig, approve, create_draft, issue, submit

NOW = dt.datetime(2025, 6, 10, 9, 30, tzinfo=dt.UTC)  # fiscal year 2025-26
CONFIG = InvoicingConfig()


@dataclass
class Staff:
    maker: Actor
    checker: Actor


@pytest.fixture
def staff(session: Session) -> Staff:
    maker = f.make_staff_user(session, role="finance")
    checker = f.make_staff_user(session, role="finance")
    return Staff(
        maker=Actor(role="finance", key_id=101, staff_user_id=maker.id),
        checker=Actor(role="finance", key_id=102, staff_user_id=checker.id),
    )


def booking_for(session: Session, *, country: str = "IN", state: str | None = "DL",
                sells: tuple[int, ...] = (40_000_00, 25_500_50)) -> Booking:
    agency = f.make_agency(session, country_code=country, state_code=state)
    booking = f.make_booking(session, f.make_agent(session, agency))
    for sell in sells:
        f.make_booking_item(session, booking, sell_minor=sell)
    return booking


def issued_invoice(session: Session, staff: Staff, booking: Booking | None = None,
                   *, now: dt.datetime = NOW, config: InvoicingConfig = CONFIG) -> Invoice:
    booking = booking or booking_for(session)
    invoice = create_draft(session, booking.id, actor=staff.maker, config=config, now=now)
    submit(session, invoice.id, actor=staff.maker, now=now)
    approve(session, invoice.id, actor=staff.checker, now=now)
    return issue(session, invoice.id, actor=staff.checker, config=config, now=now)


def add_payment(session: Session, invoice: Invoice, amount_minor: int, *,
                status: str = "succeeded", refunded_minor: int = 0) -> Payment:
    """A gateway payment applied to the invoice, optionally with a succeeded refund."""
    payment = Payment(
        booking_id=invoice.booking_id, invoice_id=invoice.id, gateway="razorpay",
        gateway_reference=f"pay_{f._next()}", method="upi", amount_minor=amount_minor,
        currency=invoice.currency, fee_minor=0, status=status, attempted_at=NOW,
    )
    session.add(payment)
    session.flush()
    if refunded_minor:
        session.add(Refund(payment_id=payment.id, amount_minor=refunded_minor,
                           currency=invoice.currency, reason="cancellation", status="succeeded",
                           gateway_reference=f"rfnd_{f._next()}", refunded_at=NOW))
        session.flush()
    return payment
