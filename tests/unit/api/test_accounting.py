"""Accounting connections over the API: finance and admin only; an unconfigured provider is a
409 problem; a callback whose state was never handed out is refused before any provider call."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from tests.unit.api.conftest import auth
from tourstack.accounting import TokenCipher
from tourstack.settings import Settings


def test_only_finance_and_admin_see_the_connections(client, world):
    for role in ("agent_a", "ops"):
        assert client.get("/api/v1/accounting/connections", headers=auth(world.keys[role])).status_code == 403
    r = client.get("/api/v1/accounting/connections", headers=auth(world.keys["finance"]))
    assert r.status_code == 200
    assert [(c["provider"], c["status"]) for c in r.json()] == [("quickbooks", "not_connected"),
                                                                ("xero", "not_connected")]


def test_connecting_an_unconfigured_provider_is_a_conflict(client, world):
    r = client.post("/api/v1/accounting/xero/connect", headers=auth(world.keys["admin"]))
    assert r.status_code == 409 and "TOURSTACK_XERO_CLIENT_ID" in r.json()["detail"]
    assert client.post("/api/v1/accounting/sage/connect", headers=auth(world.keys["admin"])).status_code == 422


def test_a_callback_with_a_state_never_handed_out_is_refused(db_url, session_factory, world):
    settings = Settings(database_url=db_url, quickbooks_client_id="qb", quickbooks_client_secret="s",
                        accounting_key=TokenCipher.new_key(), quickbooks_token_url="http://127.0.0.1:9/unused")
    with TestClient(create_app(settings=settings, sessionmaker=session_factory)) as client:
        started = client.post("/api/v1/accounting/quickbooks/connect", headers=auth(world.keys["finance"]))
        assert started.status_code == 200 and "state=" in started.json()["consent_url"]
        r = client.get("/api/v1/accounting/quickbooks/callback",
                       params={"code": "c", "state": "forged", "realmId": "1"})
        assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["type"].endswith("accounting-invalid-state")
