"""Inbound supplier mail for staff: the task list, and the rates read from a sheet (diff, then
approve or reject). Operator-internal: settlement:read to see, settlement:manage to decide."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from sqlalchemy import select

from api.deps import CanManageSettlement, CanReadSettlement, SessionDep
from api.problems import ApiProblem
from api.schemas.common import Page, problem_responses
from api.schemas.inbox import RateDecisionIn, StagedRateOut, StagedRates, TaskOut, TaskResolveIn
from tourstack.auth import Principal
from tourstack.db.base import utcnow
from tourstack.db.models.inbox import InboxMessage, InboxStagedRate, InboxTask
from tourstack.inbox.rate_staging import RateApprovalError, decide, diff_of
from tourstack.sales.pagination import keyset_page

router = APIRouter(prefix="/inbox", tags=["inbox"])
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


def _who(principal: Principal) -> str:
    return f"api key {principal.key_id} ({principal.role})"


@router.get("/tasks", response_model=Page[TaskOut], responses=problem_responses(400, 401, 403, 422))
def list_tasks(
    session: SessionDep, principal: CanReadSettlement,
    status: Literal["open", "done", "dismissed"] = "open", kind: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50, cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[TaskOut]:
    """What inbound mail needs a person for, newest first (`priority` says what is urgent)."""
    stmt = select(InboxTask).where(InboxTask.status == status)
    if kind:
        stmt = stmt.where(InboxTask.kind == kind)
    page = keyset_page(session, stmt, InboxTask, limit, cursor)
    return Page[TaskOut](items=[TaskOut.build(t) for t in page.items], next_cursor=page.next_cursor)


@router.post("/tasks/{task_id}/resolve", response_model=TaskOut, responses=problem_responses(401, 403, 404, 409, 422))
def resolve_task(task_id: Id, body: TaskResolveIn, session: SessionDep, principal: CanManageSettlement) -> TaskOut:
    """Close an open task, done or dismissed (a rate approval task closes with its decision)."""
    task = session.get(InboxTask, task_id, with_for_update=True)
    if task is None:
        raise ApiProblem(404, f"no task {task_id}", slug="not-found", title="Not found")
    if task.status != "open":
        raise ApiProblem(409, f"task {task_id} is already {task.status}", slug="task-closed", title="Task closed")
    if task.kind == "approve_rates":
        raise ApiProblem(409, "decide the rates instead: POST /inbox/messages/{id}/rates/decision",
                         slug="task-closed-by-decision", title="Task closes with its decision")
    task.status, task.resolved_at, task.resolved_by = body.status, utcnow(), _who(principal)
    session.commit()
    return TaskOut.build(task)


def _staged(session, message_id: int) -> StagedRates:
    message = session.get(InboxMessage, message_id)
    if message is None:
        raise ApiProblem(404, f"no message {message_id}", slug="not-found", title="Not found")
    rows = session.scalars(select(InboxStagedRate).where(InboxStagedRate.message_id == message_id)
                           .order_by(InboxStagedRate.id)).all()
    if not rows:
        raise ApiProblem(404, f"message {message_id} has no staged rates", slug="not-found", title="Not found")
    return StagedRates(message_id=message_id, supplier_id=message.supplier_id,
                       items=[StagedRateOut.build(r.status, diff_of(session, r)) for r in rows])


@router.get("/messages/{message_id}/rates", response_model=StagedRates, responses=problem_responses(401, 403, 404, 422))
def staged_rates(message_id: Id, session: SessionDep, principal: CanReadSettlement) -> StagedRates:
    """The rates read from one message beside the live rates they would replace."""
    return _staged(session, message_id)


@router.post("/messages/{message_id}/rates/decision", response_model=StagedRates,
             responses=problem_responses(401, 403, 404, 409, 422))
def decide_rates(message_id: Id, body: RateDecisionIn, session: SessionDep, principal: CanManageSettlement) -> StagedRates:
    """Apply (approve) or reject every pending rate of the sheet, in one transaction; a second
    decision on the same sheet is a 409, so two people deciding at once change prices once."""
    _staged(session, message_id)  # 404 before any lock
    try:
        decide(session, message_id, by=_who(principal), approve=body.approve, supplier_id=body.supplier_id)
    except RateApprovalError as exc:
        session.rollback()
        raise ApiProblem(409, str(exc), slug="rates-not-applied", title="Rates not applied") from None
    return _staged(session, message_id)
