"""Authentication (401) and authorisation (403), with problem+json bodies."""

from __future__ import annotations

import logging

import pytest

from tests.unit.api.conftest import auth

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert PROBLEM_KEYS <= body.keys()
    assert body["status"] == status
    return body


@pytest.mark.parametrize("path", ["/api/v1/bookings", "/api/v1/quotes", "/api/v1/quotes/1",
                                  "/api/v1/bookings/BK1"])
def test_missing_key_is_401(client, world, path):
    body = assert_problem(client.get(path), 401)
    assert body["instance"] == path
    assert body["type"] == "/problems/unauthorized"


def test_401_carries_www_authenticate(client, world):
    response = client.get("/api/v1/bookings")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "key",
    [
        "nonsense",
        "ts_000000000000_wrongsecret",
        "Bearer",
        "ts__",
    ],
)
def test_invalid_key_is_401(client, world, key):
    assert_problem(client.get("/api/v1/bookings", headers=auth(key)), 401)


def test_right_prefix_wrong_secret_is_401(client, world):
    good = world.keys["admin"]
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    assert_problem(client.get("/api/v1/bookings", headers=auth(tampered)), 401)


def test_revoked_key_is_401(client, world):
    body = assert_problem(client.get("/api/v1/bookings", headers=auth(world.keys["revoked"])), 401)
    assert world.keys["revoked"] not in str(body)


def test_key_is_never_echoed_in_errors_or_logs(client, world, caplog):
    bad = world.keys["admin"][:-3] + "xyz"
    with caplog.at_level(logging.DEBUG):
        response = client.get("/api/v1/bookings", headers=auth(bad))
        response2 = client.get("/api/v1/bookings", headers={"X-API-Key": bad})
    assert response.status_code == response2.status_code == 401
    assert bad not in response.text and bad not in response2.text
    assert bad not in caplog.text
    assert world.keys["admin"] not in caplog.text


def test_bearer_and_x_api_key_both_accepted(client, world):
    assert client.get("/api/v1/bookings", headers=auth(world.keys["ops"])).status_code == 200
    assert client.get("/api/v1/bookings", headers={"X-API-Key": world.keys["ops"]}).status_code == 200


def test_other_auth_scheme_is_401(client, world):
    response = client.get("/api/v1/bookings", headers={"Authorization": f"Basic {world.keys['ops']}"})
    assert_problem(response, 401)


def test_finance_cannot_create_quotes(client, world):
    response = client.post(
        "/api/v1/quotes",
        headers=auth(world.keys["finance"]),
        json={
            "quote_request_id": world.request_a.id,
            "total": {"amount": "1000.00", "currency": "INR"},
            "cost": {"amount": "800.00", "currency": "INR"},
            "valid_until": "2099-01-01",
        },
    )
    body = assert_problem(response, 403)
    assert body["type"] == "/problems/forbidden"


def test_every_role_can_read(client, world):
    for role in ("agent_a", "ops", "finance", "admin"):
        assert client.get("/api/v1/quotes", headers=auth(world.keys[role])).status_code == 200


def test_last_used_at_recorded(client, world, session_factory):
    from sqlalchemy import select

    from tourstack.db.models import ApiKey

    client.get("/api/v1/bookings", headers=auth(world.keys["finance"]))
    prefix = world.keys["finance"].split("_")[1]
    with session_factory() as s:
        row = s.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
        assert row.last_used_at is not None
        assert row.key_hash != world.keys["finance"] and len(row.key_hash) == 64
