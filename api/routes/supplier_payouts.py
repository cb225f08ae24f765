"""Supplier payouts: proposals from dues, then approve (a second person), reject or mark paid.

Finance and admin manage payouts; ops may read them; agents get 403. Domain errors become
problems in api.problems (404 / 409 / 422). Each write commits once, at the end.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session

from api.deps import CanManageSettlement, CanReadSettlement, SessionDep
from api.problems import ApiProblem
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.settlement import (
    MarkPaidIn,
    PayoutDetail,
    PayoutOut,
    ProposalIn,
    ProposalOut,
    TransitionIn,
)
from tourstack.auth import Principal
from tourstack.db.models import SupplierPayout
from tourstack.invoicing import Actor
from tourstack.supplier_payouts import (
    PayoutFilters,
    approve,
    get_payout,
    get_supplier,
    list_events,
    list_payouts,
    mark_paid,
    payout_items,
    propose_payouts,
    reject,
)

router = APIRouter(prefix="/supplier-payouts", tags=["supplier payouts"])
log = logging.getLogger("api.supplier_payouts")

PayoutStatus = Literal["pending_approval", "approved", "paid", "rejected"]
WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 422)


def _detail(session: Session, payout: SupplierPayout) -> PayoutDetail:
    return PayoutDetail.build_detail(
        payout, payout_items(session, payout.id), list_events(session, payout.id)
    )


@router.get("", response_model=Page[PayoutOut], responses=problem_responses(400, 401, 403, 422))
def get_payouts(
    session: SessionDep,
    principal: CanReadSettlement,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    status: PayoutStatus | None = None,
    supplier_id: Annotated[DbId | None, Query()] = None,
) -> Page[PayoutOut]:
    """Supplier payouts, newest first."""
    page = list_payouts(
        session, filters=PayoutFilters(status=status, supplier_id=supplier_id),
        limit=limit, cursor=cursor,
    )
    return Page[PayoutOut](items=[PayoutOut.build(p) for p in page.items], next_cursor=page.next_cursor)


@router.get("/{payout_id}", response_model=PayoutDetail, responses=problem_responses(401, 403, 404))
def get_one_payout(session: SessionDep, principal: CanReadSettlement, payout_id: DbId) -> PayoutDetail:
    """One payout with the booking items it settles and its audit trail."""
    payout = get_payout(session, payout_id)
    if payout is None:
        raise ApiProblem(404, f"supplier payout {payout_id} not found", slug="not-found")
    return _detail(session, payout)


@router.post("/proposals", response_model=ProposalOut, status_code=201, responses={
    **WRITE_PROBLEMS, 200: {"model": ProposalOut, "description": "nothing new to propose: no payout created"}})
def post_proposal(
    session: SessionDep, principal: CanManageSettlement, body: ProposalIn, response: Response
) -> ProposalOut:
    """Propose pending_approval payouts, one per supplier and currency, for the dues falling due
    in the period and in no payout yet. Repeating a proposal creates nothing (200, empty)."""
    if body.supplier_id is not None and get_supplier(session, body.supplier_id) is None:
        raise ApiProblem(404, f"supplier {body.supplier_id} not found", slug="not-found")
    payouts = propose_payouts(
        session, body.period_start, body.period_end, Actor.of(principal), supplier_id=body.supplier_id
    )
    session.commit()
    if not payouts:
        response.status_code = 200
    log.info("supplier payouts proposed", extra={"count": len(payouts), "key_id": principal.key_id})
    return ProposalOut(payouts=[PayoutOut.build(p) for p in payouts])


def _step(session: Session, principal: Principal, payout: SupplierPayout, action: str) -> PayoutDetail:
    session.commit()
    log.info(f"supplier payout {action}", extra={"supplier_payout_id": payout.id,
                                                 "status": payout.status, "key_id": principal.key_id})
    return _detail(session, payout)


@router.post("/{payout_id}/approve", response_model=PayoutDetail, responses=WRITE_PROBLEMS)
def post_approve(session: SessionDep, principal: CanManageSettlement, payout_id: DbId) -> PayoutDetail:
    """pending_approval -> approved; the proposer cannot approve (409 separation-of-duties)."""
    return _step(session, principal, approve(session, payout_id, actor=Actor.of(principal)), "approved")


@router.post("/{payout_id}/reject", response_model=PayoutDetail, responses=WRITE_PROBLEMS)
def post_reject(
    session: SessionDep, principal: CanManageSettlement, payout_id: DbId, body: TransitionIn | None = None
) -> PayoutDetail:
    """pending_approval or approved -> rejected; its items can be proposed again."""
    payout = reject(session, payout_id, actor=Actor.of(principal), reason=body.reason if body else None)
    return _step(session, principal, payout, "rejected")


@router.post("/{payout_id}/mark-paid", response_model=PayoutDetail, responses=WRITE_PROBLEMS)
def post_mark_paid(
    session: SessionDep, principal: CanManageSettlement, payout_id: DbId, body: MarkPaidIn
) -> PayoutDetail:
    """approved -> paid, with the bank reference and the date paid."""
    payout = mark_paid(session, payout_id, actor=Actor.of(principal), reference=body.reference,
                       paid_on=body.paid_on)
    return _step(session, principal, payout, "paid")
