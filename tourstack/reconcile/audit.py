"""Reading reconciliation state: the exception queue, the decision trail, current matches.

Why keyset pagination, newest first: the queue and the trail only grow, and the newest items are
the ones a person is looking for; an offset would skip or repeat rows while a run or a colleague
writes. Every listing takes the same opaque cursor as the other routes (tourstack.sales.pagination).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import ReconciliationDecision, ReconciliationException, ReconciliationMatch
from tourstack.sales.pagination import Page, check_limit, decode_cursor, encode_cursor


def _page(session: Session, stmt, model, cursor: str | None, limit: int) -> Page:
    check_limit(limit)
    stmt = stmt.order_by(model.id.desc())
    if cursor:
        stmt = stmt.where(model.id < decode_cursor(cursor))
    rows = list(session.scalars(stmt.limit(limit + 1)))
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(rows[-1].id))
    return Page(items=rows, next_cursor=None)


def list_exceptions(session: Session, *, cursor: str | None = None, limit: int = 50,
                    reason: str | None = None) -> Page[ReconciliationException]:
    stmt = select(ReconciliationException)
    if reason:
        stmt = stmt.where(ReconciliationException.reason == reason)
    return _page(session, stmt, ReconciliationException, cursor, limit)


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
    return _page(session, stmt, ReconciliationDecision, cursor, limit)


def list_matches(session: Session, txn_key: str, *, cursor: str | None = None,
                 limit: int = 50) -> Page[ReconciliationMatch]:
    """The allocations standing now for one transaction, automatic and manual."""
    stmt = select(ReconciliationMatch).where(ReconciliationMatch.txn_key == txn_key)
    return _page(session, stmt, ReconciliationMatch, cursor, limit)
