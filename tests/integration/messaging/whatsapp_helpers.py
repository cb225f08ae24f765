"""Shared pieces of the WhatsApp tests: numbers with and without consent, events, rows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tourstack.db.models import OutboxMessage, WhatsAppContact, WhatsAppMessage
from tourstack.messaging import Event
from tourstack.messaging.whatsapp.consent import ensure_contact, record_opt_in

PHONE = "+919812345678"
OTHER = "+919876543210"
DAY = dt.datetime(2026, 12, 7, 6, 0, tzinfo=dt.UTC)  # 11:30 in India: outside quiet hours


def opted_in(session, phone: str = PHONE, *, inbound_ago: dt.timedelta | None = None) -> WhatsAppContact:
    contact = record_opt_in(session, phone, source="booking_form")
    if inbound_ago is not None:
        contact.last_inbound_at = dt.datetime.now(dt.UTC) - inbound_ago
    session.commit()
    return contact


def known_only(session, phone: str = OTHER) -> WhatsAppContact:
    contact = ensure_contact(session, phone)
    session.commit()
    return contact


def booking_created(phone: str = PHONE, ref: str = "BK-000321") -> Event:
    return Event(type="booking.created", key=ref, at=DAY, thread=ref, recipients={"customer_whatsapp": phone},
                 facts={"booking_ref": ref, "customer": "Asha Rao", "trip": "Kerala Backwaters",
                        "travel_start": dt.date(2027, 1, 12)})


def offer(phone: str = PHONE, email: str | None = None, key: str = "offer-winter") -> Event:
    recipients = {"customer_whatsapp": phone, **({"customer_email": email} if email else {})}
    return Event(type="marketing.offer", key=key, at=DAY, recipients=recipients,
                 facts={"customer": "Asha Rao", "offer": "10% off Goa in January"})


def rows(session, channel: str = "whatsapp") -> list[OutboxMessage]:
    session.expire_all()
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.channel == channel)
                                .order_by(OutboxMessage.id)))


def conversation(session) -> list[WhatsAppMessage]:
    session.expire_all()
    return list(session.scalars(select(WhatsAppMessage).order_by(WhatsAppMessage.id)))
