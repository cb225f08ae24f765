"""Refusals of the booking service, in the families of tourstack.errors (the API answers each
family with its status: not found 404, conflict 409, invalid 422). Messages are safe to show."""

from __future__ import annotations

from tourstack.errors import Conflict, DomainError, Invalid, NotFound


class BookingError(DomainError):
    code = "booking-error"


class BookingNotFound(BookingError, NotFound):
    """No such booking, or another agency's (the same words, so ids cannot be probed)."""

    code = "not-found"


class QuoteNotFound(BookingError, NotFound):
    """No such quote, or another agency's."""

    code = "not-found"


class QuoteNotBookable(BookingError, Conflict):
    """The quote was rejected, has expired, or already has its booking."""

    code = "quote-not-bookable"
    title = "Quote not bookable"


class BookingClosed(BookingError, Conflict):
    """A cancelled or completed booking cannot change any more."""

    code = "booking-closed"
    title = "Booking closed"


class IdempotencyKeyReused(BookingError, Conflict):
    """The key made a booking from other parameters: a client bug, never a retry."""

    code = "idempotency-key-reused"
    title = "Idempotency key reused"


class InvalidBooking(BookingError, Invalid):
    """Dates in the past, an end before the start, no traveller, a customer not the agency's."""

    code = "invalid-booking"
    title = "Invalid booking"
