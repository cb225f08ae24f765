"""Invoicing bookkeeping: the gapless number counters and the audit trail of every transition.

Why a counter table rather than MAX(sequence_number)+1 or a database sequence: the issuing
transaction increments the (series, fiscal_year) row with an atomic UPDATE ... RETURNING,
which holds the row lock until commit. Concurrent issuers queue on that row, and a rolled-back
issue rolls the increment back too, so numbers are gapless (a PostgreSQL SEQUENCE is not:
nextval() survives a rollback).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, Timestamps, UTCDateTime


class InvoiceCounter(Timestamps, Base):
    """The last number issued in a series (INV, CN) and fiscal year (2025 = FY 2025-26).

    A surrogate `id` keeps the single-column primary key every table has (ingestion merges on
    it); (series, fiscal_year) is the real key.
    """

    __tablename__ = "invoice_counters"
    __table_args__ = (UniqueConstraint("series", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    series: Mapped[str] = mapped_column(String(8))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    last_number: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class InvoiceEvent(Timestamps, Base):
    """One workflow step of an invoice: who moved it from which status to which, and when.

    `action`: create, submit, reject, approve, issue, void, credit, payment. The actor is the
    API key (`actor_key_id`, kept as a plain id so revoked or deleted keys never break the
    trail) and, when the key belongs to a person, the staff user; `None` for system steps such
    as a payment arriving.
    """

    __tablename__ = "invoice_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_role: Mapped[str | None] = mapped_column(String(16))
    actor_key_id: Mapped[int | None] = mapped_column(Integer)
    actor_staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    note: Mapped[str | None] = mapped_column(String(200))
