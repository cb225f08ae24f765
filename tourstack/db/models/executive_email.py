"""The archive of executive e-mails: what was (or was not) sent, to whom, and on which figures.

Why keep a snapshot: executives compare today's e-mail with the one they read yesterday. The
next e-mail of the same kind reads the last snapshot to show "vs last e-mail" deltas and to flag
figures of an already reported period that changed since (late bookings, cancellations, FX
corrections) as restated. Held and failed e-mails are kept too, with the reason, so a missing
e-mail can always be explained.

`status`: sent, warned (sent with a data warning), held (not sent by policy), failed (the
transport refused it). `snapshot` is JSON text (portable across SQLite and PostgreSQL): every
figure as a string (Decimal) or integer, plus the freshness and check state at send time.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps, UTCDateTime


class ExecutiveEmail(Timestamps, Base):
    __tablename__ = "executive_emails"
    __table_args__ = (Index("ix_executive_emails_kind_period", "kind", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # daily, weekly
    period_start: Mapped[dt.date] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    as_of: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(8), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[str] = mapped_column(Text)  # comma-separated addresses
    subject: Mapped[str] = mapped_column(String(300))
    message_id: Mapped[str | None] = mapped_column(String(255))
    transport: Mapped[str | None] = mapped_column(String(8))  # smtp, outbox
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    snapshot: Mapped[str] = mapped_column(Text)
    eml_path: Mapped[str | None] = mapped_column(String(500))
