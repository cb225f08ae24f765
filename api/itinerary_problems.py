"""Problem details for the AI errors (RFC 9457, see api.problems). The itinerary domain's own
refusals (not found, conflict, invalid edit) are answered by api.problems like every domain's."""

from __future__ import annotations

import math

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.problems import problem_response
from tourstack.itinerary import (
    BudgetExhausted,
    GenerationFailed,
    RateLimited,
    UnknownDestination,
)
from tourstack.itinerary.suggestions import NothingNearby


async def _unknown_destination(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, 422, detail=str(exc), slug="unknown-destination",
                            title="Unknown destination")


async def _nothing_nearby(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, 404, detail=str(exc), slug="not-found")


async def _rate_limited(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RateLimited)
    retry = max(1, math.ceil(exc.retry_after_s))
    return problem_response(request, 429, detail=str(exc), slug="rate-limited", title="Too many requests",
                            headers={"Retry-After": str(retry)}, scope=exc.scope)


async def _budget(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BudgetExhausted)
    return problem_response(request, 402, detail=str(exc), slug="ai-budget-exceeded",
                            title="AI budget exceeded", scope=exc.scope)


async def _generation_failed(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, 503, detail="no provider could generate a plan; try again later",
                            slug="generation-failed", title="Generation failed")


def install_itinerary_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UnknownDestination, _unknown_destination)
    app.add_exception_handler(NothingNearby, _nothing_nearby)
    app.add_exception_handler(RateLimited, _rate_limited)
    app.add_exception_handler(BudgetExhausted, _budget)
    app.add_exception_handler(GenerationFailed, _generation_failed)
