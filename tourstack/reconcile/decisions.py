"""Manual reconciliation: match, split, unmatch and write off, each recorded as a decision.

Why every step is a row in reconciliation_decisions: finance must be able to say who allocated
or removed which money and when, and the daily run must respect it (operational.py): a
transaction with a live manual allocation stays out of automatic matching and only its
unallocated remainder is queued; an unmatch excludes exactly the (transaction, invoice / booking
/ settlement batch) pair it undid, so the transaction can be matched elsewhere or queued; manual
allocations and write-offs count as settled. Each decision names its actor (the one
tourstack.approvals.Actor that invoice and payout events record too). Decisions are never deleted; undoing a manual match
revokes its decision (revoked_at) and records an 'unmatch'. Nothing here commits: the caller
does, once.

Guards: an allocation never exceeds the invoice's open amount (total minus every allocation and
write-off) nor the transaction's amount. Allocations are in the invoice's currency; each is also
recorded in the transaction's currency, converted with tourstack.fx at the transaction's booking
date when the currencies differ (the rate, its date and its source are kept on the decision), and
their total may exceed the transaction only by the matcher's FX tolerance (FX_TOLERANCE_BPS) on
the converted part. Write-offs cover small differences only: all live write-offs of an invoice
together stay within WRITE_OFF_LIMIT_BPS of its total.

Concurrency: each step locks what its guards read before reading it (tourstack.db.locking: the
transaction's own row, a bank line, payment or refund, then the invoices in id order; SQLite
takes its write lock), so two people allocating the same money are decided one after the other
and the second is refused (409). The database states the same limits itself (migration 0014:
allocations and live write-offs within the invoice total, write-offs within the limit, manual
allocations within the transaction plus the FX tolerance) and its refusal is a 409 as well. A
write-off larger than the limit on its own is invalid (422); one that the write-offs before it
leave no room for is a conflict (409).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tourstack.approvals import Actor
from tourstack.db.locking import lock_row, lock_rows
from tourstack.db.models import (
    BankStatementLine,
    Invoice,
    Payment,
    ReconciliationDecision,
    ReconciliationException,
    ReconciliationMatch,
    Refund,
)
from tourstack.db.rules import refused_as
from tourstack.errors import Conflict, DomainError, Invalid, NotFound
from tourstack.fx import FxError, RateSource, convert
from tourstack.money import Money, format_money
from tourstack.reconcile.scoring import FX_TOLERANCE_BPS

WRITE_OFF_LIMIT_BPS = 100  # 1% of the invoice total


class ReconciliationError(DomainError):
    """A refusal of a manual step; no slug of its own, so the answer's type is about:blank."""


class NothingToReconcile(ReconciliationError, NotFound):
    """No such transaction, issued invoice or match."""


class ReconciliationConflict(ReconciliationError, Conflict):
    """What is still open (on the invoice, the transaction, the write-off limit) refuses it."""


class InvalidReconciliation(ReconciliationError, Invalid):
    """A step that could never be accepted: no parts, a wrong sign, an unconvertible currency."""


@dataclass(frozen=True)
class Transaction:
    key: str
    booked_on: dt.date
    amount_minor: int  # gross (amount + gateway fee), signed
    currency: str


_SOURCES = {"bank": BankStatementLine, "payment": Payment, "refund": Refund}


def _lock(session: Session, txn_key: str, invoice_ids: list[int]) -> None:
    """The transaction's row, then the invoices (id order): what the guards below read."""
    kind, _, raw = txn_key.partition(":")
    if kind in _SOURCES and raw.isdigit():
        lock_row(session, _SOURCES[kind], int(raw))
    lock_rows(session, Invoice, invoice_ids)


def get_transaction(session: Session, key: str) -> Transaction:
    kind, _, raw = key.partition(":")
    if not raw.isdigit():
        raise InvalidReconciliation(f"transaction key must look like bank:12, payment:34 or refund:5: {key!r}")
    ident = int(raw)
    if kind == "bank" and (line := session.get(BankStatementLine, ident)):
        return Transaction(key, line.booked_on, line.amount_minor, line.currency)
    if kind == "payment" and (pay := session.get(Payment, ident)):
        return Transaction(key, pay.attempted_at.date(), pay.amount_minor, pay.currency)
    if kind == "refund" and (ref := session.get(Refund, ident)):
        return Transaction(key, ref.refunded_at.date(), -ref.amount_minor, ref.currency)
    raise NothingToReconcile(f"no transaction {key}")


def _invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.invoice_number is None:
        raise NothingToReconcile(f"no issued invoice {invoice_id}")
    return invoice


