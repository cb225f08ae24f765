"""The app factory. Importing this module connects to nothing; the engine is built lazily."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker as SessionMaker

from brotli_asgi import BrotliMiddleware

from api.cache import build_cache
from api.cache.middleware import ResponseCacheMiddleware
from api.database import Database
from api.http_caching import COMPRESS_MINIMUM_SIZE, ConditionalGetMiddleware
from api.input_guard import InputGuardMiddleware
from api.observability import RequestContextMiddleware, configure_logging
from api.itinerary_problems import install_itinerary_problem_handlers
from api.metrics import ApiMetrics, MetricsMiddleware, StateCollector, instrument_engine
from api.metrics import router as metrics_router
from api.openapi import install_openapi
from api.problems import install_problem_handlers
from api.sparse_fields import SparseFieldsMiddleware
from api.routes import (
    API_PREFIX,
    accounting,
    batch,
    bookings,
    content,
    dashboards,
    destinations,
    disputes,
    health,
    inbox,
    inbox_inbound,
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
    whatsapp,
)
from tourstack.search.changes import track_changes
from tourstack.settings import Settings, get_settings

# Every resource below the version prefix; /health stays at the root for probes.
VERSIONED_ROUTERS = (
    bookings, quotes, invoices, suppliers, supplier_payouts,
    itinerary_documents,  # before itineraries: /{id}.pdf must not be read as a malformed /{id}
    itineraries, content, suggestions,
    payment_plans, payments, refunds, disputes, webhooks, reconciliation, dashboards, reports, outbox,
    search, recommendations, destinations, accounting, inbox, inbox_inbound, slack_commands, whatsapp, batch,
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
    metrics = ApiMetrics()
    cache = build_cache(settings, metrics)

    def configure(factory: SessionMaker[Session]) -> None:
        # Changes to indexed rows leave search outbox messages in their own transaction.
        track_changes(factory)
        if cache is not None:  # commits raise the versions of the tables they wrote
            cache.install(factory)
        engine = factory.kw.get("bind")
        if engine is not None:
            instrument_engine(engine, metrics)

    database = Database(url=settings.operational_url, factory=sessionmaker, configure=configure)

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
    app.state.metrics = metrics
    app.state.response_cache = cache
    metrics.registry.register(StateCollector(app))
    install_problem_handlers(app)
    install_openapi(app)
    install_itinerary_problem_handlers(app)
    if cache is not None:  # inside the guard (refusals are never cached) and the ETag layer
        app.add_middleware(ResponseCacheMiddleware, store=cache.store, metrics=metrics)
    app.add_middleware(SparseFieldsMiddleware)  # outside the cache: fieldsets share one entry
    app.add_middleware(InputGuardMiddleware)  # inside the request context: refusals carry its id
    # ETags hash the identity body, so they sit inside compression (Brotli, else gzip).
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(BrotliMiddleware, minimum_size=COMPRESS_MINIMUM_SIZE, gzip_fallback=True)
    app.add_middleware(MetricsMiddleware, metrics=metrics)  # inside the context: sees its 500s
    app.add_middleware(RequestContextMiddleware)
    app.include_router(health.router)
    app.include_router(pages.router)  # pages for browsers, outside the versioned API
    app.include_router(metrics_router)
    for module in VERSIONED_ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)
    return app
