"""`POST /batch`: up to MAX_BATCH GET reads in one request, each authorised as the caller.

Every sub-request runs through the whole app (input guard, response cache, metrics, the route's
own permission check) with the caller's principal and nothing more: an agent's sub-request for
another agency's booking is a 404 inside the batch exactly as it would be on its own, and a
route the caller's role may not read is a 403 inside the batch. Only GETs below /api/v1 are
allowed, and a batch cannot contain a batch. A refused sub-request does not fail the others:
the batch answers 200 with one status and body per sub-request, in order.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentPrincipal
from api.problems import problem_body
from api.routes import API_PREFIX
from api.schemas.common import problem_responses
from api.subrequests import get

router = APIRouter(prefix="/batch", tags=["batch"])
MAX_BATCH = 20


class BatchRead(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(default=None, max_length=64, description="echoed back to match answers")
    path: str = Field(max_length=2000, pattern=r"^/api/v1/[!-~]*$",
                      description="a GET path below /api/v1 with its query string, printable ASCII "
                                  "(percent-encode the rest), e.g. /api/v1/bookings?limit=5")


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requests: list[BatchRead] = Field(min_length=1, max_length=MAX_BATCH)


class BatchAnswer(BaseModel):
    id: str | None
    status: int
    body: Any = Field(description="the sub-request's JSON body (a problem document when it failed)")


class BatchOut(BaseModel):
    responses: list[BatchAnswer]


def _refusal(path: str) -> str | None:
    target = path.split("?", 1)[0]
    if ".." in target.split("/") or "//" in target or "\\" in target:
        return "the path must be a plain path below /api/v1"
    if target == f"{API_PREFIX}/batch" or target.startswith(f"{API_PREFIX}/batch/"):
        return "a batch cannot contain a batch"
    return None


@router.post("", response_model=BatchOut, responses=problem_responses(401))
async def post_batch(request: Request, principal: CurrentPrincipal, body: BatchIn) -> BatchOut:
    """Run the reads in order and answer each one's status and JSON body."""
    answers: list[BatchAnswer] = []
    request_id = request.scope.get("state", {}).get("request_id")
    for read in body.requests:
        refused = _refusal(read.path)
        if refused is not None:
            answers.append(BatchAnswer(id=read.id, status=400, body=problem_body(
                400, instance=read.path, detail=refused, slug="invalid-batch", title="Bad Request")))
            continue
        response = await get(request.app, read.path, principal, request_id=request_id)
        try:
            parsed = json.loads(response.body) if response.body else None
        except ValueError:  # a file route (PDF, CSV): not carried inside JSON
            parsed = problem_body(406, instance=read.path, detail="the answer is not JSON; request it on its own",
                                  title="Not Acceptable")
            answers.append(BatchAnswer(id=read.id, status=406, body=parsed))
            continue
        answers.append(BatchAnswer(id=read.id, status=response.status, body=parsed))
    return BatchOut(responses=answers)
