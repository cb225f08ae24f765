"""The app factory. Importing this module connects to nothing; the engine is built lazily."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker as SessionMaker

from brotli_asgi import BrotliMiddleware

from api.database import Database
from api.http_caching import COMPRESS_MINIMUM_SIZE, ConditionalGetMiddleware
from api.input_guard import InputGuardMiddleware
from api.observability import RequestContextMiddleware, configure_logging
from api.itinerary_problems import install_itinerary_problem_handlers
from api.openapi import install_openapi
from api.problems import install_problem_handlers
from api.routes import (
    API_PREFIX,
    accounting,
    bookings,
    content,
    dashboards,
    destinations,
    disputes,
    health,
    inbox,
    invoices,
    itineraries,
    itinerary_documents,
    outbox,
    payment_plans,
    payments,
    quotes,
    recommendations,
    reconciliation,
    refunds,
    reports,
    pages,
    search,
    slack_commands,
    suggestions,
    supplier_payouts,
    suppliers,
    webhooks,
)
from tourstack.search.changes import track_changes
from tourstack.settings import Settings, get_settings

# Every resource below the version prefix; /health stays at the root for probes.
VERSIONED_ROUTERS = (
    bookings, quotes, invoices, suppliers, supplier_payouts,
    itinerary_documents,  # before itineraries: /{id}.pdf must not be read as a malformed /{id}
    itineraries, content, suggestions,
    payment_plans, payments, refunds, disputes, webhooks, reconciliation, dashboards, reports, outbox,
    search, recommendations, destinations, accounting, inbox, slack_commands,
)


def create_app(
    settings: Settings | None = None, sessionmaker: SessionMaker[Session] | None = None
) -> FastAPI:
    """Build the API.

    `settings` defaults to the environment (`TOURSTACK_*`); `sessionmaker` defaults to one bound
    to `settings.operational_url`, created on the first request that needs it.
    """
    settings = settings or get_settings()
    configure_logging(json_logs=settings.log_json)
    # Changes to indexed rows leave search outbox messages in their own transaction.
    database = Database(url=settings.operational_url, factory=sessionmaker, configure=track_changes)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        database.dispose()

    app = FastAPI(
        title="Tourstack API",
        version="1",
        description=(
            "Transactional endpoints for agents and staff. Authenticate with "
            "`Authorization: Bearer <api key>` or `X-API-Key: <api key>`. Errors are RFC 9457 "
            "problem details (`application/problem+json`)."
        ),
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    install_problem_handlers(app)
    install_openapi(app)
    install_itinerary_problem_handlers(app)
    app.add_middleware(InputGuardMiddleware)  # inside the request context: refusals carry its id
    # ETags hash the identity body, so they sit inside compression (Brotli, else gzip).
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(BrotliMiddleware, minimum_size=COMPRESS_MINIMUM_SIZE, gzip_fallback=True)
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health.router)
    app.include_router(pages.router)  # pages for browsers, outside the versioned API
    for module in VERSIONED_ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)
    return app
