"""Manual reconciliation: match, split, unmatch, write off, and the exception queue listing.

Why every step is a row in reconciliation_decisions: finance must be able to say who allocated
or removed which money and when, and the daily run must respect it (operational.py keeps any
transaction with a live decision out of automatic matching and counts manual allocations and
write-offs as settled). Decisions are never deleted; undoing a manual match revokes its
decision (revoked_at) and records an 'unmatch'. Nothing here commits: the caller does, once.

Guards: an allocation never exceeds the invoice's open amount (total minus every allocation
and write-off) nor, in the same currency, the transaction's unallocated amount; a write-off
covers only a small difference (at most WRITE_OFF_LIMIT_BPS of the invoice and its open amount).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tourstack.db.models import (
    BankStatementLine,
    Invoice,
    Payment,
    ReconciliationDecision,
    ReconciliationException,
    ReconciliationMatch,
    Refund,
)
from tourstack.sales.pagination import Page, check_limit, decode_cursor, encode_cursor

WRITE_OFF_LIMIT_BPS = 100  # 1% of the invoice total


class ReconciliationError(ValueError):
    """`kind`: not_found (404), conflict (409) or invalid (422)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Actor:
    role: str | None = None
    key_id: int | None = None
    staff_user_id: int | None = None


@dataclass(frozen=True)
class Transaction:
    key: str
    booked_on: dt.date
    amount_minor: int  # gross (amount + gateway fee), signed
    currency: str


def get_transaction(session: Session, key: str) -> Transaction:
    kind, _, raw = key.partition(":")
    if not raw.isdigit():
        raise ReconciliationError("invalid", f"transaction key must look like bank:12, payment:34 or refund:5: {key!r}")
    ident = int(raw)
    if kind == "bank" and (line := session.get(BankStatementLine, ident)):
        return Transaction(key, line.booked_on, line.amount_minor, line.currency)
    if kind == "payment" and (pay := session.get(Payment, ident)):
        return Transaction(key, pay.attempted_at.date(), pay.amount_minor, pay.currency)
    if kind == "refund" and (ref := session.get(Refund, ident)):
        return Transaction(key, ref.refunded_at.date(), -ref.amount_minor, ref.currency)
    raise ReconciliationError("not_found", f"no transaction {key}")


def _invoice(session: Session, invoice_id: int) -> Invoice:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.invoice_number is None:
        raise ReconciliationError("not_found", f"no issued invoice {invoice_id}")
    return invoice


def invoice_open_minor(session: Session, invoice: Invoice) -> int:
    allocated = session.scalar(select(func.coalesce(func.sum(ReconciliationMatch.amount_minor), 0))
                               .where(ReconciliationMatch.invoice_id == invoice.id))
    written_off = session.scalar(select(func.coalesce(func.sum(ReconciliationDecision.amount_minor), 0)).where(
        ReconciliationDecision.invoice_id == invoice.id, ReconciliationDecision.action == "write_off",
        ReconciliationDecision.revoked_at.is_(None)))
    return invoice.total_minor - int(allocated) - int(written_off)


def _decision(session: Session, actor: Actor, action: str, **fields) -> ReconciliationDecision:
    row = ReconciliationDecision(action=action, actor_role=actor.role, actor_key_id=actor.key_id,
                                 actor_staff_user_id=actor.staff_user_id,
                                 decided_at=dt.datetime.now(dt.UTC), **fields)
    session.add(row)
    session.flush()
    return row


def _take_over(session: Session, txn: Transaction) -> None:
    """A person now owns this transaction: drop its automatic matches and exceptions."""
    session.execute(delete(ReconciliationMatch).where(ReconciliationMatch.txn_key == txn.key,
                                                      ReconciliationMatch.origin == "auto"))
    session.execute(delete(ReconciliationException).where(ReconciliationException.txn_key == txn.key))


