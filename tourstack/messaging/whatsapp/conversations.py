"""Staff's view of WhatsApp: conversations, a reply, an opt-in recorded by hand, the delivery rate.

A reply is free-form text, so it is allowed only to an opted-in number inside the customer-
service window; it is refused here (409) before anything is queued, and checked again by the
transport when it leaves (the window may close while it waits). It goes through the outbox
like every other message (event `whatsapp.reply`), with its retries and dead letters.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.base import utcnow
from tourstack.db.models import OutboxMessage, WhatsAppContact, WhatsAppMessage
from tourstack.errors import NotFound
from tourstack.messaging.outbox import enqueue
from tourstack.messaging.whatsapp.config import WhatsAppConfig
from tourstack.messaging.whatsapp.consent import NotOptedIn, OutsideWindow, window_open
from tourstack.messaging.whatsapp.sending import FREE_FORM_EVENT
from tourstack.sales.pagination import Page, keyset_page


class ConversationNotFound(NotFound):
    code = "whatsapp-conversation-not-found"


def list_conversations(session: Session, *, limit: int = 50, cursor: str | None = None) -> Page[WhatsAppContact]:
    return keyset_page(session, select(WhatsAppContact), WhatsAppContact, limit, cursor)


def get_conversation(session: Session, contact_id: int, *, limit: int = 100) -> tuple[WhatsAppContact, list[WhatsAppMessage]]:
    """The number and its newest `limit` messages, oldest first."""
    contact = session.get(WhatsAppContact, contact_id)
    if contact is None:
        raise ConversationNotFound(f"conversation {contact_id} not found")
    messages = list(session.scalars(select(WhatsAppMessage).where(WhatsAppMessage.contact_id == contact_id)
                                    .order_by(WhatsAppMessage.id.desc()).limit(limit)))
    return contact, messages[::-1]


def queue_reply(session: Session, contact_id: int, text: str, config: WhatsAppConfig, *,
                now: dt.datetime | None = None) -> OutboxMessage:
    """Queue a free-form reply (caller commits); NotOptedIn or OutsideWindow (409) otherwise."""
    contact = session.get(WhatsAppContact, contact_id)
    if contact is None:
        raise ConversationNotFound(f"conversation {contact_id} not found")
    if not contact.opted_in:
        raise NotOptedIn("the number has no current WhatsApp opt-in; record one first")
    if not window_open(contact, config, now):
        raise OutsideWindow(f"no message from the customer in the last {config.window_hours:g} hours: "
                            "only a template may be sent")
    row = enqueue(session, event_type=FREE_FORM_EVENT, event_key=f"reply-{uuid.uuid4().hex}", channel="whatsapp",
                  recipient=contact.phone, payload={"event": FREE_FORM_EVENT, "facts": {"text": text}, "at": now or utcnow()})
    assert row is not None  # a fresh key
    return row


@dataclass(frozen=True)
class DeliveryRate:
    sent: int
    delivered: int
    rate: Decimal | None  # None when nothing was sent in the window


def delivery_rate(session: Session, *, hours: float, now: dt.datetime | None = None) -> DeliveryRate:
    """Delivered or read / sent, over outbound WhatsApp messages the provider accepted in the
    last `hours` (a failed report after sending counts as sent and not delivered)."""
    since = (now or utcnow()) - dt.timedelta(hours=hours)
    counts = dict(session.execute(
        select(WhatsAppMessage.status, func.count()).where(
            WhatsAppMessage.direction == "outbound", WhatsAppMessage.at >= since,
            WhatsAppMessage.provider_message_id.is_not(None))
        .group_by(WhatsAppMessage.status)).all())
    sent = sum(n for status, n in counts.items() if status in ("sent", "delivered", "read", "failed"))
    delivered = counts.get("delivered", 0) + counts.get("read", 0)
    rate = (Decimal(delivered) / Decimal(sent)).quantize(Decimal("0.0001")) if sent else None
    return DeliveryRate(sent, delivered, rate)