def invoice_open_minor(session: Session, invoice: Invoice) -> int:
    allocated = session.scalar(select(func.coalesce(func.sum(ReconciliationMatch.amount_minor), 0))
                               .where(ReconciliationMatch.invoice_id == invoice.id))
    written_off = session.scalar(select(func.coalesce(func.sum(ReconciliationDecision.amount_minor), 0)).where(
        ReconciliationDecision.invoice_id == invoice.id, ReconciliationDecision.action == "write_off",
        ReconciliationDecision.revoked_at.is_(None)))
    return invoice.total_minor - int(allocated) - int(written_off)


def _decision(session: Session, actor: Actor, action: str, **fields) -> ReconciliationDecision:
    row = ReconciliationDecision(action=action, **actor.columns(), decided_at=dt.datetime.now(dt.UTC), **fields)
    session.add(row)
    session.flush()
    return row


def _take_over(session: Session, txn: Transaction) -> None:
    """A person now owns this transaction: drop its automatic matches and exceptions."""
    session.execute(delete(ReconciliationMatch).where(ReconciliationMatch.txn_key == txn.key,
                                                      ReconciliationMatch.origin == "auto"))
    session.execute(delete(ReconciliationException).where(ReconciliationException.txn_key == txn.key))


@dataclass(frozen=True)
class Equivalent:
    """An allocation in the transaction's currency, and the conversion that produced it."""

    minor: int
    rate: Decimal | None = None
    rate_date: dt.date | None = None
    source: str | None = None


def to_transaction_currency(amount: int, currency: str, txn: Transaction, rates: RateSource | None) -> Equivalent:
    """`amount` minor units of `currency` in the transaction's currency at its booking date."""
    if currency == txn.currency:
        return Equivalent(amount)
    if rates is None:
        raise InvalidReconciliation(f"no FX rates available to convert {currency} to {txn.currency}")
    try:
        conv = convert(Money.from_minor(amount, currency), txn.currency, txn.booked_on, rates)
    except (FxError, ValueError) as exc:
        raise InvalidReconciliation(f"cannot convert {currency} to {txn.currency} on "
                                    f"{txn.booked_on.isoformat()}: {exc}") from None
    rate = conv.rate.quantize(Decimal("1e-8"), rounding=ROUND_HALF_EVEN)
    return Equivalent(conv.converted.minor, rate, conv.rate_date, conv.source)


def _recorded_equivalent(session: Session, match: ReconciliationMatch, txn: Transaction,
                         rates: RateSource | None) -> int:
    """What an existing manual allocation took from the transaction, as recorded when it was made."""
    decision = session.get(ReconciliationDecision, match.decision_id) if match.decision_id else None
    if decision is not None and decision.txn_amount_minor is not None and decision.txn_currency == txn.currency:
        return decision.txn_amount_minor
    return to_transaction_currency(match.amount_minor, match.currency, txn, rates).minor


def allocate(session: Session, actor: Actor, txn_key: str, parts: list[tuple[int, int]], *,
             note: str | None = None, rates: RateSource | None = None) -> list[ReconciliationMatch]:
    """Manual match (one part) or split (several): [(invoice_id, amount_minor in the invoice's currency)]."""
    if not parts:
        raise InvalidReconciliation("at least one allocation is needed")
    txn = get_transaction(session, txn_key)
    _lock(session, txn.key, [invoice_id for invoice_id, _ in parts])
    _take_over(session, txn)
    session.flush()
    action = "match" if len(parts) == 1 else "split"
    manual = session.scalars(select(ReconciliationMatch).where(ReconciliationMatch.txn_key == txn.key)).all()
    recorded = [(m.currency, _recorded_equivalent(session, m, txn, rates)) for m in manual]
    used = sum(minor for _, minor in recorded)
    converted = sum(abs(minor) for currency, minor in recorded if currency != txn.currency)
    rows = []
    for invoice_id, amount in parts:
        invoice = _invoice(session, invoice_id)
        if amount == 0 or (amount < 0) != (txn.amount_minor < 0):
            raise InvalidReconciliation("an allocation has the sign of its transaction and is not zero")
        open_minor = invoice_open_minor(session, invoice) - sum(
            r.amount_minor for r in rows if r.invoice_id == invoice.id)
        if amount > 0 and amount > open_minor:
            raise ReconciliationConflict(f"invoice {invoice.invoice_number} has only {open_minor} "
                                         f"minor units open, cannot apply {amount}")
        equivalent = to_transaction_currency(amount, invoice.currency, txn, rates)
        used += equivalent.minor
        if invoice.currency != txn.currency:
            converted += abs(equivalent.minor)
        decision = _decision(session, actor, action, txn_key=txn.key, invoice_id=invoice.id,
                             booking_id=invoice.booking_id, amount_minor=amount, currency=invoice.currency,
                             txn_amount_minor=equivalent.minor, txn_currency=txn.currency,
                             fx_rate=equivalent.rate, fx_rate_date=equivalent.rate_date,
                             fx_source=equivalent.source, note=note)
        row = ReconciliationMatch(txn_key=txn.key, invoice_id=invoice.id, booking_id=invoice.booking_id,
                                  amount_minor=amount,
                                  currency=invoice.currency, rule=f"manual_{action}", confidence=99,
                                  origin="manual", decision_id=decision.id, booked_on=txn.booked_on)
        session.add(row)
        rows.append(row)
    allowed = abs(txn.amount_minor) + converted * FX_TOLERANCE_BPS // 10_000
    if abs(used) > allowed:
        raise ReconciliationConflict(
            f"allocations come to {format_money(abs(used), txn.currency)} at the recorded rates, "
            f"more than the transaction's {format_money(abs(txn.amount_minor), txn.currency)}"
            + (f" (+{FX_TOLERANCE_BPS / 100:.1f}% FX tolerance on converted amounts)" if converted else ""))
    with refused_as(ReconciliationConflict):
        session.flush()
    return rows