def allocate(session: Session, actor: Actor, txn_key: str, parts: list[tuple[int, int]], *,
             note: str | None = None) -> list[ReconciliationMatch]:
    """Manual match (one part) or split (several): [(invoice_id, amount_minor in the invoice's currency)]."""
    if not parts:
        raise ReconciliationError("invalid", "at least one allocation is needed")
    txn = get_transaction(session, txn_key)
    _take_over(session, txn)
    session.flush()
    action = "match" if len(parts) == 1 else "split"
    manual = session.scalars(select(ReconciliationMatch).where(ReconciliationMatch.txn_key == txn.key)).all()
    same_currency_used = sum(m.amount_minor for m in manual if m.currency == txn.currency)
    new_same = 0
    rows = []
    for invoice_id, amount in parts:
        invoice = _invoice(session, invoice_id)
        if amount == 0 or (amount < 0) != (txn.amount_minor < 0):
            raise ReconciliationError("invalid", "an allocation has the sign of its transaction and is not zero")
        open_minor = invoice_open_minor(session, invoice) - sum(
            r.amount_minor for r in rows if r.invoice_id == invoice.id)
        if amount > 0 and amount > open_minor:
            raise ReconciliationError("conflict", f"invoice {invoice.invoice_number} has only {open_minor} "
                                      f"minor units open, cannot apply {amount}")
        if invoice.currency == txn.currency:
            new_same += amount
        decision = _decision(session, actor, action, txn_key=txn.key, invoice_id=invoice.id, amount_minor=amount,
                             currency=invoice.currency, note=note)
        row = ReconciliationMatch(txn_key=txn.key, invoice_id=invoice.id, booking_id=invoice.booking_id,
                                  amount_minor=amount,
                                  currency=invoice.currency, rule=f"manual_{action}", confidence=99,
                                  origin="manual", decision_id=decision.id, booked_on=txn.booked_on)
        session.add(row)
        rows.append(row)
    if abs(same_currency_used + new_same) > abs(txn.amount_minor):
        raise ReconciliationError("conflict", f"allocations exceed the transaction's {txn.amount_minor} minor units")
    session.flush()
    return rows


def unmatch(session: Session, actor: Actor, match_id: int, *, note: str | None = None) -> ReconciliationDecision:
    match = session.get(ReconciliationMatch, match_id)
    if match is None:
        raise ReconciliationError("not_found", f"no match {match_id}")
    if match.decision_id is not None:
        original = session.get(ReconciliationDecision, match.decision_id)
        if original is not None:
            original.revoked_at = dt.datetime.now(dt.UTC)
    decision = _decision(session, actor, "unmatch", txn_key=match.txn_key, invoice_id=match.invoice_id,
                         amount_minor=match.amount_minor, currency=match.currency, match_id=match.id, note=note)
    session.delete(match)
    session.flush()
    return decision


def write_off(session: Session, actor: Actor, invoice_id: int, amount_minor: int, *,
              note: str | None = None) -> ReconciliationDecision:
    invoice = _invoice(session, invoice_id)
    if amount_minor <= 0:
        raise ReconciliationError("invalid", "a write-off is a positive amount")
    limit = invoice.total_minor * WRITE_OFF_LIMIT_BPS // 10_000
    if amount_minor > limit:
        raise ReconciliationError("invalid", f"write-offs cover small differences only: at most {limit} minor units "
                                  f"({WRITE_OFF_LIMIT_BPS / 100:.0f}% of the invoice)")
    open_minor = invoice_open_minor(session, invoice)
    if amount_minor > open_minor:
        raise ReconciliationError("conflict", f"invoice {invoice.invoice_number} has only {open_minor} minor units open")
    return _decision(session, actor, "write_off", invoice_id=invoice.id, amount_minor=amount_minor,
                     currency=invoice.currency, note=note)


def list_exceptions(session: Session, *, cursor: str | None = None, limit: int = 50,
                    reason: str | None = None) -> Page[ReconciliationException]:
    """Oldest first would hide new items behind a long tail: newest id first, keyset-paginated."""
    check_limit(limit)
    stmt = select(ReconciliationException).order_by(ReconciliationException.id.desc())
    if reason:
        stmt = stmt.where(ReconciliationException.reason == reason)
    if cursor:
        stmt = stmt.where(ReconciliationException.id < decode_cursor(cursor))
    rows = list(session.scalars(stmt.limit(limit + 1)))
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(rows[-1].id))
    return Page(items=rows, next_cursor=None)
