"""Refund approval (finance): a refund above the threshold waits for a second person."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CanApproveRefunds, CanRequestRefunds, PaymentsDep, SessionDep
from api.schemas.common import problem_responses
from api.schemas.payments import RefundOut
from tourstack.payments import approve_refund, get_refund

router = APIRouter(prefix="/api/v1/refunds", tags=["refunds"])


@router.get("/{refund_id}", response_model=RefundOut, responses=problem_responses(401, 403, 404))
def get_one_refund(session: SessionDep, principal: CanRequestRefunds, refund_id: int) -> RefundOut:
    return RefundOut.build(get_refund(session, refund_id))


@router.post("/{refund_id}/approve", response_model=RefundOut,
             responses=problem_responses(401, 403, 404, 409))
def post_approve(session: SessionDep, principal: CanApproveRefunds, payments: PaymentsDep,
                 refund_id: int) -> RefundOut:
    """Approve a waiting refund and send it to the gateway; the requester cannot approve."""
    refund = approve_refund(session, get_refund(session, refund_id), approver_key_id=principal.key_id,
                            gateways=payments.gateways)
    session.commit()
    return RefundOut.build(refund)
