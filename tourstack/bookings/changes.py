"""Changing and cancelling a booking: under a row lock, announced in the same transaction.

Why `SELECT ... FOR UPDATE`: two people editing one booking at once (an agent moving the dates
while ops cancel it) must not both apply what they decided on a state that no longer holds. The
lock makes the second wait until the first commits and then decide on the fresh row: a change
to a booking cancelled meanwhile is refused (409), a second cancellation too.

Money: a change of dates, travellers or contacts does not reprice the booking (the price was
agreed in the quote; a new price is a new quote). Cancelling charges no fee, because no
cancellation policy exists in the code to derive one from; money already received is returned
through the refunds flow (`POST /api/v1/payments/{id}/refunds`), which the cancellation reports
as `received_minor` but never starts by itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.bookings.errors import BookingClosed, BookingNotFound, InvalidBooking
from tourstack.bookings.rules import check_trip
from tourstack.db.models import Booking, Customer
from tourstack.messaging.events import announce_booking

CLOSED = frozenset({"cancelled", "completed"})
_UNSET = object()


@dataclass(frozen=True)
class BookingChange:
    """Only the fields given change; contacts are the booking's customer's."""

    travel_start: dt.date | None = None
    travel_end: dt.date | None = None
    travellers: int | None = None
    customer_email: str | None = None
    customer_phone: str | None = None


@dataclass(frozen=True)
class Changed:
    booking: Booking
    changed: bool


@dataclass(frozen=True)
class Cancelled:
    booking: Booking
    received_minor: int  # money received and not refunded: for the refunds flow to return


def lock_booking(session: Session, booking_ref: str, *, agency_id: int | None) -> Booking:
    """The booking, locked for this transaction and read fresh (not from the session's cache)."""
    stmt = (select(Booking).where(Booking.booking_ref == booking_ref, Booking.deleted_at.is_(None))
            .with_for_update().execution_options(populate_existing=True))
    booking = session.scalar(stmt)
    if booking is None or (agency_id is not None and booking.agency_id != agency_id):
        raise BookingNotFound(f"booking {booking_ref} not found")
    return booking


def _open(booking: Booking) -> None:
    if booking.status in CLOSED:
        raise BookingClosed(f"booking {booking.booking_ref} is {booking.status}: it cannot change any more")


def update_booking(session: Session, booking_ref: str, change: BookingChange, *, agency_id: int | None,
                   today: dt.date | None = None) -> Changed:
    """Apply the change (flushed, not committed) and announce `booking.updated` if anything
    changed. A change that changes nothing announces nothing (a retried PATCH is harmless)."""
    today = today or dt.datetime.now(dt.UTC).date()
    booking = lock_booking(session, booking_ref, agency_id=agency_id)
    _open(booking)
    start = change.travel_start or booking.travel_start
    end = change.travel_end or booking.travel_end
    travellers = change.travellers if change.travellers is not None else booking.travellers
    trip_changed = (start, end, travellers) != (booking.travel_start, booking.travel_end, booking.travellers)
    if trip_changed:
        check_trip(start, end, travellers, today=today)
    customer = session.get(Customer, booking.customer_id)
    contact_changed = False
    if change.customer_email is not None and change.customer_email != customer.email:
        customer.email, contact_changed = change.customer_email, True
    if change.customer_phone is not None and change.customer_phone != customer.phone:
        customer.phone, contact_changed = change.customer_phone, True
    if not trip_changed and not contact_changed:
        return Changed(booking, changed=False)
    booking.travel_start, booking.travel_end, booking.travellers = start, end, travellers
    if not trip_changed:
        booking.updated_at = dt.datetime.now(dt.UTC)  # the contacts are part of what the booking says
    session.flush()
    announce_booking(session, booking, "updated")
    return Changed(booking, changed=True)


def cancel_booking(session: Session, booking_ref: str, reason: str, *, agency_id: int | None,
                   now: dt.datetime | None = None) -> Cancelled:
    """Cancel (flushed, not committed) and announce `booking.cancelled`: the calendars cancel
    the trip's event and the customer gets METHOD:CANCEL."""
    from tourstack.payments.plans import received_minor

    now = now or dt.datetime.now(dt.UTC)
    reason = reason.strip()
    if not reason:
        raise InvalidBooking("a cancellation needs a reason")
    booking = lock_booking(session, booking_ref, agency_id=agency_id)
    _open(booking)
    booking.status, booking.cancelled_at, booking.cancellation_reason = "cancelled", now, reason[:200]
    session.flush()
    announce_booking(session, booking, "cancelled")
    return Cancelled(booking, received_minor=received_minor(session, booking))
