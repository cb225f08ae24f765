"""Refund approval (finance): a refund above the threshold waits for a second person; bank
transfer refunds, paid out by hand, are recorded paid by finance with the bank's reference."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CanApproveRefunds, CanRequestRefunds, PaymentsDep, SessionDep
from api.schemas.common import DbId, problem_responses
from api.schemas.payments import RefundOut, RefundPaidIn, RefundPaidOut
from tourstack.payments import approve_refund, get_refund, record_manual_refund

router = APIRouter(prefix="/refunds", tags=["refunds"])


@router.get("/{refund_id}", response_model=RefundOut, responses=problem_responses(401, 403, 404))
def get_one_refund(session: SessionDep, principal: CanRequestRefunds, refund_id: DbId) -> RefundOut:
    return RefundOut.build(get_refund(session, refund_id))


@router.post("/{refund_id}/approve", response_model=RefundOut,
             responses=problem_responses(401, 403, 404, 409))
def post_approve(session: SessionDep, principal: CanApproveRefunds, payments: PaymentsDep,
                 refund_id: DbId) -> RefundOut:
    """Approve a waiting refund and send it to the gateway; the requester cannot approve."""
    refund = approve_refund(session, get_refund(session, refund_id), approver_key_id=principal.key_id,
                            gateways=payments.gateways)
    session.commit()
    return RefundOut.build(refund)


@router.post("/{refund_id}/mark-paid", response_model=RefundPaidOut,
             responses=problem_responses(401, 403, 404, 409, 422))
def post_mark_paid(session: SessionDep, principal: CanApproveRefunds, refund_id: DbId,
                   body: RefundPaidIn) -> RefundPaidOut:
    """Record a bank-transfer refund as paid out (finance): the bank's reference, the payout date
    and the recording key are kept on the refund; a reference can pay one refund only (409)."""
    refund = record_manual_refund(session, get_refund(session, refund_id), reference=body.reference,
                                  paid_on=body.paid_on, recorded_by_key_id=principal.key_id)
    session.commit()
    return RefundPaidOut.build(refund)
