"""WhatsApp: each customer number's consent, and the conversation held with it.

Why a table of consent: WhatsApp Business policy (and India's DPDP rules) allow business
messages only to people who opted in, and STOP must end them at once. `WhatsAppContact` is one
row per number (E.164): when and how it opted in, when and how it opted out, and the time of its
last inbound message, which opens WhatsApp's 24-hour customer-service window for free-form
text. A number's opt-in is current when it opted in after its last opt-out.

`WhatsAppMessage` is every message of the conversation, inbound and outbound. The provider's
message id is unique per provider, so a redelivered webhook cannot store a message twice (the
database decides, even for parallel deliveries); `client_ref` is the outbox's idempotency key
of an outbound message, unique too, so the answer of a send that timed out can be found again
instead of sending a second copy.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps, UTCDateTime


class WhatsAppContact(Timestamps, Base):
    __tablename__ = "whatsapp_contacts"
    __table_args__ = (CheckConstraint("phone LIKE '+%'", name="phone_e164"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # E.164: + and up to 15 digits
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    opted_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opt_in_source: Mapped[str | None] = mapped_column(String(64))
    opted_out_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opt_out_source: Mapped[str | None] = mapped_column(String(64))
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    @property
    def opted_in(self) -> bool:
        """Opted in, and not opted out since."""
        if self.opted_in_at is None:
            return False
        return self.opted_out_at is None or self.opted_in_at > self.opted_out_at


class WhatsAppMessage(Timestamps, Base):
    __tablename__ = "whatsapp_messages"
    __table_args__ = (
        UniqueConstraint("provider", "provider_message_id"),
        Index("ix_whatsapp_messages_contact", "contact_id", "id"),
        CheckConstraint("direction IN ('inbound', 'outbound')", name="direction_known"),
        CheckConstraint("provider IN ('meta', 'twilio')", name="provider_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("whatsapp_contacts.id"))
    direction: Mapped[str] = mapped_column(String(8))
    provider: Mapped[str] = mapped_column(String(8))
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    client_ref: Mapped[str | None] = mapped_column(String(255), unique=True)  # outbox idempotency key
    outbox_message_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))  # text, template, image, ...
    template: Mapped[str | None] = mapped_column(String(128))
    body: Mapped[str | None] = mapped_column(Text)
    # outbound: sending (the call left; no answer yet), sent, delivered, read, failed;
    # inbound: received
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the provider's time of the message
