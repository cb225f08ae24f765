"""Reading reconciliation state: the exception queue, the decision trail, current matches.

Why keyset pagination, newest first: the queue and the trail only grow, and the newest items are
the ones a person is looking for; an offset would skip or repeat rows while a run or a colleague
writes. Every listing takes the same opaque cursor as the other routes (tourstack.sales.pagination).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import ReconciliationDecision, ReconciliationException, ReconciliationMatch
from tourstack.sales.pagination import Page, keyset_page


def list_exceptions(session: Session, *, cursor: str | None = None, limit: int = 50,
                    reason: str | None = None) -> Page[ReconciliationException]:
    stmt = select(ReconciliationException)
    if reason:
        stmt = stmt.where(ReconciliationException.reason == reason)
    return keyset_page(session, stmt, ReconciliationException, limit, cursor or None)


def list_decisions(session: Session, *, cursor: str | None = None, limit: int = 50, txn_key: str | None = None,
                   invoice_id: int | None = None, action: str | None = None) -> Page[ReconciliationDecision]:
    """Who decided what and when, revoked decisions included (revoked_at says so)."""
    stmt = select(ReconciliationDecision)
    if txn_key:
        stmt = stmt.where(ReconciliationDecision.txn_key == txn_key)
    if invoice_id is not None:
        stmt = stmt.where(ReconciliationDecision.invoice_id == invoice_id)
    if action:
        stmt = stmt.where(ReconciliationDecision.action == action)
    return keyset_page(session, stmt, ReconciliationDecision, limit, cursor or None)


def list_matches(session: Session, txn_key: str, *, cursor: str | None = None,
                 limit: int = 50) -> Page[ReconciliationMatch]:
    """The allocations standing now for one transaction, automatic and manual."""
    stmt = select(ReconciliationMatch).where(ReconciliationMatch.txn_key == txn_key)
    return keyset_page(session, stmt, ReconciliationMatch, limit, cursor or None)
