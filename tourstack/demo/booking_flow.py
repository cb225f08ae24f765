"""The demo's booking story, through the real booking service and the outbox.

Why a step of its own: the seeded bookings are written in bulk and announce nothing, so the demo
would show no booking message. This books two open quotes, changes the first (one more
traveller) and cancels the second, then delivers their messages through the configured
transports: without workspaces connected, `var/outbox/` then holds the Slack messages (the
update and cancellation threaded on their booking), the Teams card, the calendar events and the
customer's `.eml` with its ICS invite (REQUEST, then SEQUENCE 1, and CANCEL), and the WhatsApp
booking confirmation of the first booking's customer, whose opt-in the demo records first
(source `demo`): without an opt-in nothing may go to a customer's WhatsApp.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select

from tourstack.bookings import BookingChange, NewBooking, cancel_booking, create_booking, update_booking
from tourstack.db.base import utcnow
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Booking, Customer, OutboxMessage, Quote, QuoteRequest

DEMO_CHANNELS = ("slack", "teams", "calendar", "email", "whatsapp")


@dataclass
class BookingFlow:
    booked: list[str] = field(default_factory=list)
    updated: str | None = None
    cancelled: str | None = None
    opted_in: str | None = None  # the WhatsApp number the demo recorded consent for
    sent: int = 0


def _reachable_customer(session, quote: Quote) -> int | None:
    """A customer of the quote's agency whose number is a valid WhatsApp number (many seeded
    numbers are not: the generator writes any country code), preferring the request's own."""
    from tourstack.messaging.whatsapp.phones import maybe_e164

    request = session.get(QuoteRequest, quote.quote_request_id)
    own = session.get(Customer, request.customer_id) if request.customer_id else None
    candidates = [own] if own is not None and own.deleted_at is None else []
    candidates += session.scalars(select(Customer).where(Customer.agency_id == quote.agency_id,
                                                         Customer.deleted_at.is_(None), Customer.email.is_not(None),
                                                         Customer.phone.is_not(None))
                                  .order_by(Customer.id).limit(500))
    for customer in candidates:
        if maybe_e164(customer.phone, region=customer.country_code):
            return customer.id
    return None


def _opt_in(session, customer_id: int | None) -> str | None:
    """Record the customer's WhatsApp opt-in, as a booking form would, when the number is valid."""
    from tourstack.messaging.whatsapp.consent import record_opt_in
    from tourstack.messaging.whatsapp.phones import maybe_e164

    customer = session.get(Customer, customer_id) if customer_id else None
    phone = maybe_e164(customer.phone, region=customer.country_code) if customer is not None else None
    if phone is None:
        return None
    record_opt_in(session, phone, source="demo", customer_id=customer.id)
    return phone


def _open_quotes(session, today: dt.date, limit: int) -> list[Quote]:
    booked = select(Booking.quote_id).where(Booking.quote_id.is_not(None))
    return list(session.scalars(select(Quote).where(Quote.status.in_(("sent", "accepted")), Quote.valid_until >= today,
                                                    Quote.deleted_at.is_(None), Quote.id.not_in(booked))
                                .order_by(Quote.id).limit(limit)))


def _customer_id(session, quote: Quote) -> int | None:
    request = session.get(QuoteRequest, quote.quote_request_id)
    if request.customer_id:
        return None  # the request names one
    return session.scalar(select(Customer.id).where(Customer.agency_id == quote.agency_id,
                                                    Customer.email.is_not(None)).order_by(Customer.id).limit(1))


def run_booking_flow(settings, *, today: dt.date | None = None) -> BookingFlow:
    """Book, change and cancel through `tourstack.bookings`, then dispatch the demo channels."""
    from tourstack.messaging import config_from_settings, dispatch_due, transports_from_settings

    today = today or dt.date.today()
    start = today + dt.timedelta(days=30)
    flow = BookingFlow()
    engine = make_engine(settings.operational_url)
    sessions = make_sessionmaker(engine)
    transports = transports_from_settings(settings, sessions)
    chosen = {channel: transports[channel] for channel in DEMO_CHANNELS if channel in transports}
    config = config_from_settings(settings)

    def deliver() -> None:
        """Each change's messages leave before the next change, as they would in a live system."""
        deadline = time.monotonic() + 20  # Slack is paced at one message a second per channel
        while True:
            flow.sent += dispatch_due(sessions, chosen, config).sent
            with sessions() as s:
                waiting = s.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.channel.in_(tuple(chosen)), OutboxMessage.status == "pending",
                    OutboxMessage.next_attempt_at <= utcnow() + dt.timedelta(seconds=5)))
            if not waiting or time.monotonic() > deadline:
                return
            time.sleep(1)

    try:
        with sessions() as session:
            for n, quote in enumerate(_open_quotes(session, today, 2)):
                customer_id = _customer_id(session, quote)
                if n == 0:  # the first booking is for a customer WhatsApp can reach, who opts in
                    customer_id = _reachable_customer(session, quote) or customer_id
                    flow.opted_in = _opt_in(session, customer_id or session.get(
                        QuoteRequest, quote.quote_request_id).customer_id)
                data = NewBooking(quote_id=quote.id, customer_id=customer_id, travel_start=start,
                                  travel_end=start + dt.timedelta(days=6))
                flow.booked.append(create_booking(session, data, agency_id=None, today=today).booking.booking_ref)
                session.commit()
                deliver()
            if flow.booked:
                update_booking(session, flow.booked[0], BookingChange(travel_end=start + dt.timedelta(days=7)),
                               agency_id=None, today=today)
                session.commit()
                flow.updated = flow.booked[0]
                deliver()
            if len(flow.booked) > 1:
                cancel_booking(session, flow.booked[1], "customer changed plans (demo)", agency_id=None)
                session.commit()
                flow.cancelled = flow.booked[1]
                deliver()
    finally:
        engine.dispose()
    return flow
