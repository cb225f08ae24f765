"""Prometheus metrics of one API process, served at `/metrics` (not in the OpenAPI schema).

- RED per route template (`tourstack_http_requests_total{method,route,status}`,
  `tourstack_http_request_duration_seconds{method,route}`): labels come from the template
  (api.route_templates), never the raw path, so cardinality is bounded.
- The response cache: `tourstack_api_cache_requests_total{kind,result}` (hit, miss, bypass,
  uncacheable) and invalidations; the hit rate is hits / (hits + misses).
- The database: pool size, checked-out and overflow connections, time waited for a connection,
  time per statement (`tourstack_db_query_duration_seconds`, the load test's DB p95), and
  `tourstack_db_connection_errors_total` (connect failures and lost connections).
- Read at scrape time: the outbox backlog per channel and status, and the age of the newest
  dashboards refresh (the pipeline's last output this process can see without opening the
  warehouse).

Each app has its own registry, so several apps in one process (tests) do not collide. Behind
several uvicorn workers, scrape each worker (or the pod) rather than the load balancer.
Auth: with `TOURSTACK_METRICS_TOKEN` set, `/metrics` wants `Authorization: Bearer <token>`;
unset, it is open and must only be reachable on the internal network (docs/operations.md).
"""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, event, func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import problem_response
from api.route_templates import app_templates

log = logging.getLogger("api.metrics")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.5, 5.0, 10.0)
BACKLOG_STATUSES = ("pending", "sending", "failed")


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("tourstack_http_requests_total", "HTTP requests answered",
                                ["method", "route", "status"], registry=r)
        self.duration = Histogram("tourstack_http_request_duration_seconds", "time to answer",
                                  ["method", "route"], buckets=LATENCY_BUCKETS, registry=r)
        self.in_progress = Gauge("tourstack_http_requests_in_progress", "requests being served",
                                 registry=r)
        self.cache = Counter("tourstack_api_cache_requests_total",
                             "response cache lookups by result (hit, miss, bypass, uncacheable)",
                             ["kind", "result"], registry=r)
        self.cache_invalidations = Counter("tourstack_api_cache_invalidations_total",
                                           "table versions raised after commits", ["table"], registry=r)
        self.db_errors = Counter("tourstack_db_connection_errors_total",
                                 "failed connects and lost connections to the operational database",
                                 registry=r)
        self.db_wait = Histogram("tourstack_db_pool_wait_seconds", "time to check a connection out of the pool",
                                 buckets=(0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5), registry=r)
        self.db_query = Histogram("tourstack_db_query_duration_seconds",
                                  "time from sending a statement to the operational database to its answer",
                                  buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
                                  registry=r)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class StateCollector(Collector):
    """Gauges read when scraped: pool, outbox backlog, pipeline freshness."""

    def __init__(self, app) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        database = self.app.state.database
        engine: Engine | None = getattr(database, "engine", None)
        pool = engine.pool if engine is not None else None
        for name, doc, attr in (("size", "pool size", "size"), ("checked_out", "connections in use", "checkedout"),
                                ("overflow", "connections over the pool size", "overflow")):
            value = getattr(pool, attr, None) if pool is not None else None
            if callable(value):
                family = GaugeMetricFamily(f"tourstack_db_pool_{name}", doc)
                family.add_metric([], float(value()))
                yield family
        yield from self._outbox()
        yield from self._whatsapp()
        yield from self._freshness()

    def _outbox(self) -> Iterator[GaugeMetricFamily]:
        from tourstack.db.models import OutboxMessage

        family = GaugeMetricFamily("tourstack_outbox_backlog", "outbox messages not delivered yet",
                                   labels=["channel", "status"])
        try:
            with self.app.state.database.sessionmaker() as session:
                rows = session.execute(
                    select(OutboxMessage.channel, OutboxMessage.status, func.count())
                    .where(OutboxMessage.status.in_(BACKLOG_STATUSES))
                    .group_by(OutboxMessage.channel, OutboxMessage.status)).all()
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the database
            log.warning("outbox backlog not readable: %s", type(exc).__name__)
            return
        for channel, status, count in rows:
            family.add_metric([channel, status], float(count))
        yield family

    def _whatsapp(self) -> Iterator[GaugeMetricFamily]:
        """WhatsApp delivery success (delivered or read / sent) over whatsapp.yaml's window, with
        the counts behind it; no ratio while nothing was sent in the window."""
        from tourstack.messaging.whatsapp.config import whatsapp_config_from_settings
        from tourstack.messaging.whatsapp.conversations import delivery_rate

        try:
            hours = whatsapp_config_from_settings(self.app.state.settings).delivery_window_hours
            with self.app.state.database.sessionmaker() as session:
                rate = delivery_rate(session, hours=hours)
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with the database
            log.warning("whatsapp delivery rate not readable: %s", type(exc).__name__)
            return
        counts = GaugeMetricFamily("tourstack_whatsapp_messages", "outbound WhatsApp messages the provider "
                                   "accepted in the delivery window, by outcome", labels=["outcome"])
        counts.add_metric(["sent"], float(rate.sent))
        counts.add_metric(["delivered"], float(rate.delivered))
        yield counts
        if rate.rate is not None:
            ratio = GaugeMetricFamily("tourstack_whatsapp_delivery_success_ratio",
                                      "WhatsApp messages delivered or read / sent, over the delivery window")
            ratio.add_metric([], float(rate.rate))
            yield ratio

    def _freshness(self) -> Iterator[GaugeMetricFamily]:
        directory = self.app.state.settings.dashboards_dir
        try:
            newest = max((p.stat().st_mtime for p in directory.glob("*.html")), default=None)
        except OSError:
            newest = None
        if newest is None:
            return
        family = GaugeMetricFamily("tourstack_pipeline_last_success_timestamp_seconds",
                                   "when the pipeline last wrote its output", labels=["asset"])
        family.add_metric(["dashboards"], newest)
        yield family


