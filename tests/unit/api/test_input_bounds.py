"""Input the database or the parser cannot take is refused with a 4xx problem, never a 500:
ids beyond the INTEGER columns, NUL characters, JSON nested too deep, bodies too large, and a
provider that is not configured."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import BigInteger, Integer

from api.input_guard import MAX_BODY_BYTES, MAX_JSON_DEPTH, json_depth_exceeds
from api.schemas.common import DB_ID_MAX
from tests.fakes.memory_gateway import MemoryGateway
from tests.unit.api.conftest import auth
from tourstack.db.base import Base
from tourstack.db.models import Itinerary, WebhookEvent
from tourstack.payments import GatewayConfig, build_runtime

PROBLEM = "application/problem+json"


def _problem(response, status: int, slug: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    if slug:
        assert body["type"] == f"/problems/{slug}"
    return body


@pytest.mark.parametrize(("who", "method", "url"), [
    ("admin", "GET", "/api/v1/invoices/2147483648"),
    ("agent_a", "GET", "/api/v1/payments?booking_id=4951802108"),
    ("agent_a", "POST", "/api/v1/payments/4294967295/capture"),
    ("admin", "GET", "/api/v1/quotes/-5559905364"),
    ("admin", "POST", "/api/v1/refunds/23355533357/approve"),
    ("admin", "GET", "/api/v1/reconciliation/transactions/bank:2147483648/matches"),
    ("admin", "GET", "/api/v1/reconciliation/transactions/bank:%C2%B2/matches"),  # "²" passes str.isdigit
])
def test_ids_beyond_the_integer_columns_are_invalid_input(client, world, who, method, url):
    r = client.request(method, url, headers=auth(world.keys[who]), json={} if method == "POST" else None)
    _problem(r, 422, "validation-error")


def test_the_largest_id_is_still_a_lookup(client, world):
    _problem(client.get(f"/api/v1/invoices/{DB_ID_MAX}", headers=auth(world.keys["admin"])), 404)


def test_body_ids_are_bounded(client, world):
    body = {"booking_ref": world.bookings_a[0].booking_ref, "installment_id": 2**31}
    r = client.post("/api/v1/payments", json=body, headers=auth(world.keys["agent_a"]) | {"Idempotency-Key": "k" * 10})
    _problem(r, 422, "validation-error")


def _integers_without_maximum(schema: dict, node, where: str, seen: frozenset = frozenset()):
    if isinstance(node, list):
        for item in node:
            yield from _integers_without_maximum(schema, item, where, seen)
        return
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _integers_without_maximum(schema, schema["components"]["schemas"][name],
                                                 f"{where}>{name}", seen | {name})
        return
    if node.get("type") == "integer" and "maximum" not in node:
        yield where
    for key, value in node.items():
        yield from _integers_without_maximum(schema, value, f"{where}.{key}", seen)


def test_every_integer_a_client_sends_has_an_upper_bound(app):
    schema = app.openapi()
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                unbounded += [f"{method} {path} {w}" for w in
                              _integers_without_maximum(schema, param["schema"], param["name"])]
            for content in op.get("requestBody", {}).get("content", {}).values():
                unbounded += [f"{method} {path} {w}" for w in
                              _integers_without_maximum(schema, content["schema"], "body")]
    assert unbounded == []


def test_every_id_column_is_an_integer_so_the_bound_is_right():
    """DB_ID_MAX is INTEGER's maximum; a BIGINT key would need a BigId type instead."""
    wide = [f"{t.name}.{c.name}" for t in Base.metadata.tables.values() for c in t.columns
            if (c.primary_key or c.foreign_keys) and not isinstance(c.type, Integer)
            or ((c.primary_key or c.foreign_keys) and isinstance(c.type, BigInteger))]
    assert wide == []


@pytest.mark.parametrize("text", ["TS\u0000B1", "lone \ud800 surrogate"])
def test_nul_and_lone_surrogates_in_json_text_are_refused(client, world, text):
    body = json.dumps({"booking_ref": text}).encode()  # ensure_ascii: sent as \u0000 / \ud800
    r = client.post("/api/v1/payments", content=body, headers=auth(world.keys["agent_a"]) | {
        "Idempotency-Key": "nul-key-0001", "Content-Type": "application/json"})
    _problem(r, 422, "invalid-text")


def test_nul_in_a_dispute_reason_is_refused(client, world):
    r = client.post("/api/v1/payments/1/disputes", json={"reason": "fraud\u0000", "evidence_due_on": "2026-12-01"},
                    headers=auth(world.keys["finance"]))
    _problem(r, 422, "invalid-text")


