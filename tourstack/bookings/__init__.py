"""Bookings: create one from a quote, change its trip or contacts, cancel it.

Each change is one transaction that also announces it (`booking.created`, `.updated`,
`.cancelled`, tourstack.messaging.events.announce_booking), so Slack, Teams, the calendars and
the customer's e-mail invite hear of exactly the changes that commit. Nothing here commits.
"""

from tourstack.bookings.changes import (
    BookingChange,
    Cancelled,
    Changed,
    cancel_booking,
    lock_booking,
    update_booking,
)
from tourstack.bookings.create import Created, NewBooking, create_booking
from tourstack.bookings.errors import (
    BookingClosed,
    BookingError,
    BookingNotFound,
    IdempotencyKeyReused,
    InvalidBooking,
    QuoteNotBookable,
    QuoteNotFound,
)

__all__ = [
    "BookingChange", "BookingClosed", "BookingError", "BookingNotFound", "Cancelled", "Changed", "Created",
    "IdempotencyKeyReused", "InvalidBooking", "NewBooking", "QuoteNotBookable", "QuoteNotFound",
    "cancel_booking", "create_booking", "lock_booking", "update_booking",
]
