"""Quotes: isolation, listing, and creating a quote from an open request."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.unit.api.conftest import auth
from tests.unit.api.test_auth import assert_problem
from tourstack.db.models import Quote, QuoteRequest

FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def payload(request_id: int, total: str = "150000.00", cost: str = "120000.50",
            currency: str = "INR", valid_until: str = FUTURE) -> dict:
    return {
        "quote_request_id": request_id,
        "total": {"amount": total, "currency": currency},
        "cost": {"amount": cost, "currency": currency},
        "valid_until": valid_until,
    }


def test_agent_lists_only_own_quotes(client, world):
    body = client.get("/api/v1/quotes", headers=auth(world.keys["agent_a"])).json()
    assert [q["id"] for q in body["items"]] == [world.quote_a_id]
    assert body["items"][0]["cost"] is None
    assert body["items"][0]["total"] == {"amount": "25000.00", "currency": "INR"}


def test_agent_cannot_get_other_agencys_quote(client, world):
    assert_problem(client.get(f"/api/v1/quotes/{world.quote_b_id}",
                              headers=auth(world.keys["agent_a"])), 404)
    ok = client.get(f"/api/v1/quotes/{world.quote_a_id}", headers=auth(world.keys["agent_a"]))
    assert ok.status_code == 200 and ok.json()["id"] == world.quote_a_id


def test_staff_sees_all_quotes_with_costs(client, world):
    body = client.get("/api/v1/quotes", headers=auth(world.keys["ops"])).json()
    assert {q["id"] for q in body["items"]} == {world.quote_a_id, world.quote_b_id}
    assert all(q["cost"] is not None for q in body["items"])


def test_unknown_quote_and_non_integer_id(client, world):
    assert_problem(client.get("/api/v1/quotes/999999", headers=auth(world.keys["ops"])), 404)
    assert_problem(client.get("/api/v1/quotes/abc", headers=auth(world.keys["ops"])), 422)


@pytest.mark.parametrize("role", ["ops", "admin"])
def test_staff_creates_quote(client, world, session_factory, role):
    response = client.post("/api/v1/quotes", json=payload(world.request_b.id),
                           headers=auth(world.keys[role]))
    assert response.status_code == 201, response.text
    body = response.json()
    assert re.fullmatch(rf"Q-{dt.date.today().year}-\d{{6}}", body["quote_number"])
    assert body["status"] == "sent"
    assert body["total"] == {"amount": "150000.00", "currency": "INR"}
    assert body["cost"] == {"amount": "120000.50", "currency": "INR"}
    assert body["agency_id"] == world.agency_b.id
    assert response.headers["location"] == f"/api/v1/quotes/{body['id']}"
    with session_factory() as s:
        quote = s.get(Quote, body["id"])
        request = s.get(QuoteRequest, world.request_b.id)
        assert request.status == "quoted"
        assert quote.requested_at == request.requested_at
        assert quote.sent_at is not None and quote.total_minor == 150_000_00
        assert quote.cost_minor == 120_000_50
        if role == "ops":
            assert quote.prepared_by_staff_id is not None


def test_agent_creates_quote_for_own_request(client, world):
    response = client.post("/api/v1/quotes", json=payload(world.request_a.id),
                           headers=auth(world.keys["agent_a"]))
    assert response.status_code == 201, response.text
    assert response.json()["cost"] is None  # agents never see cost, even their own input
    listed = client.get("/api/v1/quotes", headers=auth(world.keys["agent_a"])).json()["items"]
    assert response.json()["id"] in {q["id"] for q in listed}


def test_quote_numbers_are_sequential_and_unique(client, world, session_factory):
    from tests import factories as f

    with session_factory() as s:
        agent = s.get(type(world.agent_a), world.agent_a.id)
        extra = [f.make_quote_request(s, agent).id for _ in range(3)]
        s.commit()
    numbers = []
    for request_id in extra:
        r = client.post("/api/v1/quotes", json=payload(request_id), headers=auth(world.keys["ops"]))
        numbers.append(r.json()["quote_number"])
    assert len(set(numbers)) == 3
    sequence = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert sequence == [sequence[0], sequence[0] + 1, sequence[0] + 2]


def test_agent_cannot_quote_other_agencys_request(client, world, session_factory):
    response = client.post("/api/v1/quotes", json=payload(world.request_b.id),
                           headers=auth(world.keys["agent_a"]))
    body = assert_problem(response, 404)
    assert "agency" not in body["detail"]
    with session_factory() as s:
        assert s.get(QuoteRequest, world.request_b.id).status == "open"
        assert s.scalar(select(Quote).where(Quote.quote_request_id == world.request_b.id)) is None


def test_already_quoted_is_409(client, world):
    headers = auth(world.keys["ops"])
    assert client.post("/api/v1/quotes", json=payload(world.request_a.id), headers=headers).status_code == 201
    body = assert_problem(client.post("/api/v1/quotes", json=payload(world.request_a.id),
                                      headers=headers), 409)
    assert body["type"] == "/problems/quote-request-not-open"


def test_unknown_request_is_404(client, world):
    assert_problem(client.post("/api/v1/quotes", json=payload(987654),
                               headers=auth(world.keys["ops"])), 404)


@pytest.mark.parametrize(
    ("kwargs", "slug"),
    [
        ({"total": "0"}, "invalid-amount"),
        ({"total": "-5.00"}, "invalid-amount"),
        ({"cost": "-1"}, "invalid-amount"),
        ({"total": "10.005"}, "invalid-amount"),  # INR has 2 decimal places
        ({"currency": "USD"}, "currency-mismatch"),  # request is in INR
        ({"currency": "XYZ"}, "invalid-currency"),
        ({"valid_until": "2000-01-01"}, "invalid-validity"),
    ],
)
def test_invalid_quote_is_422(client, world, session_factory, kwargs, slug):
    response = client.post("/api/v1/quotes", json=payload(world.request_a.id, **kwargs),
                           headers=auth(world.keys["ops"]))
    body = assert_problem(response, 422)
    assert body["type"] == f"/problems/{slug}"
    with session_factory() as s:
        assert s.get(QuoteRequest, world.request_a.id).status == "open"


@pytest.mark.parametrize(
    "body",
    [
        {"quote_request_id": 1},
        {"quote_request_id": 1, "total": {"amount": 1000.5, "currency": "INR"},
         "cost": {"amount": "1", "currency": "INR"}, "valid_until": FUTURE},  # float amount
        {"quote_request_id": 1, "total": {"amount": "1e5", "currency": "INR"},
         "cost": {"amount": "1", "currency": "INR"}, "valid_until": FUTURE},
        {"quote_request_id": 1, "total": {"amount": "1", "currency": "inr"},
         "cost": {"amount": "1", "currency": "INR"}, "valid_until": FUTURE},
        {"quote_request_id": 1, "total": {"amount": "1", "currency": "INR"},
         "cost": {"amount": "1", "currency": "INR"}, "valid_until": FUTURE, "extra": True},
    ],
)
def test_malformed_body_is_422_validation_problem(client, world, body):
    response = client.post("/api/v1/quotes", json=body, headers=auth(world.keys["ops"]))
    problem = assert_problem(response, 422)
    assert problem["type"] == "/problems/validation-error"
    assert all(set(err) == {"loc", "msg", "type"} for err in problem["errors"])


def test_total_and_cost_currency_must_match(client, world):
    body = payload(world.request_a.id)
    body["cost"]["currency"] = "USD"
    problem = assert_problem(client.post("/api/v1/quotes", json=body,
                                         headers=auth(world.keys["ops"])), 422)
    assert problem["type"] == "/problems/currency-mismatch"


def test_invalid_json_is_422_problem(client, world):
    response = client.post("/api/v1/quotes", content=b"{not json",
                           headers=auth(world.keys["ops"]) | {"content-type": "application/json"})
    assert_problem(response, 422)
