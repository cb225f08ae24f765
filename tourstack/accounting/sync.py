"""The outbound sync, provider-neutral: push what is new or changed, never twice.

For each entity in order (customers, invoices, credit notes, payments, vendors, bills, bill
payments) and each document:

1. Its payload digest equals the mapping's `last_pushed_hash`: nothing to do.
2. Not yet created: the mapping row with a deterministic idempotency key is written and
   COMMITTED before the provider call. If the process dies after the provider created the record
   but before we stored its id, the rerun finds the row without a remote id and repeats the
   create with the same key; the provider answers the first create again (QuickBooks
   `requestid`, Xero `Idempotency-Key`), so no duplicate appears.
3. Created before and changed since: an update of the same remote record with the version we
   hold (QuickBooks SyncToken; Xero UpdatedDateUTC). A stale version is re-read: if the
   provider's content is what we last saw (the version moved because, say, a payment was
   linked), the change is reapplied on the fresh version; if their content moved too, the
   record was edited on both sides and goes to the conflict queue for a person.
4. A provider refusal goes to the error queue with the provider's message; a document our
   mapping files cannot express (unmapped tax code or account, no booked rate) is queued
   without a call. An error row is resolved when the document later goes through.

Two workers never push at once: the run holds a per-provider lock (PostgreSQL
`pg_try_advisory_lock` on a connection of its own; in-process for SQLite), and a second run
finds it taken and skips (`SyncBusy`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from tourstack.accounting.documents import ENTITY_ORDER, Outbound, idempotency_key, outbound
from tourstack.accounting.errors import AccountingError
from tourstack.accounting.mappings import ProviderMapping
from tourstack.accounting.provider import AccountingClient, ProviderRefused, References, RemoteRef, StaleVersion
from tourstack.db.base import utcnow
from tourstack.db.models import AccountingConflict, AccountingMapping, AccountingSyncError


class SyncBusy(AccountingError):
    """Another worker is syncing this provider right now."""


@dataclass
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    conflicts: int = 0
    planned: list[tuple[str, str]] = field(default_factory=list)  # dry run: (action, label)


@dataclass
class SyncReport:
    provider: str
    dry_run: bool
    entities: dict[str, EntityCounts] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return sum(c.created + c.updated for c in self.entities.values())


_local_locks: dict[tuple[str, str], threading.Lock] = {}
_local_guard = threading.Lock()


@contextlib.contextmanager
def provider_lock(engine: Engine, provider: str) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"accounting-sync:{provider}".encode()).digest()[:8], "big", signed=True)
        with engine.connect() as conn:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise SyncBusy(f"another {provider} sync is running")
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
        return
    with _local_guard:
        lock = _local_locks.setdefault((str(engine.url), provider), threading.Lock())
    if not lock.acquire(blocking=False):
        raise SyncBusy(f"another {provider} sync is running")
    try:
        yield
    finally:
        lock.release()


def run_sync(sessions: sessionmaker[Session], client: AccountingClient, mapping: ProviderMapping, *,
             entities: tuple[str, ...] = ENTITY_ORDER, dry_run: bool = False,
             after_provider_call: Callable[[Outbound, RemoteRef], None] | None = None) -> SyncReport:
    """Push every new or changed document of `entities` (in ENTITY_ORDER) to `client`.

    `after_provider_call` runs between the provider's answer and our mapping write (tests use it
    to die exactly there)."""
    provider = client.provider
    report = SyncReport(provider, dry_run)
    engine = sessions.kw["bind"]
    with provider_lock(engine, provider):
        for entity in (e for e in ENTITY_ORDER if e in entities):
            counts = report.entities.setdefault(entity, EntityCounts())
            with sessions() as session:
                documents = outbound(session, mapping, entity)
                rows = {m.local_id: m for m in session.scalars(select(AccountingMapping).where(
                    AccountingMapping.provider == provider, AccountingMapping.entity == entity))}
                session.expunge_all()
            for doc in documents:
                _sync_one(sessions, client, doc, rows.get(doc.local_id), counts, dry_run, after_provider_call)
    return report


def _sync_one(sessions, client, doc: Outbound, row: AccountingMapping | None, counts: EntityCounts,  # noqa: ANN001
              dry_run: bool, after_call) -> None:  # noqa: ANN001
    provider = client.provider
    digest = doc.digest
    if row is not None and row.remote_id and row.last_pushed_hash == digest:
        counts.unchanged += 1
        return
    action = "create" if row is None or not row.remote_id else "update"
    if doc.problems:
        if dry_run:
            counts.planned.append(("error", f"{doc.label}: {doc.problems[0][1]}"))
        else:
            with sessions() as session:
                for code, message in doc.problems:
                    _record_error(session, provider, doc, code, message)
                session.commit()
        counts.errors += 1
        return
    with sessions() as session:
        refs, missing = _references(session, provider, doc)
    if missing:
        if not dry_run:
            with sessions() as session:
                _record_error(session, provider, doc, "dependency-not-synced", missing)
                session.commit()
        else:
            counts.planned.append((action, f"{doc.label} (after {missing})"))
        counts.errors += 1 if not dry_run else 0
        return
    if dry_run:
        counts.planned.append((action, doc.label))
        return
    if action == "create":
        with sessions() as session:
            row = _claim(session, provider, doc)
            key = row.idempotency_key
        try:
            ref = client.create(doc.entity, doc.payload, refs, key)
        except ProviderRefused as exc:
            with sessions() as session:
                error = _record_error(session, provider, doc, exc.code, exc.message)
                stored = session.get(AccountingMapping, row.id)
                # nothing was created: the next attempt (after the cause is fixed) needs a new key,
                # or the provider would replay this refusal for the old one
                stored.idempotency_key = idempotency_key(provider, doc.entity, doc.local_id, error.attempts)
                session.commit()
            counts.errors += 1
            return
        if after_call is not None:
            after_call(doc, ref)
        _store(sessions, row.id, ref, digest)
        counts.created += 1
        return
    try:
        ref = client.update(doc.entity, row.remote_id, row.remote_version, doc.payload, refs)
    except StaleVersion:
        current = client.read(doc.entity, row.remote_id)
        if row.remote_content_hash and current.content_hash != row.remote_content_hash:
            with sessions() as session:
                _record_conflict(session, provider, doc, row.remote_id, current)
                session.commit()
            counts.conflicts += 1
            return
        try:
            ref = client.update(doc.entity, row.remote_id, current.version, doc.payload, refs)
        except (ProviderRefused, StaleVersion) as exc:
            _refused(sessions, provider, doc, exc)
            counts.errors += 1
            return
    except ProviderRefused as exc:
        _refused(sessions, provider, doc, exc)
        counts.errors += 1
        return
    if after_call is not None:
        after_call(doc, ref)
    _store(sessions, row.id, ref, digest)
    counts.updated += 1


def _refused(sessions, provider: str, doc: Outbound, exc: Exception) -> None:  # noqa: ANN001
    code, message = (exc.code, exc.message) if isinstance(exc, ProviderRefused) else ("stale-version", str(exc))
    with sessions() as session:
        _record_error(session, provider, doc, code, message)
        session.commit()


def _claim(session: Session, provider: str, doc: Outbound) -> AccountingMapping:
    """The mapping row, committed before the provider call (its key is what the call carries)."""
    row = session.scalars(select(AccountingMapping).where(
        AccountingMapping.provider == provider, AccountingMapping.entity == doc.entity,
        AccountingMapping.local_id == doc.local_id)).one_or_none()
    if row is None:
        row = AccountingMapping(provider=provider, entity=doc.entity, local_id=doc.local_id,
                                idempotency_key=idempotency_key(provider, doc.entity, doc.local_id))
        session.add(row)
        session.commit()
    session.refresh(row)
    session.expunge(row)
    return row


def _store(sessions, row_id: int, ref: RemoteRef, digest: str) -> None:  # noqa: ANN001
    with sessions() as session:
        row = session.get(AccountingMapping, row_id)
        row.remote_id, row.remote_version, row.remote_content_hash = ref.remote_id, ref.version, ref.content_hash
        row.last_pushed_hash, row.last_pushed_at = digest, utcnow()
        for error in session.scalars(select(AccountingSyncError).where(
                AccountingSyncError.provider == row.provider, AccountingSyncError.entity == row.entity,
                AccountingSyncError.local_id == row.local_id, AccountingSyncError.status == "open")):
            error.status, error.resolved_at = "resolved", utcnow()
        session.commit()


def _references(session: Session, provider: str, doc: Outbound) -> tuple[References, str | None]:
    def remote(entity: str, local_id: int | None) -> str | None:
        if local_id is None:
            return None
        return session.scalar(select(AccountingMapping.remote_id).where(
            AccountingMapping.provider == provider, AccountingMapping.entity == entity,
            AccountingMapping.local_id == local_id))

    refs = References()
    if doc.entity in ("customer", "vendor"):
        return refs, None
    party = "vendor" if doc.entity in ("bill", "bill_payment") else "customer"
    refs.customer = remote(party, doc.payload[f"{party}_id"])
    if refs.customer is None:
        return refs, f"{party} {doc.payload[f'{party}_id']}"
    if doc.entity == "credit_note" and doc.payload.get("credited_invoice_id"):
        refs.credited = remote("invoice", doc.payload["credited_invoice_id"])
    if doc.entity in ("payment", "bill_payment"):
        target = "bill" if doc.entity == "bill_payment" else "invoice"
        for allocation in doc.payload["allocations"]:
            found = remote(target, allocation[f"{target}_id"])
            if found is None:
                return refs, f"{target} {allocation[f'{target}_id']}"
            refs.invoices[allocation[f"{target}_id"]] = found
    return refs, None


def _record_error(session: Session, provider: str, doc: Outbound, code: str, message: str) -> AccountingSyncError:
    """One open row per document and code; a repeat counts an attempt and keeps the newest words."""
    code = code[:64]
    row = session.scalars(select(AccountingSyncError).where(
        AccountingSyncError.provider == provider, AccountingSyncError.entity == doc.entity,
        AccountingSyncError.local_id == doc.local_id, AccountingSyncError.code == code,
        AccountingSyncError.status == "open")).first()
    if row is None:
        row = AccountingSyncError(provider=provider, entity=doc.entity, local_id=doc.local_id, code=code,
                                  message=message, status="open", attempts=1)
        session.add(row)
    else:
        row.attempts, row.message = (row.attempts or 0) + 1, message
    session.flush()
    return row


def _record_conflict(session: Session, provider: str, doc: Outbound, remote_id: str, current: RemoteRef) -> None:
    exists = session.scalars(select(AccountingConflict).where(
        AccountingConflict.provider == provider, AccountingConflict.entity == doc.entity,
        AccountingConflict.local_id == doc.local_id, AccountingConflict.status == "open")).first()
    ours = json.dumps(doc.payload, sort_keys=True)
    theirs = json.dumps({"remote_id": remote_id, "version": current.version, "content_hash": current.content_hash})
    if exists is None:
        session.add(AccountingConflict(provider=provider, entity=doc.entity, local_id=doc.local_id,
                                       remote_id=remote_id, ours=ours, theirs=theirs, status="open"))
    else:
        exists.ours, exists.theirs = ours, theirs
