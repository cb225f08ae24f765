"""The one protocol both provider adapters speak (tourstack.accounting.quickbooks_sync,
tourstack.accounting.xero_sync), and what they answer or raise.

The sync engine (tourstack.accounting.sync) knows nothing of either SDK: it hands an adapter a
neutral payload (tourstack.accounting.documents) with the provider ids of what it refers to
already resolved, and gets back the provider's id, version and content hash. Rate limits
(429 + Retry-After) and expired access tokens (401: refresh once, retry) are handled inside the
adapters, since each SDK reports them differently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tourstack.accounting.errors import AccountingError


@dataclass(frozen=True)
class RemoteRef:
    remote_id: str
    version: str | None  # QuickBooks SyncToken, Xero UpdatedDateUTC
    content_hash: str  # of the provider's own record's content (see content_hash)


@dataclass(frozen=True)
class RemoteDoc:
    """A record read back from the provider, for the sync reconciliation."""

    entity: str
    remote_id: str
    number: str | None
    customer_remote_id: str | None
    currency: str | None
    total_minor: int
    balance_minor: int | None = None
    status: str | None = None  # open, paid, voided (provider words mapped to ours)
    invoice_remote_ids: tuple[str, ...] = ()  # a payment's linked invoices
    paid_on: str | None = None
    version: str | None = None
    extra: dict = field(default_factory=dict)
    changed_at: dt.datetime | None = None  # when the provider last changed it (UTC)


@dataclass
class References:
    """Provider ids of what a document points at, resolved from the mapping table."""

    customer: str | None = None  # the customer, or for a bill and its payment the vendor
    invoices: dict[int, str] = field(default_factory=dict)  # our invoice (bill: payout) id -> remote id
    credited: str | None = None


class ProviderRefused(AccountingError):
    """The provider refused the document (validation fault): it goes to the error queue with
    the provider's own words. Nothing was created."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class StaleVersion(AccountingError):
    """The record changed on the provider's side since the version we hold."""


class RateLimitExhausted(AccountingError):
    """Still answered 429 after the bounded retries: the run stops, the next one resumes."""


class AccountingClient(Protocol):
    provider: str

    def create(self, entity: str, payload: dict, refs: References, idempotency_key: str) -> RemoteRef: ...

    def update(self, entity: str, remote_id: str, version: str | None, payload: dict,
               refs: References) -> RemoteRef: ...

    def read(self, entity: str, remote_id: str) -> RemoteRef: ...

    def list_remote(self, entity: str) -> list[RemoteDoc]: ...


def content_hash(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def minor(amount, currency: str) -> int:  # noqa: ANN001 (str, float or Decimal from the SDKs)
    from decimal import Decimal

    from tourstack.money import to_minor

    return to_minor(Decimal(str(amount or 0)), currency)


def major(amount_minor: int, currency: str) -> str:
    """A decimal string of the amount (both APIs take decimals; never a float)."""
    from tourstack.money import from_minor

    return str(from_minor(amount_minor, currency))


@dataclass
class Backoff:
    """Bounded retries of 429s: wait what Retry-After says (else exponential), at most
    `max_wait` seconds a time and `attempts` times in all. `sleep` is injectable for tests."""

    attempts: int = 5
    max_wait: float = 60.0
    base: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    waits: list[float] = field(default_factory=list)

    def wait(self, attempt: int, retry_after: str | None) -> None:
        try:
            seconds = float(retry_after) if retry_after else self.base * 2 ** attempt
        except ValueError:
            seconds = self.base * 2 ** attempt
        seconds = min(max(seconds, 0.0), self.max_wait)
        self.waits.append(seconds)
        self.sleep(seconds)
