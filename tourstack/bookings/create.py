"""Creating a booking from a quote: the quote's price, the request's trip, one transaction.

Why only from a quote: the quote is where a price is decided (tourstack.sales.create_quote);
a booking copies its total and cost in minor units, so no amount is ever recomputed or
rounded here. Booking a `sent` quote is the customer accepting it: the quote becomes
`accepted`. The quote row is locked (`FOR UPDATE`) while its booking is made, so two requests
for one quote make one booking; the other is refused (or, with the same Idempotency-Key,
answered with the first one's booking).

The creation is announced (`booking.created`) in the same transaction: the Slack, Teams,
calendar and e-mail messages exist iff the booking commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tourstack.bookings.errors import (
    IdempotencyKeyReused,
    InvalidBooking,
    QuoteNotBookable,
    QuoteNotFound,
)
from tourstack.bookings.refs import insert_with_ref
from tourstack.bookings.rules import check_trip
from tourstack.db.models import Booking, BookingRequest, Customer, Quote, QuoteRequest
from tourstack.messaging.events import announce_booking

BOOKABLE_QUOTES = frozenset({"sent", "accepted"})


@dataclass(frozen=True)
class NewBooking:
    """What a client asks for. Dates and travellers default to the quote request's."""

    quote_id: int
    customer_id: int | None = None
    travel_start: dt.date | None = None
    travel_end: dt.date | None = None
    travellers: int | None = None

    def digest(self) -> str:
        text = json.dumps({k: str(v) if v is not None else None for k, v in self.__dict__.items()}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Created:
    booking: Booking
    replayed: bool


def _replay(session: Session, key: str, data: NewBooking) -> Created | None:
    seen = session.scalar(select(BookingRequest).where(BookingRequest.idempotency_key == key))
    if seen is None:
        return None
    if seen.request_digest != data.digest():
        raise IdempotencyKeyReused("this Idempotency-Key was used for a booking with other parameters")
    return Created(session.get(Booking, seen.booking_id), replayed=True)


def create_booking(session: Session, data: NewBooking, *, agency_id: int | None, idempotency_key: str | None = None,
                   today: dt.date | None = None, now: dt.datetime | None = None) -> Created:
    """Book a quote (flushed, not committed). `agency_id` is the caller's scope (None: staff).
    `idempotency_key` should already carry the caller's scope (`agency7:abc`)."""
    now = now or dt.datetime.now(dt.UTC)
    today = today or now.date()
    quote = session.scalar(select(Quote).where(Quote.id == data.quote_id, Quote.deleted_at.is_(None))
                           .with_for_update())
    if quote is None or (agency_id is not None and quote.agency_id != agency_id):
        raise QuoteNotFound(f"quote {data.quote_id} not found")
    if idempotency_key and (replayed := _replay(session, idempotency_key, data)) is not None:
        return replayed
    request = session.get(QuoteRequest, quote.quote_request_id)
    if quote.status not in BOOKABLE_QUOTES:
        raise QuoteNotBookable(f"quote {quote.quote_number} is {quote.status}")
    if quote.valid_until < today:
        raise QuoteNotBookable(f"quote {quote.quote_number} expired on {quote.valid_until.isoformat()}")
    if session.scalar(select(Booking.id).where(Booking.quote_id == quote.id, Booking.deleted_at.is_(None))):
        raise QuoteNotBookable(f"quote {quote.quote_number} is booked already")
    customer_id = data.customer_id or request.customer_id
    customer = session.get(Customer, customer_id) if customer_id else None
    if customer is None or customer.deleted_at is not None or customer.agency_id != quote.agency_id:
        raise InvalidBooking("the booking needs a customer of the quote's agency (customer_id)")
    start = data.travel_start or request.travel_start
    end = data.travel_end or request.travel_end
    travellers = data.travellers if data.travellers is not None else request.adults + (request.children or 0)
    check_trip(start, end, travellers, today=today)
    booking = Booking(agency_id=quote.agency_id, agent_id=quote.agent_id, customer_id=customer.id, quote_id=quote.id,
                      destination_id=request.destination_id, booked_at=now, travel_start=start, travel_end=end,
                      travellers=travellers, currency=quote.currency, total_sell_minor=quote.total_minor,
                      total_cost_minor=quote.cost_minor, status="pending")
    insert_with_ref(session, booking)
    quote.status = "accepted"
    quote.responded_at = quote.responded_at or now
    if idempotency_key:
        _remember(session, idempotency_key, data, booking)
    announce_booking(session, booking, "created")  # in this transaction: messages iff the booking
    return Created(booking, replayed=False)


def _remember(session: Session, key: str, data: NewBooking, booking: Booking) -> None:
    row = BookingRequest(idempotency_key=key, request_digest=data.digest(), booking_id=booking.id)
    if session.get_bind().dialect.name == "sqlite":
        session.add(row)
        session.flush()
        return
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same key is booking another quote at this moment
        raise IdempotencyKeyReused("this Idempotency-Key is in use by another booking request") from None
