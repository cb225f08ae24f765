"""The transactional outbox: effects on the outside world, written with the change behind them.

Why a table: a message row commits or rolls back with the business change in one transaction,
so an index update (or, later, a notification or an accounting push) is never lost when the
process dies after the commit, and never sent for a change that was rolled back. Dispatchers per
consumer deliver the rows (tourstack.messaging.outbox) with retries, backoff and a dead-letter
state, and record the consumer's answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps, UTCDateTime, utcnow


class OutboxMessage(Timestamps, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "consumer", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consumer: Mapped[str] = mapped_column(String(32))  # who delivers it, e.g. "search"
    kind: Mapped[str] = mapped_column(String(64))  # what it asks, e.g. "search.document"
    # One message per effect: a retry carries the same key, so the receiver can de-duplicate.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, dead
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[str | None] = mapped_column(String(500))  # the consumer's answer
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
