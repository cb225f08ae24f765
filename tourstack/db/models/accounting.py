"""Accounting sync state: provider connections, the id mapping, and the error and conflict queues.

Why tables of their own: the sync must survive a crash at any point, so everything it knows about
the other side (which document became which provider record, at which version, with which
idempotency key) is committed beside our data, not held in a worker's memory.

- `AccountingConnection`: one row per provider (quickbooks, xero). The OAuth tokens are one
  Fernet ciphertext (`token_ciphertext`), never plain text; refreshes lock the row
  (tourstack.accounting.connections) so two workers never spend the same refresh token, and the
  rotated refresh token is written in the refresh's own transaction. `status` makes a revoked or
  expired company visible: pending, connected, expired, revoked. `pending_state_hash` is the
  SHA-256 of the OAuth `state` of a consent in progress (the state itself is never stored).
- `AccountingMapping`: our entity and id to the provider's id and version (QuickBooks SyncToken,
  Xero UpdatedDateUTC). `idempotency_key` is what every create carries (QuickBooks `requestid`,
  Xero `Idempotency-Key`), chosen before the call, so a rerun after a crash repeats the same key.
- `AccountingSyncError`: what the provider refused, with its own message; nothing is dropped.
- `AccountingConflict`: a record edited on both sides, waiting for a person.

None of these tables goes to the warehouse (tourstack.ingest.run.EXCLUDED_TABLES): tokens are
credentials, and the rest is the sync's bookkeeping, not business facts.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tourstack.db.base import Base, MinorUnits, Timestamps, UTCDateTime

PROVIDERS = ("quickbooks", "xero")
CONNECTION_STATUSES = ("pending", "connected", "expired", "revoked")


class AccountingConnection(Timestamps, Base):
    __tablename__ = "accounting_connections"
    __table_args__ = (
        CheckConstraint("provider IN ('quickbooks', 'xero')", name="provider_known"),
        CheckConstraint("status IN ('pending', 'connected', 'expired', 'revoked')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    tenant_id: Mapped[str | None] = mapped_column(String(64))  # QuickBooks realmId, Xero tenantId
    tenant_name: Mapped[str | None] = mapped_column(String(255))
    token_ciphertext: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    pending_state_hash: Mapped[str | None] = mapped_column(String(64))
    pending_state_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    connected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_refreshed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    refresh_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class AccountingMapping(Timestamps, Base):
    __tablename__ = "accounting_mappings"
    __table_args__ = (
        UniqueConstraint("provider", "entity", "local_id", name="uq_accounting_mappings_local"),
        UniqueConstraint("provider", "idempotency_key", name="uq_accounting_mappings_idempotency_key"),
        Index("ix_accounting_mappings_remote", "provider", "entity", "remote_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(24))  # customer, invoice, credit_note, payment, ...
    local_id: Mapped[int] = mapped_column(Integer)
    remote_id: Mapped[str | None] = mapped_column(String(64))  # empty until the provider answered
    remote_version: Mapped[str | None] = mapped_column(String(64))  # SyncToken / UpdatedDateUTC
    idempotency_key: Mapped[str] = mapped_column(String(64))
    last_pushed_hash: Mapped[str | None] = mapped_column(String(64))  # of what we last sent
    last_pushed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # the provider's content as we last saw it (total, currency, number, lines), hashed: a newer
    # version whose content still hashes the same was bumped by something else (a payment linked
    # to the invoice), one whose content moved was edited there (migration 0019)
    remote_content_hash: Mapped[str | None] = mapped_column(String(64))


class AccountingSyncError(Timestamps, Base):
    __tablename__ = "accounting_sync_errors"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'resolved')", name="status_known"),
        Index("ix_accounting_sync_errors_open", "provider", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(24))
    local_id: Mapped[int | None] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))  # the provider's fault code, or ours
    message: Mapped[str] = mapped_column(Text)  # the provider's words
    status: Mapped[str] = mapped_column(String(12), default="open")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AccountingConflict(Timestamps, Base):
    __tablename__ = "accounting_conflicts"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'kept_ours', 'took_theirs')", name="status_known"),
        Index("ix_accounting_conflicts_open", "provider", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    entity: Mapped[str] = mapped_column(String(24))
    local_id: Mapped[int] = mapped_column(Integer)
    remote_id: Mapped[str] = mapped_column(String(64))
    ours: Mapped[str] = mapped_column(Text)  # JSON of our version
    theirs: Mapped[str] = mapped_column(Text)  # JSON of the provider's version
    status: Mapped[str] = mapped_column(String(12), default="open")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AccountingRemotePayment(Timestamps, Base):
    """A payment recorded on the provider's side (QuickBooks CDC, Xero If-Modified-Since): theirs,
    never pushed back; reconciliation reads it as one more payment source (migration 0019)."""

    __tablename__ = "accounting_remote_payments"
    __table_args__ = (UniqueConstraint("provider", "remote_id", name="uq_accounting_remote_payments_remote"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    remote_id: Mapped[str] = mapped_column(String(64))
    remote_version: Mapped[str | None] = mapped_column(String(64))
    customer_remote_id: Mapped[str | None] = mapped_column(String(64))
    invoice_remote_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    invoice_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of our invoice ids found
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(MinorUnits)
    ours: Mapped[bool] = mapped_column(Boolean, default=False)  # one we pushed, read back
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, voided, deleted


class AccountingWebhookDelivery(Timestamps, Base):
    """One webhook notification received, by its own id: a redelivery finds its row and is a no-op."""

    __tablename__ = "accounting_webhook_deliveries"
    __table_args__ = (UniqueConstraint("provider", "delivery_key", name="uq_accounting_webhook_deliveries_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(16))
    delivery_key: Mapped[str] = mapped_column(String(64))  # SHA-256 of the event ids (or the body)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
