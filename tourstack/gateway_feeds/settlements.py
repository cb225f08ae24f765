"""Operational settlement batches from the gateway payouts landed in the warehouse.

Why: the daily reconciliation matches bank credits to `settlement_batches` by their reference,
but the gateways' payouts reach only raw.gateway_* tables. This sync turns every payout into
one batch, keyed by the gateway's own payout id (the reference the bank line carries):
- Stripe payout (raw.gateway_stripe_payouts): net = the payout amount, settled on the arrival
  date; gross and fee are the sums over the balance transactions the payout contains (rows with
  its `payout_id`, except the payout's own row). Until those have landed, or when they do not add
  up to the payout, the batch has gross = net and fee = 0 and is listed in `without_breakdown`.
  Payments whose `gateway_reference`/`capture_reference` is a contained charge's source id or
  PaymentIntent get the batch's id in `payments.settlement_batch_id`.
- Razorpay settlement: net = amount, fee = fees + tax (Razorpay reports tax on the fee apart),
  gross = net + fee, settled on the creation date.
- PayPal withdrawal (event code T0400): net = the amount withdrawn; PayPal does not say which
  captures a withdrawal carried, so gross = net and fee = 0 (`without_breakdown`).
Failed or cancelled payouts never reach the bank and make no batch. Existing batches are
updated when their amounts or date changed and never deleted; a run over unchanged data writes
nothing. Rows the demo reader derived (source = 'demo') come from batches that already exist
and are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.orm import Session

from tourstack.db.models import Payment, SettlementBatch
from tourstack.gateway_feeds.tables import (
    PAYPAL_TRANSACTIONS,
    RAZORPAY_SETTLEMENTS,
    STRIPE_BALANCE_TRANSACTIONS,
    STRIPE_PAYOUTS,
)
from tourstack.ingest.load import Warehouse

PAYPAL_WITHDRAWAL = "T0400"
# Payout states that mean the money will not (or did not) arrive.
_NOT_PAID = {"stripe": {"failed", "canceled"}, "razorpay": {"failed"}, "paypal": {"D", "V"}}
# Balance transaction types that are a customer's payment (the ones that have a `payments` row).
_PAYMENT_TYPES = ("charge", "payment")
_CHUNK = 500
_BANK_ACCOUNT_LENGTH = 34  # settlement_batches.bank_account


@dataclass(frozen=True)
class _Batch:
    gateway: str
    reference: str
    currency: str
    gross: int
    fee: int
    net: int
    settled_on: dt.date
    source: str
    breakdown: bool
    paid: bool  # False for a failed or cancelled payout


@dataclass
class SyncResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    payments_linked: int = 0
    skipped_demo: int = 0
    skipped_not_paid: int = 0
    without_breakdown: list[str] = field(default_factory=list)  # batch references, gross = net
    conflicts: list[str] = field(default_factory=list)  # references already used by another batch

    @property
    def summary(self) -> dict[str, int]:
        return {"inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "payments_linked": self.payments_linked, "skipped_demo": self.skipped_demo,
                "skipped_not_paid": self.skipped_not_paid, "without_breakdown": len(self.without_breakdown),
                "conflicts": len(self.conflicts)}


def sync_settlement_batches(warehouse: Warehouse, engine: Engine, *, bank_account: str | None = None) -> SyncResult:
    """Upsert one settlement batch per landed payout and link Stripe payments to theirs.

    `bank_account` is the account the gateways pay into; without one the gateway's name stands
    in, so the column says where the money came from rather than nothing.
    """
    result = SyncResult()
    breakdowns = _stripe_breakdowns(warehouse)
    candidates = [*_stripe_batches(warehouse, breakdowns), *_razorpay_batches(warehouse),
                  *_paypal_batches(warehouse)]
    with Session(engine) as session, session.begin():
        existing = {b.batch_reference: b for b in session.scalars(select(SettlementBatch))}
        synced: dict[str, SettlementBatch] = {}
        for batch in candidates:
            row = existing.get(batch.reference)
            if not batch.paid or batch.net <= 0:  # nothing went (or will go) to the bank
                result.skipped_not_paid += 1
                continue
            if row is not None and batch.source == "demo":
                result.skipped_demo += 1  # the demo generator wrote this batch and its links
                continue
            if batch.reference in synced or (row is not None and row.gateway != batch.gateway):
                result.conflicts.append(batch.reference)  # references are unique across gateways
                continue
            if not batch.breakdown:
                result.without_breakdown.append(batch.reference)
            synced[batch.reference] = row = _upsert(session, row, batch, bank_account, result)
        session.flush()  # new batches get their ids
        stripe_ids = {ref: row.id for ref, row in synced.items() if row.gateway == "stripe"}
        result.payments_linked = _link_payments(session, _stripe_members(warehouse, stripe_ids))
    return result


def _upsert(session: Session, row: SettlementBatch | None, batch: _Batch, bank_account: str | None,
            result: SyncResult) -> SettlementBatch:
    values = {"gross_minor": batch.gross, "fee_minor": batch.fee, "net_minor": batch.net,
              "settled_on": batch.settled_on}
    if row is None:
        account = (bank_account or batch.gateway)[:_BANK_ACCOUNT_LENGTH]
        row = SettlementBatch(gateway=batch.gateway, batch_reference=batch.reference, currency=batch.currency,
                              bank_account=account, **values)
        session.add(row)
        result.inserted += 1
    elif any(getattr(row, name) != value for name, value in values.items()):
        # An estimated arrival date moves, a breakdown lands later: amounts and date follow the
        # gateway. Gateway, currency and account stay as first written.
        for name, value in values.items():
            setattr(row, name, value)
        result.updated += 1
    else:
        result.unchanged += 1
    return row


def _link_payments(session: Session, members: dict[str, int]) -> int:
    """Point each payment whose reference is a contained charge at its batch, if it does not yet."""
    changes: dict[int, int] = {}
    keys = sorted(members)
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        rows = session.execute(select(Payment.id, Payment.gateway_reference, Payment.capture_reference,
                                      Payment.settlement_batch_id)
                               .where(Payment.gateway == "stripe",
                                      or_(Payment.gateway_reference.in_(chunk), Payment.capture_reference.in_(chunk))))
        for payment_id, reference, capture, current in rows:
            target = members.get(capture or "") or members.get(reference)
            if target is not None and current != target:
                changes[payment_id] = target
    if changes:
        # Stamped by hand: a bulk UPDATE skips the ORM's onupdate, and updated_at is what the
        # incremental extract of `payments` follows.
        now = dt.datetime.now(dt.UTC)
        session.execute(update(Payment), [{"id": pid, "settlement_batch_id": bid, "updated_at": now}
                                          for pid, bid in changes.items()])
    return len(changes)


# --- reading the raw tables -------------------------------------------------------------------
# Every amount is summed and cast to BIGINT in SQL and every date cast to text, so nothing passes
# through pandas as a float or a backend-specific date type; SQL that runs on DuckDB and Postgres.


def _stripe_breakdowns(warehouse: Warehouse) -> dict[str, tuple[int, int]]:
    """payout id -> (gross, fee) over the balance transactions it paid out."""
    table = STRIPE_BALANCE_TRANSACTIONS.name
    if not _columns(warehouse, table):
        return {}
    rows = _rows(warehouse, f"""
        SELECT payout_id, CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS gross,
               CAST(COALESCE(SUM(fee_minor), 0) AS BIGINT) AS fee
        FROM raw."{table}"
        WHERE payout_id IS NOT NULL AND (source_id IS NULL OR source_id <> payout_id)
        GROUP BY payout_id""")
    return {r["payout_id"]: (int(r["gross"]), int(r["fee"])) for r in rows}


def _stripe_batches(warehouse: Warehouse, breakdowns: dict[str, tuple[int, int]]) -> Iterator[_Batch]:
    table = STRIPE_PAYOUTS.name
    if not _columns(warehouse, table):
        return
    for r in _rows(warehouse, f"""
            SELECT id, CAST(COALESCE(amount_minor, 0) AS BIGINT) AS net, currency, status, source,
                   CAST(COALESCE(arrival_on, CAST(created_at AS DATE)) AS VARCHAR) AS settled_on
            FROM raw."{table}" ORDER BY created_at, id"""):
        net = int(r["net"])
        gross, fee = breakdowns.get(r["id"], (net, 0))
        known = r["id"] in breakdowns and gross - fee == net
        yield _Batch("stripe", r["id"], str(r["currency"]).upper(), gross if known else net, fee if known else 0,
                     net, dt.date.fromisoformat(r["settled_on"]), r["source"], known,
                     r["status"] not in _NOT_PAID["stripe"])


def _razorpay_batches(warehouse: Warehouse) -> Iterator[_Batch]:
    table = RAZORPAY_SETTLEMENTS.name
    if not _columns(warehouse, table):
        return
    for r in _rows(warehouse, f"""
            SELECT id, CAST(COALESCE(amount_minor, 0) AS BIGINT) AS net,
                   CAST(COALESCE(fees_minor, 0) + COALESCE(tax_minor, 0) AS BIGINT) AS fee,
                   currency, status, source, CAST(CAST(created_at AS DATE) AS VARCHAR) AS settled_on
            FROM raw."{table}" ORDER BY created_at, id"""):
        net, fee = int(r["net"]), int(r["fee"])
        yield _Batch("razorpay", r["id"], str(r["currency"]).upper(), net + fee, fee, net,
                     dt.date.fromisoformat(r["settled_on"]), r["source"], True,
                     r["status"] not in _NOT_PAID["razorpay"])


def _paypal_batches(warehouse: Warehouse) -> Iterator[_Batch]:
    table = PAYPAL_TRANSACTIONS.name
    if not _columns(warehouse, table):
        return
    for r in _rows(warehouse, f"""
            SELECT transaction_id, CAST(-COALESCE(gross_minor, 0) AS BIGINT) AS net, currency, status,
                   source, CAST(CAST(created_at AS DATE) AS VARCHAR) AS settled_on
            FROM raw."{table}" WHERE event_code = '{PAYPAL_WITHDRAWAL}' ORDER BY created_at, transaction_id"""):
        net = int(r["net"])  # a withdrawal is negative on the PayPal balance
        yield _Batch("paypal", r["transaction_id"], str(r["currency"]).upper(), net, 0, net,
                     dt.date.fromisoformat(r["settled_on"]), r["source"], False,
                     r["status"] not in _NOT_PAID["paypal"])


def _stripe_members(warehouse: Warehouse, batch_ids: dict[str, int]) -> dict[str, int]:
    """Charge source id or PaymentIntent id -> batch id, for the payouts this run synced."""
    table = STRIPE_BALANCE_TRANSACTIONS.name
    columns = _columns(warehouse, table)
    if not batch_ids or not columns:
        return {}
    # The column arrives with the first landing that links payouts; older tables lack it.
    intent = "payment_intent_id" if "payment_intent_id" in columns else "CAST(NULL AS VARCHAR)"
    types = ", ".join(f"'{t}'" for t in _PAYMENT_TYPES)
    members: dict[str, int] = {}
    for r in _rows(warehouse, f"""
            SELECT payout_id, source_id, {intent} AS payment_intent_id FROM raw."{table}"
            WHERE payout_id IS NOT NULL AND type IN ({types})"""):
        batch_id = batch_ids.get(r["payout_id"])
        if batch_id is None:
            continue
        for key in (r["source_id"], r["payment_intent_id"]):
            if key:
                members.setdefault(key, batch_id)
    return members


def _columns(warehouse: Warehouse, table: str) -> set[str]:
    """The columns of raw.<table>; empty when a feed has never landed it."""
    frame = warehouse.frame("SELECT column_name FROM information_schema.columns"
                            f" WHERE table_schema = 'raw' AND table_name = '{table}'")
    return {str(name) for name in frame["column_name"]}


def _rows(warehouse: Warehouse, sql: str) -> Iterable[dict[str, Any]]:
    # A NULL text arrives as None or NaN depending on the backend; None either way. Amounts are
    # never NULL here (COALESCE), so no integer column turns float.
    def clean(value: Any) -> Any:
        return None if isinstance(value, float) and value != value else value

    return [{k: clean(v) for k, v in row.items()} for row in warehouse.frame(sql).to_dict("records")]