def test_nul_in_a_key_is_refused_too(client, world):
    r = client.post("/api/v1/payments", json={"booking_ref": "B1", "payment_method": "pm\u0000"},
                    headers=auth(world.keys["agent_a"]) | {"Idempotency-Key": "nul-key-0002"})
    _problem(r, 422, "invalid-text")


def test_nul_in_the_path_or_query_is_refused(client, world):
    h = auth(world.keys["admin"])
    _problem(client.get("/api/v1/bookings/TS%00B1", headers=h), 422, "invalid-text")
    _problem(client.get("/api/v1/reconciliation/decisions?txn_key=bank%001", headers=h), 422, "invalid-text")


def test_an_escaped_backslash_before_u0000_is_plain_text(client, world):
    """`\\\\u0000` in JSON is a backslash followed by "u0000": ordinary text, not a NUL."""
    body = b'{"booking_ref": "TS\\\\u0000"}'
    r = client.post("/api/v1/payments", content=body, headers=auth(world.keys["agent_a"]) | {
        "Idempotency-Key": "nul-key-0003", "Content-Type": "application/json"})
    _problem(r, 404)  # no such booking; the text itself was accepted


def _deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def test_json_nested_too_deep_is_refused_before_parsing(client, world):
    r = client.post("/api/v1/payments", content=_deep(100_000), headers=auth(world.keys["agent_a"]) | {
        "Idempotency-Key": "deep-key-001", "Content-Type": "application/json"})
    _problem(r, 422, "json-too-deep")


def test_a_signed_webhook_nested_too_deep_is_refused_and_not_stored(client, app, session_factory):
    app.state.payments = build_runtime(GatewayConfig(), gateways={"razorpay": MemoryGateway("razorpay")})
    body = b'{"event_id": "deep-1", "x": ' + _deep(100_000) + b"}"
    r = client.post("/api/v1/webhooks/razorpay", content=body, headers={"x-sig": "ok",
                                                                           "Content-Type": "application/json"})
    _problem(r, 422, "json-too-deep")
    with session_factory() as s:
        assert s.query(WebhookEvent).count() == 0


def test_bodies_over_the_limit_are_refused(client, world):
    h = auth(world.keys["agent_a"]) | {"Idempotency-Key": "big-key-0001", "Content-Type": "application/json"}
    big = b'{"booking_ref": "' + b"x" * MAX_BODY_BYTES + b'"}'
    _problem(client.post("/api/v1/payments", content=big, headers=h), 413, "too-large")

    def chunks():  # no Content-Length: the cap applies while streaming
        yield b'{"booking_ref": "'
        for _ in range(20):
            yield b"x" * 100_000
        yield b'"}'

    _problem(client.post("/api/v1/payments", content=chunks(), headers=h), 413, "too-large")


@pytest.mark.parametrize(("data", "deeper"), [
    (b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH, False),
    (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), True),
    (b'{"a": "' + b"[" * 1000 + b'"}', False),  # brackets inside a string do not nest
    (b'["\\"' + b"[" * 1000 + b'"]', False),  # nor after an escaped quote
    (b'["\\\\"' + b", [" * 1000 + b"]", True),  # an escaped backslash closes the string
    (b'"' * 100_001, False),  # many strings, linear scan
    (b'["unterminated ' + b"[" * 1000, False),  # malformed: left to the parser
])
def test_depth_scan(data, deeper):
    assert json_depth_exceeds(data) is deeper


def test_openai_without_a_key_is_a_configuration_problem(client, world, session_factory):
    with session_factory() as s:
        itinerary = Itinerary(agency_id=world.agency_a.id, destination_id=world.bookings_a[0].destination_id,
                              title="Jaipur", days_count=2, start_date=dt.date(2026, 11, 3), budget_level="moderate",
                              travel_style="relaxed", status="draft", source="offline_planner", currency="INR",
                              estimated_cost_minor=0)
        s.add(itinerary)
        s.commit()
        itinerary_id = itinerary.id
    r = client.post(f"/api/v1/itineraries/{itinerary_id}/regenerate", json={"provider": "openai"},
                    headers=auth(world.keys["agent_a"]))
    body = _problem(r, 503, "provider-not-configured")
    assert "TOURSTACK_OPENAI_API_KEY is not set" in body["detail"]
    generate = {"destination": "Jaipur", "days": 2, "budget": "moderate", "interests": ["culture"],
                "style": "relaxed", "travellers": {"kind": "couple"}, "provider": "openai"}
    r = client.post("/api/v1/itineraries/generate", json=generate, headers=auth(world.keys["agent_a"]))
    assert "TOURSTACK_OPENAI_API_KEY" in _problem(r, 503, "provider-not-configured")["detail"]
