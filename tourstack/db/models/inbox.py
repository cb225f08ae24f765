"""Inbound e-mail: every raw message, what was read from it, and what needs a person.

`InboxMessage.raw` holds the message exactly as it arrived, written (and committed) before any
parsing, so a parser crash, a bad attachment or a bug found later never loses mail: a message
can always be processed again from its bytes. `sha256` is unique, so the same message fetched
twice (an IMAP re-poll, a resent SMTP delivery) is one row. `flags` and `extraction` are JSON
text (portable across SQLite and PostgreSQL).

`InboxStagedRate` is a supplier rate read from a rate sheet and waiting for a person: live
prices (`supplier_rates`) change only when it is approved. `InboxConfirmation` records what a
supplier confirmed, amended or cancelled (their own number included) and whether it matched
our booking. `InboxTask` is the list of what needs a person: approve rates, settle a mismatch,
answer an enquiry, look at a message that could not be read.

None of these tables goes to the warehouse (tourstack.ingest.run.EXCLUDED_TABLES): they hold
third parties' mail, addresses and attachments, which analysts have no use for.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, ExactDecimal, Timestamps, UTCDateTime

CATEGORIES = ("rate_sheet", "booking_confirmation", "amendment", "cancellation", "supplier_invoice",
              "customer_enquiry", "other")


class InboxMessage(Timestamps, Base):
    __tablename__ = "inbox_messages"
    __table_args__ = (
        Index("ix_inbox_messages_status", "status", "received_at"),
        CheckConstraint("status IN ('stored', 'processed', 'failed')", name="status_known"),
        CheckConstraint("category IS NULL OR category IN ('" + "', '".join(CATEGORIES) + "')",
                        name="category_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # file, imap, smtp, mailgun
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    size_bytes: Mapped[int] = mapped_column(Integer)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    # stored (raw kept, not yet read), processed, failed (could not be read; raw kept, flagged)
    status: Mapped[str] = mapped_column(String(12))
    message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    from_address: Mapped[str | None] = mapped_column(String(320))
    subject: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(24), index=True)
    classifier: Mapped[str | None] = mapped_column(String(16))  # rules, ai
    confidence_pct: Mapped[int | None] = mapped_column(SmallInteger)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    flags: Mapped[str] = mapped_column(Text, default="[]")
    extraction: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class InboxStagedRate(Timestamps, Base):
    __tablename__ = "inbox_staged_rates"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status_known"),
        CheckConstraint("valid_to >= valid_from", name="validity_ordered"),
        CheckConstraint("price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbox_messages.id"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16))  # per_night, per_day, per_person, per_trip
    occupancy: Mapped[str | None] = mapped_column(String(16))  # single, double, triple
    season: Mapped[str | None] = mapped_column(String(16))  # peak, shoulder, low
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    price: Mapped[Decimal] = mapped_column(ExactDecimal)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    # The live rate this one replaces, as found when staged (None: a new rate).
    current_rate_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_rates.id"))
    applied_rate_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_rates.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))


class InboxConfirmation(Timestamps, Base):
    __tablename__ = "inbox_confirmations"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbox_messages.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # booking_confirmation, amendment, cancellation
    booking_ref: Mapped[str | None] = mapped_column(String(16), index=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    supplier_reference: Mapped[str | None] = mapped_column(String(64))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    guests: Mapped[int | None] = mapped_column(SmallInteger)
    guest_name: Mapped[str | None] = mapped_column(String(200))
    room_type: Mapped[str | None] = mapped_column(String(120))
    matched: Mapped[bool] = mapped_column(Boolean, default=False)
    mismatches: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of {field, ours, theirs}


class InboxTask(Timestamps, Base):
    __tablename__ = "inbox_tasks"
    __table_args__ = (
        Index("ix_inbox_tasks_open", "status", "kind"),
        CheckConstraint("status IN ('open', 'done', 'dismissed')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_messages.id"), index=True)
    # approve_rates, booking_mismatch, unmatched_booking, answer_enquiry, review_invoice,
    # unreadable_message, review_cancellation
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), default="open")
    title: Mapped[str] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    suggested_reply: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=3)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(Text)


class InboxInboundToken(Timestamps, Base):
    """A provider's delivery token (Mailgun's `token`), remembered so a captured signature
    cannot be replayed with another message: the signature covers timestamp and token, not the
    body. The same token with the same message is the provider's retry (a no-op); with other
    bytes it is refused. Unique per provider, so two copies arriving at once record one."""

    __tablename__ = "inbox_inbound_tokens"
    __table_args__ = (
        Index("uq_inbox_inbound_tokens_provider_token", "provider", "token", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    token: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
