"""Liveness and database reachability; public.

Two probes because they answer different questions: `/health/live` says the process serves
requests (a liveness probe restarts the pod when it does not), `/health` says it can do useful
work (a readiness probe takes the pod out of the load balancer while the database is away).
Restarting every pod because the database is down would only add a thundering herd."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.problems import problem_response
from api.schemas.common import problem_responses

router = APIRouter(tags=["health"])
log = logging.getLogger("api.health")


@router.get("/health", responses=problem_responses(503))
def health(request: Request) -> JSONResponse:
    """`{"status": "ok", "database": "ok"}`, or a 503 problem when the database does not answer."""
    try:
        with request.app.state.database.sessionmaker() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        # The exception text may carry connection details: log its type only.
        log.error("database health check failed", extra={"error": type(exc).__name__})
        return problem_response(
            request, 503, detail="the operational database is not reachable",
            slug="database-unavailable", title="Service unavailable",
        )
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/health/live")
def live() -> dict[str, str]:
    """`{"status": "ok"}` while the process answers; touches nothing else."""
    return {"status": "ok"}
