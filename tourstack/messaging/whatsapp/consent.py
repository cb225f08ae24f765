"""Consent and the customer-service window, per number.

Why in the database and checked at every step: WhatsApp allows business messages only to
numbers that opted in, and free-form text only within 24 hours of the customer's last message.
Routing checks consent (a booking announcement names a customer's number only if it is opted
in), and the transport checks it again when the message leaves (consent may end while the
message waits in the outbox). STOP ends it at once: the opt-out is recorded, and every queued
marketing message to that customer, on every channel, is dropped with the reason.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models import Customer, OutboxMessage, WhatsAppContact
from tourstack.errors import Conflict
from tourstack.messaging.whatsapp.config import WhatsAppConfig, shipped_whatsapp_config
from tourstack.messaging.whatsapp.phones import e164, maybe_e164

log = logging.getLogger("tourstack.messaging.whatsapp")
OPTED_OUT_REASON = "skipped: the recipient opted out of marketing ({source} at {at})"


class OutsideWindow(Conflict):
    code = "whatsapp-outside-window"
    title = "Outside the customer-service window"


class NotOptedIn(Conflict):
    code = "whatsapp-not-opted-in"
    title = "No WhatsApp opt-in"


def contact_for(session: Session, phone: str, *, lock: bool = False) -> WhatsAppContact | None:
    stmt = select(WhatsAppContact).where(WhatsAppContact.phone == phone)
    if lock and session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def ensure_contact(session: Session, phone: str, *, customer_id: int | None = None) -> WhatsAppContact:
    """The number's row, created if missing (race-safe: INSERT ... ON CONFLICT DO NOTHING)."""
    phone = e164(phone)
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(WhatsAppContact).values(phone=phone, customer_id=customer_id, created_at=now,
                                                   updated_at=now).on_conflict_do_nothing(index_elements=["phone"]))
    contact = contact_for(session, phone, lock=True)
    if customer_id is not None and contact.customer_id is None:
        contact.customer_id = customer_id
    return contact


def record_opt_in(session: Session, phone: str, *, source: str, customer_id: int | None = None,
                  at: dt.datetime | None = None) -> WhatsAppContact:
    """Opt the number in (caller commits). `source`: where consent was given (`booking_form`,
    `staff:<key>`, `whatsapp:inbound`, ...)."""
    contact = ensure_contact(session, phone, customer_id=customer_id)
    contact.opted_in_at, contact.opt_in_source = at or utcnow(), source[:64]
    return contact


def is_opted_in(session: Session, phone: str | None) -> bool:
    phone = maybe_e164(phone)
    if phone is None:
        return False
    contact = contact_for(session, phone)
    return contact is not None and contact.opted_in


def window_open(contact: WhatsAppContact | None, config: WhatsAppConfig, now: dt.datetime | None = None) -> bool:
    """Inside the customer-service window: the last inbound message is less than
    `window_hours` old."""
    if contact is None or contact.last_inbound_at is None:
        return False
    return (now or utcnow()) - contact.last_inbound_at < dt.timedelta(hours=config.window_hours)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().strip()
    text = re.sub(r"[\s\-_]+", " ", text)
    return re.sub(r"^[^\w]+|[^\w]+$", "", text)  # "STOP." "stop!" -> "stop"


def is_opt_out(text: str | None, config: WhatsAppConfig | None = None) -> bool:
    if not text:
        return False
    config = config or shipped_whatsapp_config()
    return _fold(text) in {_fold(word) for word in config.opt_out_keywords}


def marketing_recipients(session: Session, contact: WhatsAppContact) -> set[str]:
    """Every address of the customer behind the number: the number, and the customer's e-mail."""
    recipients = {contact.phone}
    if contact.customer_id is not None:
        customer = session.get(Customer, contact.customer_id)
        if customer is not None and customer.email:
            recipients.add(customer.email.strip().lower())
    return recipients


def record_opt_out(session: Session, phone: str, *, source: str, at: dt.datetime | None = None,
                   config: WhatsAppConfig | None = None) -> int:
    """Opt the number out at once (caller commits) and drop its queued marketing messages on
    every channel: pending rows become `dead` with the opt-out as their reason. Returns how many."""
    config = config or shipped_whatsapp_config()
    at = at or utcnow()
    contact = ensure_contact(session, phone)
    contact.opted_out_at, contact.opt_out_source = at, source[:64]
    marketing = sorted(config.marketing_events) + sorted(
        event for event, t in config.templates.items() if t.category == "marketing")
    if not marketing:
        return 0
    reason = OPTED_OUT_REASON.format(source=source, at=at.isoformat(timespec="seconds"))
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.event_type.in_(set(marketing)),
               OutboxMessage.recipient.in_(marketing_recipients(session, contact)))
        .values(status="dead", reason=reason, status_at=at, updated_at=at)
        .execution_options(synchronize_session=False))
    log.info("whatsapp opt-out recorded", extra={"contact_id": contact.id, "dropped": result.rowcount})
    return result.rowcount


def opted_out_of_marketing(session: Session, recipient: str) -> bool:
    """Whether a recipient (a number or a customer's e-mail) opted out of marketing and has not
    opted in since."""
    phone = maybe_e164(recipient) if recipient.startswith("+") else None
    if phone is not None:
        contact = contact_for(session, phone)
        return contact is not None and contact.opted_out_at is not None and not contact.opted_in
    if "@" not in recipient:
        return False
    stmt = (select(WhatsAppContact).join(Customer, Customer.id == WhatsAppContact.customer_id)
            .where(func.lower(Customer.email) == recipient.strip().lower(), WhatsAppContact.opted_out_at.is_not(None)))
    return any(not contact.opted_in for contact in session.scalars(stmt))
