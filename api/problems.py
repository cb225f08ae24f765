"""RFC 9457 problem details: one error shape for every failure the API returns."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from tourstack.db.rules import broken_rule, describe
from tourstack.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from tourstack.payments import GatewayDeclined, GatewayUnavailable, NoGatewayAvailable
from tourstack.sales import InvalidCursor

PROBLEM_CONTENT_TYPE = "application/problem+json"
# Problem types are relative URI references (RFC 9457 section 3.1.1).
PROBLEM_BASE = "/problems/"

log = logging.getLogger("api.problems")


def problem_type(slug: str | None) -> str:
    return f"{PROBLEM_BASE}{slug}" if slug else "about:blank"


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class ApiProblem(Exception):
    """Raise from routes and dependencies to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or _title(status))
        self.status = status
        self.detail = detail
        self.slug = slug
        self.title = title or _title(status)
        self.headers = headers
        self.extensions = extensions


def problem_body(
    status: int,
    *,
    instance: str,
    detail: str | None = None,
    slug: str | None = None,
    title: str | None = None,
    **extensions: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title or _title(status),
        "status": status,
        "detail": detail or _title(status),
        "instance": instance,
    }
    body.update(extensions)
    return body


def problem_response(
    request: Request,
    status: int,
    *,
    detail: str | None = None,
    slug: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        extensions.setdefault("request_id", request_id)
    body = problem_body(
        status, instance=request.url.path, detail=detail, slug=slug, title=title, **extensions
    )
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_CONTENT_TYPE)


async def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return problem_response(
        request, exc.status, detail=exc.detail, slug=exc.slug, title=exc.title,
        headers=exc.headers, **exc.extensions,
    )


async def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    headers = exc.headers
    if exc.status_code == 405:
        # Starlette's Allow lists the methods of the first route whose path matched; one path
        # served by several routes (GET and POST of /invoices) needs all of them.
        allowed = _allowed_methods(request)
        headers = {**(headers or {}), "Allow": ", ".join(allowed)}
        detail = f"{request.method} is not allowed on {request.url.path}; allowed: {', '.join(allowed)}"
    return problem_response(request, exc.status_code, detail=detail, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """The methods the published schema lists for this path: what a client may use. When a
    literal path and a template both match (`/itineraries/generate`, `/itineraries/{id}`), the
    one with fewer parameters is the resource the client named."""
    table = getattr(request.app.state, "allowed_methods", None)
    if table is None:
        table = [(re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"), path.count("{"),
                  {m.upper() for m in item if m in {"get", "head", "post", "put", "patch", "delete", "options"}})
                 for path, item in request.app.openapi().get("paths", {}).items()]
        request.app.state.allowed_methods = table
    matching = [(params, methods) for pattern, params, methods in table if pattern.match(request.url.path)]
    if not matching:
        return []
    fewest = min(params for params, _ in matching)
    return sorted(set().union(*(methods for params, methods in matching if params == fewest)))


def _shadowed_by_a_template(request: Request) -> bool:
    """True when the path names a literal resource (`/matches/split`) that does not take this
    method, and only a template beside it (`/matches/{match_id}`) does: the router picked the
    template and failed to parse `split` as an id, but the answer is 405, not 422."""
    allowed = _allowed_methods(request)
    return bool(allowed) and request.method not in allowed


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    if _shadowed_by_a_template(request):
        return await _http_exception(request, StarletteHTTPException(405))
    # Only location, message and type: the offending input is never echoed back.
    errors = [
        {"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
        for err in exc.errors()
    ]
    return problem_response(
        request, 422, detail="the request is not valid", slug="validation-error",
        title="Validation error", errors=errors,
    )


async def _invalid_cursor(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        request, 400, detail="the pagination cursor is not valid; start again without one",
        slug="invalid-cursor", title="Invalid cursor",
    )


# The status of each family of domain refusal (tourstack.errors); anything else is a 400.
_DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (NotFound, 404), (Forbidden, 403), (Conflict, 409), (Invalid, 422),
)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    """Every domain's refusals: the family gives the status, the class its slug and title."""
    assert isinstance(exc, DomainError)
    status = next((code for family, code in _DOMAIN_STATUS if isinstance(exc, family)), 400)
    return problem_response(request, status, detail=str(exc), slug=exc.code, title=exc.title)


async def _gateway_error(request: Request, exc: Exception) -> JSONResponse:
    """Gateway trouble: down (or every gateway down) -> 503; declined -> 422 payment-declined."""
    if isinstance(exc, GatewayUnavailable | NoGatewayAvailable):
        return problem_response(request, 503, detail=str(exc), slug="gateway-unavailable",
                                title="Payment gateway unavailable", headers={"Retry-After": "30"})
    return problem_response(request, 422, detail=str(exc), slug="payment-declined", title="Payment declined")


# PostgreSQL's answers when two transactions cannot both go on: deadlock, serialisation failure.
_RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    """A write the database refused (one of its money rules, a unique key) that no service turned
    into its own error: a conflict with what is stored (409), never a 500. The statement stays in
    the log, out of the answer."""
    assert isinstance(exc, IntegrityError)
    rule = broken_rule(exc)
    log.warning("database refused a write: %s", rule or exc.orig.__class__.__name__)
    detail = describe(rule) if rule else "the change conflicts with data already stored"
    return problem_response(request, 409, detail=f"refused: {detail}", slug="conflict", title="Conflict")


async def _operational_error(request: Request, exc: Exception) -> JSONResponse:
    """A transaction PostgreSQL aborted in favour of a concurrent one can simply be sent again."""
    assert isinstance(exc, OperationalError)
    if getattr(exc.orig, "sqlstate", None) not in _RETRYABLE_SQLSTATES:
        raise exc
    log.warning("transaction aborted by a concurrent one (%s)", exc.orig.sqlstate)
    return problem_response(request, 409, detail="a concurrent change got there first; send the request again",
                            slug="concurrent-change", title="Conflict")


async def _pool_timeout(request: Request, exc: Exception) -> JSONResponse:
    """Every pooled connection stayed busy for the pool's whole timeout: the process is
    overloaded, not broken. 503 with Retry-After tells a client (and a load balancer) to come
    back, where a 500 would read as a bug. Found by the load test (bench/load.py) past capacity."""
    log.warning("no database connection free within the pool timeout")
    return problem_response(request, 503, detail="the service is overloaded; try again shortly",
                            slug="overloaded", title="Service unavailable", headers={"Retry-After": "2"})


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InvalidCursor, _invalid_cursor)
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(GatewayUnavailable, _gateway_error)
    app.add_exception_handler(GatewayDeclined, _gateway_error)
    app.add_exception_handler(NoGatewayAvailable, _gateway_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(OperationalError, _operational_error)
    app.add_exception_handler(PoolTimeout, _pool_timeout)
