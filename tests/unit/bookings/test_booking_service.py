"""The booking service: each committed change announced exactly once, nothing on rollback,
and the refusals (unknown or spent quotes, bad dates, closed bookings, another agency's)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests import factories as f
from tourstack.bookings import (
    BookingChange,
    BookingClosed,
    BookingNotFound,
    IdempotencyKeyReused,
    InvalidBooking,
    NewBooking,
    QuoteNotBookable,
    QuoteNotFound,
    cancel_booking,
    create_booking,
    update_booking,
)
from tourstack.db.models import Booking, Customer, OutboxMessage, Quote

TODAY = dt.date(2026, 9, 1)  # before the factories' trip (2026-10-01 .. 07)


def events(session, event_type: str) -> list[OutboxMessage]:
    return session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event_type)
                           .order_by(OutboxMessage.id)).all()


@pytest.fixture
def quote(session):
    agent = f.make_agent(session)
    customer = f.make_customer(session, session.get(f.Agency, agent.agency_id))
    request = f.make_quote_request(session, agent, customer=customer, adults=2, children=1)
    quote = f.make_quote(session, request, total_minor=250_000_00, cost_minor=200_000_00)
    session.commit()
    return quote


def book(session, quote, **kw):
    return create_booking(session, NewBooking(quote_id=quote.id, **kw), agency_id=None, today=TODAY)


def test_a_booking_takes_the_quotes_price_and_the_requests_trip_and_is_announced_once(session, quote):
    created = book(session, quote)
    session.commit()
    booking = created.booking
    assert (booking.total_sell_minor, booking.total_cost_minor, booking.currency) == (250_000_00, 200_000_00, "INR")
    assert (booking.travel_start, booking.travel_end, booking.travellers) == (dt.date(2026, 10, 1),
                                                                              dt.date(2026, 10, 7), 3)
    assert booking.status == "pending" and booking.booking_ref.startswith("TB") and len(booking.booking_ref) == 9
    assert session.get(Quote, quote.id).status == "accepted"
    channels = {m.channel for m in events(session, "booking.created")}
    assert channels == {"slack", "teams", "calendar", "email"}
    assert len(events(session, "booking.created")) == 4


def test_a_rolled_back_creation_leaves_neither_booking_nor_message(session, quote):
    book(session, quote)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Booking)) == 0
    assert events(session, "booking.created") == []
    assert session.get(Quote, quote.id).status == "sent"


def test_one_quote_makes_one_booking_and_the_same_key_replays_it(session, quote):
    first = create_booking(session, NewBooking(quote_id=quote.id), agency_id=None, idempotency_key="k:abc12345",
                           today=TODAY)
    session.commit()
    again = create_booking(session, NewBooking(quote_id=quote.id), agency_id=None, idempotency_key="k:abc12345",
                           today=TODAY)
    assert again.replayed and again.booking.id == first.booking.id
    with pytest.raises(IdempotencyKeyReused):
        create_booking(session, NewBooking(quote_id=quote.id, travellers=2), agency_id=None,
                       idempotency_key="k:abc12345", today=TODAY)
    with pytest.raises(QuoteNotBookable, match="booked already"):
        book(session, quote)
    assert len(events(session, "booking.created")) == 4


@pytest.mark.parametrize("overrides, error, words", [
    ({"status": "rejected"}, QuoteNotBookable, "rejected"),
    ({"valid_until": dt.date(2026, 8, 31)}, QuoteNotBookable, "expired"),
])
def test_spent_quotes_are_refused(session, quote, overrides, error, words):
    for name, value in overrides.items():
        setattr(quote, name, value)
    session.commit()
    with pytest.raises(error, match=words):
        book(session, quote)


@pytest.mark.parametrize("kw, words", [
    ({"travel_start": dt.date(2026, 8, 1)}, "in the past"),
    ({"travel_end": dt.date(2026, 9, 30)}, "before travel_start"),
    ({"travellers": 0}, "between 1 and"),
])
def test_bad_trips_are_refused_and_write_nothing(session, quote, kw, words):
    with pytest.raises(InvalidBooking, match=words):
        book(session, quote, **kw)
    session.rollback()
    assert events(session, "booking.created") == []


def test_another_agencys_quote_is_not_found_like_a_missing_one(session, quote):
    other = f.make_agency(session)
    session.commit()
    with pytest.raises(QuoteNotFound):
        create_booking(session, NewBooking(quote_id=quote.id), agency_id=other.id, today=TODAY)
    with pytest.raises(QuoteNotFound):
        create_booking(session, NewBooking(quote_id=999_999), agency_id=None, today=TODAY)


def test_a_request_without_customer_needs_one_of_the_agency(session):
    quote = f.make_quote(session)
    stranger = f.make_customer(session)  # another agency's traveller
    session.commit()
    with pytest.raises(InvalidBooking, match="customer"):
        book(session, quote)
    with pytest.raises(InvalidBooking, match="customer"):
        book(session, quote, customer_id=stranger.id)


def test_an_update_is_announced_once_per_real_change(session, quote):
    booking = book(session, quote).booking
    session.commit()
    changed = update_booking(session, booking.booking_ref, BookingChange(travellers=4), agency_id=None, today=TODAY)
    session.commit()
    same = update_booking(session, booking.booking_ref, BookingChange(travellers=4), agency_id=None, today=TODAY)
    session.commit()
    assert changed.changed and not same.changed
    assert {m.channel for m in events(session, "booking.updated")} == {"slack", "calendar", "email"}
    assert len(events(session, "booking.updated")) == 3
    update_booking(session, booking.booking_ref, BookingChange(customer_email="new@example.test"), agency_id=None,
                   today=TODAY)
    session.commit()
    assert session.get(Customer, booking.customer_id).email == "new@example.test"
    assert len(events(session, "booking.updated")) == 6
    assert events(session, "booking.updated")[-1].recipient in {"new@example.test", "#bookings", "operations"}


def test_an_update_rolled_back_leaves_no_message(session, quote):
    booking = book(session, quote).booking
    session.commit()
    update_booking(session, booking.booking_ref, BookingChange(travel_end=dt.date(2026, 10, 9)), agency_id=None,
                   today=TODAY)
    session.rollback()
    assert events(session, "booking.updated") == []
    assert session.get(Booking, booking.id).travel_end == dt.date(2026, 10, 7)


def test_cancel_once_then_the_booking_is_closed(session, quote):
    booking = book(session, quote).booking
    session.commit()
    with pytest.raises(InvalidBooking, match="reason"):
        cancel_booking(session, booking.booking_ref, "  ", agency_id=None)
    result = cancel_booking(session, booking.booking_ref, "customer fell ill", agency_id=None)
    session.commit()
    assert result.booking.status == "cancelled" and result.received_minor == 0
    assert result.booking.cancellation_reason == "customer fell ill" and result.booking.cancelled_at is not None
    assert len(events(session, "booking.cancelled")) == 3
    with pytest.raises(BookingClosed):
        cancel_booking(session, booking.booking_ref, "again", agency_id=None)
    with pytest.raises(BookingClosed):
        update_booking(session, booking.booking_ref, BookingChange(travellers=1), agency_id=None, today=TODAY)
    assert len(events(session, "booking.cancelled")) == 3 and events(session, "booking.updated") == []


def test_a_completed_booking_cannot_change(session):
    booking = f.make_booking(session, status="completed")
    session.commit()
    with pytest.raises(BookingClosed):
        update_booking(session, booking.booking_ref, BookingChange(travellers=1), agency_id=None, today=TODAY)


def test_another_agencys_booking_is_not_found(session, quote):
    booking = book(session, quote).booking
    other = f.make_agency(session)
    session.commit()
    with pytest.raises(BookingNotFound):
        update_booking(session, booking.booking_ref, BookingChange(travellers=1), agency_id=other.id, today=TODAY)
    with pytest.raises(BookingNotFound):
        cancel_booking(session, booking.booking_ref, "no", agency_id=other.id)
    assert session.get(Booking, booking.id).status == "pending"