def instrument_engine(engine: Engine, metrics: ApiMetrics) -> None:
    """Count connection failures, time pool checkouts and statements on the app's engine."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context) -> None:
        if context.is_disconnect or context.connection is None:
            metrics.db_errors.inc()
        if context.connection is not None and context.connection.info.get("tourstack_query_started"):
            context.connection.info["tourstack_query_started"].pop()  # a failed statement is not timed

    @event.listens_for(engine, "before_cursor_execute")
    def _started(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        conn.info.setdefault("tourstack_query_started", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _answered(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        started = conn.info.get("tourstack_query_started")
        if started:
            metrics.db_query.observe(time.perf_counter() - started.pop())

    pool = engine.pool
    original_connect = pool.connect

    def timed_connect():
        started = time.perf_counter()
        try:
            return original_connect()
        finally:
            metrics.db_wait.observe(time.perf_counter() - started)

    pool.connect = timed_connect  # type: ignore[method-assign]


class MetricsMiddleware:
    """RED metrics per route template; outermost but the request context, so it sees 500s."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        started = time.perf_counter()
        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, capture)
        finally:
            self.metrics.in_progress.dec()
            route = app_templates(scope["app"]).label(scope["path"]) if "app" in scope else "<unmatched>"
            method = scope["method"]
            self.metrics.requests.labels(method, route, str(status["code"])).inc()
            self.metrics.duration.labels(method, route).observe(time.perf_counter() - started)


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics_endpoint(request: Request) -> Response:
    token = request.app.state.settings.metrics_token
    if token is not None:
        sent = request.headers.get("authorization", "")
        expected = f"Bearer {token.get_secret_value()}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            return problem_response(request, 401, detail="a metrics bearer token is required",
                                    slug="unauthorized", title="Unauthorized")
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)
