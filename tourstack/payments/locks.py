"""Locks of the payments domain, in the order of tourstack.db.locking: booking, then payment.

Every write that moves a booking's money (a payment, a capture, a refund and its approval or
payout, a gateway's answer, a new plan) takes the booking's lock first, so they are decided one
after the other per booking and two of them never wait on each other in a cycle.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.locking import lock_row
from tourstack.db.models import Booking, Payment
from tourstack.payments.errors import NotFound


def lock_booking(session: Session, booking_id: int) -> Booking:
    booking = lock_row(session, Booking, booking_id)
    if booking is None:
        raise NotFound(f"booking {booking_id} not found")
    return booking


def lock_payment(session: Session, payment_id: int) -> Payment:
    """Lock the payment's booking, then the payment; returns the payment as committed. Nothing
    pending in the session is flushed first (that would lock child rows before their parents)."""
    with session.no_autoflush:
        booking_id = session.scalar(select(Payment.booking_id).where(Payment.id == payment_id))
        if booking_id is None:
            raise NotFound(f"payment {payment_id} not found")
        lock_booking(session, booking_id)
        return lock_row(session, Payment, payment_id)
