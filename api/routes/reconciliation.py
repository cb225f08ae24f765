"""Manual reconciliation for finance: match, split, unmatch, write off; the exception queue and
the audit trail.

Writes and the exception queue need `reconciliation:manage` (finance and admin; agents and ops
get 403). Each write records a decision with
the caller's key (the audit trail in reconciliation_decisions) and commits once at the end; the
daily run keeps these decisions (tourstack.reconcile.operational). Reading the trail and a
transaction's current matches needs `reconciliation:read` (ops as well); agents never see
reconciliation data.
Cross-currency allocations are converted with the same FX source the daily run uses.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from api.deps import CanReadReconciliation, CanReconcile, SessionDep
from api.problems import ApiProblem
from api.schemas.common import DbId, Page, TxnKey, problem_responses
from api.schemas.reconciliation import (
    DecisionOut,
    ExceptionOut,
    MatchCreate,
    MatchOut,
    SplitCreate,
    WriteOffCreate,
)
from tourstack.db.models import Invoice, ReconciliationDecision, ReconciliationMatch
from tourstack.money import exponent, from_minor, quantum
from tourstack.fx import EcbOfflineSource, RateSource
from tourstack.reconcile.audit import list_decisions, list_exceptions, list_matches
from tourstack.approvals import Actor
from tourstack.reconcile.decisions import (
    allocate,
    get_transaction,
    unmatch,
    write_off,
)

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"])
log = logging.getLogger("api.reconciliation")


def get_fx_rates() -> RateSource:
    """The rates the daily run converts with (the bundled ECB history)."""
    return EcbOfflineSource()


FxRatesDep = Annotated[RateSource, Depends(get_fx_rates)]


def _minor(session, invoice_id: int, text: str) -> int:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise ApiProblem(404, f"no issued invoice {invoice_id}")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ApiProblem(422, f"amount must be a decimal number, got {text!r}") from None
    if not value.is_finite() or abs(value) >= Decimal("1e15"):
        raise ApiProblem(422, f"amount must be a finite number below 10^15, got {text!r}")
    if value != value.quantize(quantum(invoice.currency)):
        raise ApiProblem(422, f"amount {text!r} has more than {exponent(invoice.currency)} decimals for "
                              f"{invoice.currency}")
    return int(value.scaleb(exponent(invoice.currency)))


def _match_out(m: ReconciliationMatch) -> MatchOut:
    return MatchOut(id=m.id, txn_key=m.txn_key, invoice_id=m.invoice_id, booking_id=m.booking_id,
                    installment_id=m.installment_id, settlement_batch_id=m.settlement_batch_id,
                    amount=str(from_minor(m.amount_minor, m.currency)),
                    currency=m.currency, rule=m.rule, confidence=m.confidence / 100, origin=m.origin,
                    decision_id=m.decision_id)


def _decision_out(d: ReconciliationDecision) -> DecisionOut:
    def money(minor: int | None, currency: str | None) -> str | None:
        return str(from_minor(minor, currency)) if minor is not None and currency else None

    return DecisionOut(id=d.id, action=d.action, txn_key=d.txn_key, invoice_id=d.invoice_id,
                       booking_id=d.booking_id, settlement_batch_id=d.settlement_batch_id, match_id=d.match_id,
                       amount=money(d.amount_minor, d.currency), currency=d.currency,
                       txn_amount=money(d.txn_amount_minor, d.txn_currency), txn_currency=d.txn_currency,
                       fx_rate=None if d.fx_rate is None else format(d.fx_rate, "f"), fx_rate_date=d.fx_rate_date,
                       fx_source=d.fx_source, actor_role=d.actor_role, actor_key_id=d.actor_key_id,
                       actor_staff_user_id=d.actor_staff_user_id, decided_at=d.decided_at,
                       revoked_at=d.revoked_at, note=d.note)


@router.post("/matches", status_code=status.HTTP_201_CREATED, response_model=MatchOut,
             responses=problem_responses(403, 404, 409, 422))
def create_match(body: MatchCreate, session: SessionDep, principal: CanReconcile, rates: FxRatesDep) -> MatchOut:
    amount = _minor(session, body.invoice_id, body.amount)
    (row,) = allocate(session, Actor.of(principal), body.txn_key, [(body.invoice_id, amount)], note=body.note,
                      rates=rates)
    session.commit()
    log.info("manual match", extra={"match_id": row.id, "txn_key": row.txn_key, "key_id": principal.key_id})
    return _match_out(row)


@router.post("/matches/split", status_code=status.HTTP_201_CREATED, response_model=list[MatchOut],
             responses=problem_responses(403, 404, 409, 422))
def split(body: SplitCreate, session: SessionDep, principal: CanReconcile, rates: FxRatesDep) -> list[MatchOut]:
    parts = [(a.invoice_id, _minor(session, a.invoice_id, a.amount)) for a in body.allocations]
    rows = allocate(session, Actor.of(principal), body.txn_key, parts, note=body.note, rates=rates)
    session.commit()
    log.info("manual split", extra={"txn_key": body.txn_key, "parts": len(rows), "key_id": principal.key_id})
    return [_match_out(r) for r in rows]


@router.delete("/matches/{match_id}", response_model=DecisionOut, responses=problem_responses(403, 404))
def delete_match(match_id: DbId, session: SessionDep, principal: CanReconcile) -> DecisionOut:
    decision = unmatch(session, Actor.of(principal), match_id)
    session.commit()
    log.info("unmatch", extra={"match_id": match_id, "key_id": principal.key_id})
    return _decision_out(decision)


@router.post("/write-offs", status_code=status.HTTP_201_CREATED, response_model=DecisionOut,
             responses=problem_responses(403, 404, 409, 422))
def create_write_off(body: WriteOffCreate, session: SessionDep, principal: CanReconcile) -> DecisionOut:
    amount = _minor(session, body.invoice_id, body.amount)
    decision = write_off(session, Actor.of(principal), body.invoice_id, amount, note=body.note)
    session.commit()
    log.info("write-off", extra={"invoice_id": body.invoice_id, "key_id": principal.key_id})
    return _decision_out(decision)


@router.get("/exceptions", response_model=Page[ExceptionOut], responses=problem_responses(403, 422))
def exceptions(
    session: SessionDep,
    principal: CanReconcile,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    reason: Annotated[str | None, Query(max_length=32)] = None,
) -> Page[ExceptionOut]:
    page = list_exceptions(session, cursor=cursor, limit=limit, reason=reason)
    items = [ExceptionOut(id=e.id, txn_key=e.txn_key, reason=e.reason,
                          suggestions=[s for s in (e.suggestions or "").split(";") if s],
                          amount=str(from_minor(e.amount_minor, e.currency)), currency=e.currency,
                          booked_on=e.booked_on, age_days=e.age_days) for e in page.items]
    return Page[ExceptionOut](items=items, next_cursor=page.next_cursor)


@router.get("/decisions", response_model=Page[DecisionOut], responses=problem_responses(400, 403, 422))
def decisions(
    session: SessionDep,
    principal: CanReadReconciliation,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    txn_key: Annotated[TxnKey | None, Query(description="e.g. bank:12, payment:34")] = None,
    invoice_id: Annotated[DbId | None, Query()] = None,
    action: Annotated[str | None, Query(pattern="^(match|split|unmatch|write_off)$")] = None,
) -> Page[DecisionOut]:
    """The audit trail, newest first: who matched, split, unmatched or wrote off what, and when."""
    page = list_decisions(session, cursor=cursor, limit=limit, txn_key=txn_key, invoice_id=invoice_id, action=action)
    return Page[DecisionOut](items=[_decision_out(d) for d in page.items], next_cursor=page.next_cursor)


@router.get("/transactions/{txn_key}/matches", response_model=Page[MatchOut],
            responses=problem_responses(400, 403, 404, 422))
def transaction_matches(
    txn_key: TxnKey,
    session: SessionDep,
    principal: CanReadReconciliation,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[MatchOut]:
    """The allocations standing now for one transaction (automatic and manual), newest first."""
    get_transaction(session, txn_key)
    page = list_matches(session, txn_key, cursor=cursor, limit=limit)
    return Page[MatchOut](items=[_match_out(m) for m in page.items], next_cursor=page.next_cursor)
