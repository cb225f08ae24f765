"""Chargebacks (finance): list them with their evidence due dates, record the outcome."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.deps import CanManageDisputes, SessionDep
from api.problems import ApiProblem
from api.schemas.common import DbId, Page, problem_responses
from api.schemas.payments import DisputeOut, DisputeResolveIn
from tourstack.db.models import Dispute
from tourstack.payments import resolve_dispute
from tourstack.sales.pagination import keyset_page

router = APIRouter(prefix="/disputes", tags=["disputes"])


@router.get("", response_model=Page[DisputeOut], responses=problem_responses(400, 401, 403, 422))
def get_disputes(
    session: SessionDep, principal: CanManageDisputes,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    status: Literal["open", "won", "lost"] | None = None,
) -> Page[DisputeOut]:
    stmt = select(Dispute)
    if status:
        stmt = stmt.where(Dispute.status == status)
    page = keyset_page(session, stmt, Dispute, limit, cursor or None)
    return Page[DisputeOut](items=[DisputeOut.build(d) for d in page.items], next_cursor=page.next_cursor)


@router.post("/{dispute_id}/resolve", response_model=DisputeOut, responses=problem_responses(401, 403, 404, 409))
def post_resolve(session: SessionDep, principal: CanManageDisputes, dispute_id: DbId,
                 body: DisputeResolveIn) -> DisputeOut:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise ApiProblem(404, f"dispute {dispute_id} not found", slug="not-found")
    resolve_dispute(session, dispute, body.outcome)
    session.commit()
    return DisputeOut.build(dispute)