def unmatch(session: Session, actor: Actor, match_id: int, *, note: str | None = None) -> ReconciliationDecision:
    """Remove an allocation. An automatic one goes with every row of its pair (the run stores one
    row per installment it fills); the next run will not propose the pair again."""
    match = session.get(ReconciliationMatch, match_id)
    if match is not None:
        _lock(session, match.txn_key, [])
        match = lock_row(session, ReconciliationMatch, match_id)  # gone if someone undid it first
    if match is None:
        raise NothingToReconcile(f"no match {match_id}")
    if match.decision_id is not None:
        original = session.get(ReconciliationDecision, match.decision_id)
        if original is not None:
            original.revoked_at = dt.datetime.now(dt.UTC)
    removed = [match]
    if match.origin == "auto":
        removed = list(session.scalars(select(ReconciliationMatch).where(
            ReconciliationMatch.origin == "auto", ReconciliationMatch.txn_key == match.txn_key,
            _same(ReconciliationMatch.invoice_id, match.invoice_id),
            _same(ReconciliationMatch.booking_id, match.booking_id),
            _same(ReconciliationMatch.settlement_batch_id, match.settlement_batch_id))))
    decision = _decision(session, actor, "unmatch", txn_key=match.txn_key, invoice_id=match.invoice_id,
                         booking_id=match.booking_id, settlement_batch_id=match.settlement_batch_id,
                         amount_minor=sum(m.amount_minor for m in removed), currency=match.currency,
                         match_id=match.id, note=note)
    for row in removed:
        session.delete(row)
    session.flush()
    return decision


def _same(column, value):
    return column.is_(None) if value is None else column == value


def write_off(session: Session, actor: Actor, invoice_id: int, amount_minor: int, *,
              note: str | None = None) -> ReconciliationDecision:
    if amount_minor <= 0:
        raise InvalidReconciliation("a write-off is a positive amount")
    lock_rows(session, Invoice, [invoice_id])
    invoice = _invoice(session, invoice_id)
    limit = invoice.total_minor * WRITE_OFF_LIMIT_BPS // 10_000
    rule = (f"write-offs cover small differences only: at most {limit} minor units in total "
            f"({WRITE_OFF_LIMIT_BPS / 100:.0f}% of the invoice)")
    if amount_minor > limit:
        raise InvalidReconciliation(rule)
    already = int(session.scalar(select(func.coalesce(func.sum(ReconciliationDecision.amount_minor), 0)).where(
        ReconciliationDecision.invoice_id == invoice.id, ReconciliationDecision.action == "write_off",
        ReconciliationDecision.revoked_at.is_(None))))
    if already + amount_minor > limit:
        raise ReconciliationConflict(f"{rule}, {already} already written off")
    open_minor = invoice_open_minor(session, invoice)
    if amount_minor > open_minor:
        raise ReconciliationConflict(f"invoice {invoice.invoice_number} has only {open_minor} minor units open")
    with refused_as(ReconciliationConflict):
        return _decision(session, actor, "write_off", invoice_id=invoice.id, booking_id=invoice.booking_id,
                         amount_minor=amount_minor, currency=invoice.currency, note=note)
