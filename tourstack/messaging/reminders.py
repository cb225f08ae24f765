"""Customer reminders: an overdue receivable, and the trip a week and a day before it starts.

Why keys by bucket and by day: a daily run must remind once per step, not every day. A payment
reminder's key is the invoice and its AR ageing bucket (tourstack.finance.aging.bucket), so a
customer hears once when the invoice turns overdue and again only when it ages into the next
bucket; a trip reminder's key is the booking and the lead (7d, 1d). Each goes to the customer's
WhatsApp only when the number has a current opt-in (events.customer_recipients).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Invoice
from tourstack.finance.aging import bucket
from tourstack.invoicing.payments import invoice_balance, overdue_invoices
from tourstack.messaging.config import MessagingConfig
from tourstack.messaging.events import booking_facts, customer_recipients
from tourstack.messaging.outbox import Event, Routed, route_event
from tourstack.money import from_minor

TRIP_LEADS = {"trip.reminder_7d": 7, "trip.reminder_1d": 1}
LIVE = ("pending", "confirmed", "paid")


def announce_payment_reminder(session: Session, invoice: Invoice, today: dt.date, *,
                              config: MessagingConfig | None = None) -> Routed | None:
    """`payment.reminder` for one overdue invoice (None when it is not overdue)."""
    balance = invoice_balance(session, invoice)
    age = bucket(today, invoice.due_on)
    if balance.outstanding_minor <= 0 or age == "current":
        return None
    booking = session.get(Booking, invoice.booking_id)
    facts = {**(booking_facts(session, booking) if booking else {}), "invoice_number": invoice.invoice_number,
             "amount_due": str(from_minor(balance.outstanding_minor, invoice.currency)),
             "currency": invoice.currency, "due_on": invoice.due_on, "ageing_bucket": age}
    event = Event(type="payment.reminder", key=f"{invoice.invoice_number or invoice.id}:{age}", facts=facts,
                  thread=booking.booking_ref if booking else None,
                  recipients=customer_recipients(session, booking.customer_id if booking else None))
    return route_event(session, event, config)


def announce_payment_reminders(session: Session, today: dt.date, *, config: MessagingConfig | None = None) -> int:
    """Every overdue receivable's reminder (caller commits); how many messages were queued."""
    queued = 0
    for invoice in overdue_invoices(session, today):
        routed = announce_payment_reminder(session, invoice, today, config=config)
        queued += len(routed.queued) if routed else 0
    return queued


def announce_trip_reminders(session: Session, today: dt.date, *, config: MessagingConfig | None = None) -> int:
    """`trip.reminder_7d` and `trip.reminder_1d` for live bookings starting in 7 and 1 days."""
    queued = 0
    for event_type, lead in TRIP_LEADS.items():
        start = today + dt.timedelta(days=lead)
        bookings = session.scalars(select(Booking).where(Booking.travel_start == start, Booking.status.in_(LIVE))
                                   .order_by(Booking.id))
        for booking in bookings:
            event = Event(type=event_type, key=f"{booking.booking_ref}:{lead}d", facts=booking_facts(session, booking),
                          thread=booking.booking_ref, recipients=customer_recipients(session, booking.customer_id))
            queued += len(route_event(session, event, config).queued)
    return queued
