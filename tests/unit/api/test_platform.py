"""Health, docs, request ids, problem shapes for framework errors, and lazy connections."""

from __future__ import annotations

import json
import logging

from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from api.app import create_app
from api.observability import JsonFormatter, RequestIdFilter, redact
from tests.unit.api.conftest import auth
from tests.unit.api.test_auth import assert_problem
from tourstack.settings import Settings


def test_health_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_503_when_database_is_unreachable(tmp_path):
    url = "postgresql://nobody:secret-password@127.0.0.1:1/nowhere"
    app = create_app(settings=Settings(database_url=url))
    with TestClient(app) as c:
        response = c.get("/health")
    body = assert_problem(response, 503)
    assert "secret-password" not in response.text
    assert body["type"] == "/problems/database-unavailable"


def test_liveness_answers_while_the_database_is_away():
    """The liveness probe must not restart pods for a database outage; readiness reports it."""
    app = create_app(settings=Settings(database_url="postgresql://nobody:pw@127.0.0.1:1/nowhere"))
    with TestClient(app) as c:
        assert c.get("/health").status_code == 503
        live = c.get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}
    assert live.headers["cache-control"] == "no-store"


def test_openapi_and_docs_are_public(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert {"/api/v1/bookings", "/api/v1/bookings/{booking_ref}", "/api/v1/quotes",
            "/api/v1/quotes/{quote_id}", "/health"} <= paths.keys()
    schemes = spec.json()["components"]["securitySchemes"]
    assert {"BearerKey", "ApiKeyHeader"} <= schemes.keys()
    assert client.get("/api/v1/docs").status_code == 200


def test_unknown_route_and_wrong_method_are_problems(client):
    body = assert_problem(client.get("/api/v1/nothing-here"), 404)
    assert body["instance"] == "/api/v1/nothing-here"
    assert_problem(client.delete("/api/v1/bookings"), 405)


def test_request_id_is_generated_and_echoed(client, world):
    generated = client.get("/health").headers["x-request-id"]
    assert len(generated) == 32
    echoed = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    # A hostile value is replaced, not reflected.
    hostile = client.get("/health", headers={"X-Request-ID": "x" * 300})
    assert hostile.headers["x-request-id"] != "x" * 300


def test_problem_carries_request_id(client, world):
    response = client.get("/api/v1/bookings", headers={"X-Request-ID": "req-42"})
    assert response.json()["request_id"] == "req-42"


def test_request_id_in_logs(client, world):
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("api.access")
    logger.addHandler(handler)
    try:
        client.get("/api/v1/bookings",
                   headers=auth(world.keys["ops"]) | {"X-Request-ID": "trace-me"})
    finally:
        logger.removeHandler(handler)
    entries = [json.loads(line) for line in lines]
    access = [e for e in entries if e["message"] == "request"]
    assert access and access[-1]["request_id"] == "trace-me"
    assert access[-1]["status"] == 200 and access[-1]["path"] == "/api/v1/bookings"
    assert world.keys["ops"] not in "".join(lines)


def test_json_formatter_includes_request_id_and_redacts_keys():
    from api.observability import request_id_var

    token = request_id_var.set("rid-1")
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1,
                                   "got ts_0123456789ab_SECRETsecret-_x", None, None)
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "rid-1"
    assert "SECRET" not in entry["message"]
    assert redact("ts_0123456789ab_abc") == "ts_[redacted]"


def test_unhandled_error_is_500_problem_with_request_id(db_url, session_factory):
    app = create_app(settings=Settings(database_url=db_url), sessionmaker=session_factory)

    @app.get("/boom")
    def boom():
        raise RuntimeError("internal detail that must not leak")

    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/boom", headers={"X-Request-ID": "boom-1"})
    body = assert_problem(response, 500)
    assert "internal detail" not in response.text
    assert response.headers["x-request-id"] == "boom-1" and body["request_id"] == "boom-1"


def test_create_app_connects_to_nothing(tmp_path):
    db_file = tmp_path / "never" / "created.db"
    app = create_app(settings=Settings(database_url=f"sqlite:///{db_file}"))
    assert app.title == "Tourstack API"
    assert not db_file.parent.exists()


def test_injected_sessionmaker_is_used(db_url, session_factory):
    app = create_app(settings=Settings(database_url="sqlite:////nonexistent/x.db"),
                     sessionmaker=session_factory)
    assert isinstance(app.state.database.sessionmaker, sessionmaker)
    with TestClient(app) as c:
        assert c.get("/health").status_code == 200


def test_a_pool_with_no_free_connection_answers_503_with_retry_after(db_url, world):
    """Past capacity every pooled connection is busy: the caller is told to come back (503,
    Retry-After), not handed a 500 as if the API were broken."""
    from tourstack.db.engine import make_engine, make_sessionmaker

    engine = make_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    held = engine.connect()  # the only connection, busy elsewhere
    try:
        app = create_app(settings=Settings(database_url=db_url), sessionmaker=make_sessionmaker(engine))
        with TestClient(app, raise_server_exceptions=False) as c:
            response = c.get("/api/v1/bookings", headers=auth(world.keys["ops"]))
        body = assert_problem(response, 503)
        assert body["type"] == "/problems/overloaded" and response.headers["retry-after"] == "2"
    finally:
        held.close()
        engine.dispose()
