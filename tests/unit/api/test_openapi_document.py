"""The published schema says what the service answers: every error as problem+json, the
app-wide refusals on every operation, local times without a UTC offset, and a 405 that lists
what the path allows (including a literal path shadowed by a template beside it)."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter

from tests.unit.api.conftest import auth

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_every_error_response_is_a_problem_and_fastapis_own_shape_is_gone(app):
    schema = app.openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    checked = 0
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "422" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= responses.keys(), (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= responses.keys(), (method, path)
            if method != "get":
                assert "409" in responses, (method, path)
            for status, response in responses.items():
                if status[0] in "45":
                    assert response["content"] == PROBLEM, (method, path, status)
                    checked += 1
    assert checked > 300


def test_local_times_are_declared_as_sent():
    from api.schemas.common import LocalTime

    declared = TypeAdapter(LocalTime).json_schema()
    assert "format" not in declared  # JSON Schema's "time" demands a UTC offset we never send
    sent = TypeAdapter(LocalTime).dump_python(TypeAdapter(LocalTime).validate_python("09:30"), mode="json")
    assert re.fullmatch(declared["pattern"], sent) and sent == "09:30:00"


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("OPTIONS", "/api/v1/invoices", "GET, POST"),
    ("PATCH", "/api/v1/reports/saved/7", "DELETE, GET, PUT"),
    ("OPTIONS", "/api/v1/itineraries/generate", "POST"),
    ("GET", "/api/v1/itineraries/generate", "POST"),          # not "generate is not an integer"
    ("DELETE", "/api/v1/reconciliation/matches/split", "POST"),
])
def test_method_not_allowed_lists_every_method_of_the_path(client, world, method, path, allowed):
    response = client.request(method, path, headers=auth(world.keys["admin"]))
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    assert response.headers["content-type"].startswith("application/problem+json")
    assert allowed in response.json()["detail"]


def test_a_bad_id_on_a_template_path_is_still_a_422(client, world):
    response = client.get("/api/v1/itineraries/abc", headers=auth(world.keys["admin"]))
    assert response.status_code == 422


@pytest.mark.parametrize("url", ["/api/v1/bookings?booked_to=0", "/api/v1/quotes?requested_to=1700000000",
                                 "/api/v1/bookings?booked_from=2026-3-1"])
def test_a_date_is_an_iso_date_not_a_timestamp(client, world, url):
    response = client.get(url, headers=auth(world.keys["admin"]))
    assert response.status_code == 422, response.text
    assert "YYYY-MM-DD" in response.text


def test_json_booleans_and_counts_are_not_coerced(client, world):
    headers = auth(world.keys["admin"])
    content = client.post("/api/v1/content/improve", json={"text": "A fort.", "exciting": 0}, headers=headers)
    assert content.status_code == 422 and "exciting" in content.text
    trip = {"destination": "Jaipur", "days": 2, "travellers": {"kind": "family", "adults": 2, "children": False}}
    generated = client.post("/api/v1/itineraries/generate", json=trip, headers=headers)
    assert generated.status_code == 422 and "children" in generated.text


@pytest.mark.parametrize(("url", "body"), [
    ("/api/v1/reconciliation/write-offs", {"invoice_id": 1, "amount": "", "note": "x"}),
    ("/api/v1/reconciliation/matches", {"txn_key": "bank:1", "invoice_id": 1, "amount": "12,50"}),
])
def test_amounts_are_decimal_strings_in_the_schema(client, world, url, body):
    response = client.post(url, json=body, headers=auth(world.keys["admin"]))
    assert response.status_code == 422 and response.json()["type"] == "/problems/validation-error"
