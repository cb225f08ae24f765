"""Payments API with in-process gateways: scope, roles, validation and problem documents."""

from __future__ import annotations

import pytest

from tests.fakes.memory_gateway import MemoryGateway
from tests.unit.api.conftest import auth
from tourstack.payments import BankAccount, GatewayConfig, build_runtime
from tourstack.payments.bank_transfer import BankTransferGateway


@pytest.fixture
def gateways(app):
    gws = {"stripe": MemoryGateway("stripe"), "razorpay": MemoryGateway("razorpay"),
           "paypal": MemoryGateway("paypal"),
           "bank_transfer": BankTransferGateway(BankAccount("Tourstack", "50200012345678"))}
    app.state.payments = build_runtime(GatewayConfig(refund_approval_thresholds={"INR": 10_000_00}), gateways=gws)
    return gws


def _pay(client, key, body, idem="idem-key-0001"):
    return client.post("/api/v1/payments", json=body, headers=auth(key) | {"Idempotency-Key": idem})


def test_agents_pay_only_their_own_bookings(client, world, gateways):
    mine, theirs = world.bookings_a[1].booking_ref, world.bookings_b[0].booking_ref
    assert client.post(f"/api/v1/bookings/{theirs}/payment-plan", json={"kind": "full"},
                       headers=auth(world.keys["agent_a"])).status_code == 404
    r = client.post(f"/api/v1/bookings/{mine}/payment-plan", json={"kind": "installments", "installments": 4},
                    headers=auth(world.keys["agent_a"]))
    assert r.status_code == 201 and len(r.json()["installments"]) == 4
    assert _pay(client, world.keys["agent_a"], {"booking_ref": theirs}).status_code == 404
    paid = _pay(client, world.keys["agent_a"], {"booking_ref": mine})
    assert paid.status_code == 201 and paid.json()["amount"]["amount"] == "30000.00"
    assert client.get(f"/api/v1/payments/{paid.json()['id']}", headers=auth(world.keys["agent_b"])).status_code == 404
    # the same key from another agency is a different request
    other = _pay(client, world.keys["agent_b"], {"booking_ref": theirs})
    assert other.status_code == 201 and other.json()["id"] != paid.json()["id"]


def test_roles_for_refunds_and_disputes(client, world, gateways):
    p = _pay(client, world.keys["finance"], {"booking_ref": world.bookings_a[2].booking_ref, "amount": "500.00"}).json()
    assert client.post(f"/api/v1/payments/{p['id']}/refunds", json={"reason": "x"},
                       headers=auth(world.keys["agent_a"])).status_code == 403
    assert client.get("/api/v1/disputes", headers=auth(world.keys["ops"])).status_code == 403
    d = client.post(f"/api/v1/payments/{p['id']}/disputes", json={"reason": "fraud", "evidence_due_on": "2026-12-01"},
                    headers=auth(world.keys["finance"]))
    assert d.status_code == 201 and d.json()["status"] == "open"
    won = client.post(f"/api/v1/disputes/{d.json()['id']}/resolve", json={"outcome": "won"},
                      headers=auth(world.keys["finance"]))
    assert won.json()["status"] == "won"
    flip = client.post(f"/api/v1/disputes/{d.json()['id']}/resolve", json={"outcome": "lost"},
                       headers=auth(world.keys["finance"]))
    assert flip.status_code == 409 and flip.headers["content-type"] == "application/problem+json"


def test_validation_problems(client, world, gateways):
    ref = world.bookings_a[3].booking_ref
    no_key = client.post("/api/v1/payments", json={"booking_ref": ref}, headers=auth(world.keys["agent_a"]))
    assert no_key.status_code == 422
    assert _pay(client, world.keys["agent_a"], {"booking_ref": ref, "amount": "1.001"}).status_code == 422
    assert _pay(client, world.keys["agent_a"], {"booking_ref": ref, "amount": 10}).status_code == 422  # JSON number
    over = _pay(client, world.keys["agent_a"], {"booking_ref": ref, "amount": "999999.00"})
    assert over.status_code == 422 and over.json()["type"] == "/problems/invalid-payment"
    gateways["razorpay"].outcome = gateways["paypal"].outcome = "down"
    down = _pay(client, world.keys["agent_a"], {"booking_ref": ref}, idem="idem-key-0002")
    assert down.status_code == 503 and down.headers["retry-after"] == "30"
    bank = _pay(client, world.keys["agent_a"], {"booking_ref": ref, "method": "bank_transfer"}, idem="idem-key-0003")
    assert bank.json()["next_action"]["reference"] == f"TSVA{ref}"
    page = client.get("/api/v1/payments?limit=1", headers=auth(world.keys["admin"])).json()
    assert page["next_cursor"] is None or isinstance(page["next_cursor"], str)
    assert client.get("/api/v1/payments?cursor=bogus", headers=auth(world.keys["admin"])).status_code == 400
    assert client.post("/api/v1/webhooks/stripe", content=b"{}").status_code == 400  # no signature
