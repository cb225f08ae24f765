"""Liveness and database reachability; public."""

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
