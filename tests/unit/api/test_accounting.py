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


def test_the_error_and_conflict_queues_over_the_api(client, world, session_factory):
    from tourstack.db.models import AccountingConflict, AccountingMapping, AccountingSyncError

    with session_factory() as session:
        session.add(AccountingSyncError(provider="quickbooks", entity="invoice", local_id=3, code="quickbooks-6140",
                                        message="Duplicate Document Number Error", status="open", attempts=2))
        session.add(AccountingMapping(provider="xero", entity="invoice", local_id=4, remote_id="r-4",
                                      remote_version="v1", idempotency_key="k-4", last_pushed_hash="h1"))
        session.add(AccountingConflict(provider="xero", entity="invoice", local_id=4, remote_id="r-4",
                                       ours='{"number": "INV/4"}', theirs='{"version": "v2", "content_hash": "c2"}',
                                       status="open"))
        session.commit()
    finance, ops = auth(world.keys["finance"]), auth(world.keys["ops"])
    assert client.get("/api/v1/accounting/errors", headers=ops).status_code == 403
    errors = client.get("/api/v1/accounting/errors", headers=finance).json()
    assert [(e["code"], e["message"], e["attempts"]) for e in errors] == [
        ("quickbooks-6140", "Duplicate Document Number Error", 2)]
    conflicts = client.get("/api/v1/accounting/conflicts", headers=finance).json()
    assert [c["remote_id"] for c in conflicts] == ["r-4"]
    cid = conflicts[0]["id"]
    bad = client.post(f"/api/v1/accounting/conflicts/{cid}/resolve", json={"keep": "both"}, headers=finance)
    assert bad.status_code == 422
    done = client.post(f"/api/v1/accounting/conflicts/{cid}/resolve", json={"keep": "ours"}, headers=finance)
    assert done.status_code == 200 and done.json()["status"] == "kept_ours"
    again = client.post(f"/api/v1/accounting/conflicts/{cid}/resolve", json={"keep": "ours"}, headers=finance)
    assert again.status_code == 422
    assert client.post("/api/v1/accounting/conflicts/999/resolve", json={"keep": "ours"},
                       headers=finance).status_code == 404
    with session_factory() as session:  # ours kept: their version is the new base, the next sync pushes ours
        row = session.query(AccountingMapping).filter_by(local_id=4).one()
        assert (row.remote_version, row.remote_content_hash, row.last_pushed_hash) == ("v2", "c2", "h1")
    assert client.get("/api/v1/accounting/conflicts", headers=finance).json() == []


def test_the_sync_report_is_staff_only_and_a_conflict_while_not_connected(client, world):
    for role in ("agent_a", "ops"):
        assert client.get("/api/v1/accounting/xero/sync-report",
                          headers=auth(world.keys[role])).status_code == 403
    assert client.get("/api/v1/accounting/xero/sync-report").status_code == 401
    r = client.get("/api/v1/accounting/quickbooks/sync-report", params={"as_of": "2026-03-31"},
                   headers=auth(world.keys["finance"]))
    assert r.status_code == 409 and r.json()["type"].endswith("accounting-not-connected")
    assert client.get("/api/v1/accounting/sage/sync-report", headers=auth(world.keys["finance"])).status_code == 422
