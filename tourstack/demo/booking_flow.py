"""The demo's booking story, through the real booking service and the outbox.

Why a step of its own: the seeded bookings are written in bulk and announce nothing, so the demo
would show no booking message. This books two open quotes, changes the first (one more
traveller) and cancels the second, then delivers their messages through the configured
transports: without workspaces connected, `var/outbox/` then holds the Slack messages (the
update and cancellation threaded on their booking), the Teams card, the calendar events and the
customer's `.eml` with its ICS invite (REQUEST, then SEQUENCE 1, and CANCEL).
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

DEMO_CHANNELS = ("slack", "teams", "calendar", "email")


@dataclass
class BookingFlow:
    booked: list[str] = field(default_factory=list)
    updated: str | None = None
    cancelled: str | None = None
    sent: int = 0


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
            for quote in _open_quotes(session, today, 2):
                data = NewBooking(quote_id=quote.id, customer_id=_customer_id(session, quote), travel_start=start,
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
