"""The outbox: every message to any channel, written in the transaction of the event it tells.

Why a table and not a queue: the message must exist exactly when the business change exists. A
booking committed without its confirmation, or a confirmation sent for a booking that rolled
back, are both impossible when the row commits with the booking. A dispatcher delivers the rows
afterwards, with retries, rate limits and a dead-letter state, and the row keeps the delivery's
story (attempts, provider id, status, reason) for the API and Dagster.

`idempotency_key` is unique: one row per event, channel and recipient, so an event announced
twice (a retried request, a replayed webhook) is still one message. `payload` is JSON text
(portable across SQLite and PostgreSQL).

`OutboxRateSlot` is one row per rate key (channel and recipient, such as `slack:#bookings`): the
time the next message to it may leave. Dispatchers lock it while they claim, so two of them never
send to one Slack channel in the same second.

`MessageThread` remembers where a conversation about one thing (a booking) started in a channel
that threads (Slack: the first message's `ts`), so later messages about it reply in that thread.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps, UTCDateTime


class OutboxMessage(Timestamps, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_provider", "channel", "provider_message_id"),
        CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'dead')", name="status_known"
        ),
        CheckConstraint("attempts >= 0 AND replays >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    event_type: Mapped[str] = mapped_column(String(64))
    event_key: Mapped[str] = mapped_column(String(160), index=True)  # e.g. booking:BK-000123
    channel: Mapped[str] = mapped_column(String(16))  # email, slack, teams, whatsapp, calendar
    recipient: Mapped[str] = mapped_column(String(255))
    rate_key: Mapped[str] = mapped_column(String(280))
    payload: Mapped[str] = mapped_column(Text)
    # pending, sending, sent, delivered, read, failed (the provider said so after sending),
    # dead (no more tries: exhausted or refused for good; can be replayed)
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))  # whose claim the lease is
    provider_message_id: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    replays: Mapped[int] = mapped_column(Integer, default=0)


class OutboxRateSlot(Base):
    __tablename__ = "outbox_rate_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    rate_key: Mapped[str] = mapped_column(String(280), unique=True)
    next_free_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MessageThread(Timestamps, Base):
    """The first message of a thread: per channel, recipient (a Slack channel id or name) and
    thread key (a booking reference). Written once (the first writer wins); never updated."""

    __tablename__ = "message_threads"
    __table_args__ = (UniqueConstraint("channel", "recipient", "thread_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(255))
    thread_key: Mapped[str] = mapped_column(String(160))
    provider_thread_id: Mapped[str] = mapped_column(String(64))  # Slack: the root message's ts
    provider_channel: Mapped[str | None] = mapped_column(String(64))  # Slack: the channel id it answered


class CalendarEvent(Timestamps, Base):
    """A booking's event in one calendar (a Google calendar the routes name, or the customer's
    ICS invite): the provider's event id and etag for conditional updates, the stable iCal UID
    mail clients and calendars match on, and the SEQUENCE that grows with every change sent.

    One row per booking and calendar (unique), so "every live booking has exactly one event per
    connected calendar" is a query. `last_event_key` is the outbox event last applied, so a
    redelivered message changes nothing (and does not bump the sequence)."""

    __tablename__ = "calendar_events"
    __table_args__ = (
        UniqueConstraint("booking_id", "calendar"),
        CheckConstraint("status IN ('confirmed', 'cancelled')", name="status_known"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), index=True)
    calendar: Mapped[str] = mapped_column(String(255))  # the route's recipient, e.g. "operations"
    provider: Mapped[str] = mapped_column(String(16))  # google, ics
    provider_event_id: Mapped[str | None] = mapped_column(String(1024))
    etag: Mapped[str | None] = mapped_column(String(255))
    uid: Mapped[str] = mapped_column(String(255))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12))
    last_event_key: Mapped[str | None] = mapped_column(String(160))
