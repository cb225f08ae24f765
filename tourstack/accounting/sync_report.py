"""The sync reconciliation: our documents against what the provider holds, read back through
its SDK, as of a date.

Per entity: counts and totals (per currency, minor units) ours and theirs, and every
difference: `missing` (ours, not there), `unknown` (there, not ours: created by hand in the
accounting system), `amount`, `currency`, `status` (a void on one side only). Then the
receivable per customer: ours (invoices - credit notes - payments we sent, per currency; a
payment of an invoice voided later stays as the customer's credit) against theirs (open balance
of their invoices less unapplied credit notes and payments of voided invoices), tied out to the
minor unit. The payable side the same way: vendors, bills, bill payments, and the payable per
vendor: ours (bills - bill payments sent, per currency) against theirs (the open balance of
their bills), a difference of kind `payable` when they do not tie out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.accounting.documents import ENTITY_ORDER, outbound
from tourstack.accounting.mappings import ProviderMapping
from tourstack.accounting.provider import AccountingClient
from tourstack.db.models import AccountingMapping


NAME_LISTS = ("customer", "vendor")  # counted and matched, no amounts


@dataclass(frozen=True)
class Difference:
    entity: str
    kind: str  # missing, unknown, amount, currency, status, receivable
    label: str
    ours: str | None
    theirs: str | None
    # the newest change of what it concerns, ours (issued, edited, paid) or theirs: a difference
    # younger than the sync's cadence may only be waiting for the next run (sync_alerts)
    changed_at: dt.datetime | None = None


@dataclass
class EntityTotals:
    ours_count: int = 0
    theirs_count: int = 0
    ours_total: dict[str, int] = field(default_factory=dict)
    theirs_total: dict[str, int] = field(default_factory=dict)


@dataclass
class SyncReconciliation:
    provider: str
    as_of: dt.date
    entities: dict[str, EntityTotals] = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    receivables: list[tuple[str, str, int, int]] = field(default_factory=list)  # customer, currency, ours, theirs
    payables: list[tuple[str, str, int, int]] = field(default_factory=list)  # vendor, currency, ours, theirs

    @property
    def clean(self) -> bool:
        return not self.differences


def _date(payload: dict) -> str | None:
    return payload.get("issued_on") or payload.get("paid_on")


def _add(totals: dict[str, int], currency: str | None, amount: int) -> None:
    if currency:
        totals[currency] = totals.get(currency, 0) + amount


def reconcile_sync(session: Session, client: AccountingClient, mapping: ProviderMapping,
                   as_of: dt.date) -> SyncReconciliation:
    provider = client.provider
    result = SyncReconciliation(provider, as_of)
    cutoff = as_of.isoformat()
    ar_ours: dict[tuple[str, str], int] = defaultdict(int)
    ar_theirs: dict[tuple[str, str], int] = defaultdict(int)
    ap_ours: dict[tuple[str, str], int] = defaultdict(int)
    ap_theirs: dict[tuple[str, str], int] = defaultdict(int)
    customer_labels: dict[str, str] = {}
    voided_there: set[str] = set()
    party_changed: dict[str, dt.datetime] = {}  # remote party id (or ours:...) -> newest change of its documents

    def touch(party: str, *moments: dt.datetime | None) -> dt.datetime | None:
        newest = max((m for m in moments if m is not None), default=None)
        if newest is not None and (party not in party_changed or party_changed[party] < newest):
            party_changed[party] = newest
        return newest

    for entity in ENTITY_ORDER:
        changed = _our_changes(session, entity)
        totals = result.entities.setdefault(entity, EntityTotals())
        ours = [d for d in outbound(session, mapping, entity) if (_date(d.payload) or "") <= cutoff]
        remote_ids = dict(session.execute(select(AccountingMapping.local_id, AccountingMapping.remote_id).where(
            AccountingMapping.provider == provider, AccountingMapping.entity == entity)).tuples().all())
        theirs = {doc.remote_id: doc for doc in client.list_remote(entity)
                  if entity in NAME_LISTS or (doc.paid_on or "")[:10] <= cutoff or doc.paid_on is None}
        matched: set[str] = set()
        for doc in ours:
            p = doc.payload
            amount = p.get("total_minor", p.get("amount_minor", 0))
            voided = bool(p.get("voided"))
            totals.ours_count += 1
            if not voided:
                _add(totals.ours_total, p.get("currency"), amount)
            remote_id = remote_ids.get(doc.local_id)
            if entity in NAME_LISTS:
                customer_labels[remote_id or f"ours:{entity}:{doc.local_id}"] = doc.label
            if entity in ("invoice", "credit_note", "payment") and not voided:
                sign = 1 if entity == "invoice" else -1
                key = (remote_ids_customer(session, provider, p["customer_id"]) or f"ours:customer:{p['customer_id']}",
                       p["currency"])
                ar_ours[key] += sign * amount
            if entity in ("bill", "bill_payment"):
                vendor = _remote_id(session, provider, "vendor", p["vendor_id"]) or f"ours:vendor:{p['vendor_id']}"
                ap_ours[(vendor, p["currency"])] += amount if entity == "bill" else -amount
            remote = theirs.get(remote_id) if remote_id else None
            party = _party(session, provider, entity, p)
            when = touch(party, changed.get(doc.local_id), remote.changed_at if remote else None) \
                if party else _newest(changed.get(doc.local_id), remote.changed_at if remote else None)
            if remote is None:
                result.differences.append(Difference(entity, "missing", doc.label, str(amount), None, when))
                continue
            matched.add(remote.remote_id)
            if entity in NAME_LISTS:
                continue
            if remote.currency != p["currency"]:
                result.differences.append(Difference(entity, "currency", doc.label, p["currency"], remote.currency,
                                                     when))
            if voided != (remote.status == "voided"):
                result.differences.append(Difference(entity, "status", doc.label, "voided" if voided else "valid",
                                                     remote.status, when))
            elif not voided and remote.total_minor != amount:
                result.differences.append(Difference(entity, "amount", doc.label, str(amount),
                                                     str(remote.total_minor), when))
        for remote in theirs.values():
            totals.theirs_count += 1
            if remote.status != "voided" and entity not in NAME_LISTS:
                _add(totals.theirs_total, remote.currency, remote.total_minor)
            if remote.customer_remote_id:
                touch(remote.customer_remote_id, remote.changed_at)
            if remote.remote_id not in matched:
                result.differences.append(Difference(entity, "unknown", remote.number or remote.remote_id, None,
                                                     str(remote.total_minor), remote.changed_at))
            if entity == "invoice" and remote.status == "voided":
                voided_there.add(remote.remote_id)
            if (entity == "payment" and remote.customer_remote_id
                    and set(remote.invoice_remote_ids) <= voided_there):
                # unapplied (paid, then voided): the money stays with the customer as credit
                ar_theirs[(remote.customer_remote_id, remote.currency)] -= remote.total_minor
            if entity in ("invoice", "credit_note") and remote.status != "voided" and remote.customer_remote_id:
                balance = remote.balance_minor if remote.balance_minor is not None else remote.total_minor
                ar_theirs[(remote.customer_remote_id, remote.currency)] += balance if entity == "invoice" else -balance
            if entity == "bill" and remote.status != "voided" and remote.customer_remote_id:
                balance = remote.balance_minor if remote.balance_minor is not None else remote.total_minor
                ap_theirs[(remote.customer_remote_id, remote.currency)] += balance
    for key in sorted(set(ar_ours) | set(ar_theirs)):
        ours_ar, theirs_ar = ar_ours.get(key, 0), ar_theirs.get(key, 0)
        label = customer_labels.get(key[0], key[0])
        result.receivables.append((label, key[1], ours_ar, theirs_ar))
        if ours_ar != theirs_ar:
            result.differences.append(Difference("receivable", "receivable", f"{label} {key[1]}",
                                                 str(ours_ar), str(theirs_ar), party_changed.get(key[0])))
    for key in sorted(set(ap_ours) | set(ap_theirs)):
        ours_ap, theirs_ap = ap_ours.get(key, 0), ap_theirs.get(key, 0)
        label = customer_labels.get(key[0], key[0])
        result.payables.append((label, key[1], ours_ap, theirs_ap))
        if ours_ap != theirs_ap:
            result.differences.append(Difference("payable", "payable", f"{label} {key[1]}",
                                                 str(ours_ap), str(theirs_ap), party_changed.get(key[0])))
    return result


def remote_ids_customer(session: Session, provider: str, agency_id: int) -> str | None:
    return _remote_id(session, provider, "customer", agency_id)


def _remote_id(session: Session, provider: str, entity: str, local_id: int) -> str | None:
    return session.scalar(select(AccountingMapping.remote_id).where(
        AccountingMapping.provider == provider, AccountingMapping.entity == entity,
        AccountingMapping.local_id == local_id))


_MODELS = {"customer": "Agency", "invoice": "Invoice", "credit_note": "Invoice", "payment": "Payment",
           "vendor": "Supplier", "bill": "SupplierPayout", "bill_payment": "SupplierPayout"}


def _our_changes(session: Session, entity: str) -> dict[int, dt.datetime]:
    """Our document id -> when we last changed it (its row's updated_at, UTC)."""
    from tourstack.db import models

    model = getattr(models, _MODELS[entity])
    return {i: (t if t.tzinfo else t.replace(tzinfo=dt.UTC)) for i, t in session.execute(
        select(model.id, model.updated_at)).tuples() if t is not None}


def _party(session: Session, provider: str, entity: str, payload: dict) -> str | None:
    """The remote id (or ours:...) of the customer or vendor a document belongs to."""
    for kind in ("customer", "vendor"):
        if f"{kind}_id" in payload:
            local = payload[f"{kind}_id"]
            return _remote_id(session, provider, kind, local) or f"ours:{kind}:{local}"
    return None


def _newest(*moments: dt.datetime | None) -> dt.datetime | None:
    return max((m for m in moments if m is not None), default=None)
