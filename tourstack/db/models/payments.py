"""Gateway webhook deliveries, stored raw before anything acts on them.

Why store first: a gateway retries a delivery until it gets a 2xx, and our processing can fail
or meet events out of order (a refund before the payment it refunds). Keeping the raw body lets
a job re-run processing later, and the unique (gateway, event_id) makes a duplicate delivery a
no-op. `processed_at` stays empty until processing succeeds; `attempts` and `last_error` say
how often and why it did not. Deliveries whose signature fails are stored too
(`signature_valid` false, never processed) so an attack or a wrong secret is visible.

`status`: received (stored, not processed yet), processed, parked (waits for what it refers
to), failed (processing raised; retried), dead_lettered (gave up after the attempt limit; shown
to finance until someone requeues it), invalid (signature did not verify).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps, UTCDateTime


class WebhookEvent(Timestamps, Base):
    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("gateway", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    gateway: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    signature_valid: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default="received", server_default="received", index=True)
