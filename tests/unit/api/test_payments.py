"""Payments API with in-process gateways: scope, roles, validation and problem documents."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests import factories as f
from tests.fakes.memory_gateway import MemoryGateway
from tests.unit.api.conftest import auth
from tourstack.db.models import Payment, WebhookEvent
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
    assert client.get("/api/v1/payments?cursor=bogus", headers=auth(world.keys["admin"])).status_code == 400
    assert client.post("/api/v1/webhooks/stripe", content=b"{}").status_code == 400  # no signature


def test_pages_of_payments_follow_the_cursor_to_the_end(client, world, gateways):
    ref = world.bookings_a[3].booking_ref
    made = [_pay(client, world.keys["agent_a"], {"booking_ref": ref, "amount": "100.00"}, idem=f"page-key-{i:04d}")
            .json()["id"] for i in range(3)]
    seen, cursor = [], None
    for _ in range(3):
        page = client.get("/api/v1/payments", params={"limit": 2} | ({"cursor": cursor} if cursor else {}),
                          headers=auth(world.keys["agent_a"])).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str)
    assert seen == sorted(made, reverse=True) and cursor is None


def test_staff_idempotency_keys_are_per_api_key(client, world, gateways, session_factory):
    ref = world.bookings_a[2].booking_ref
    body = {"booking_ref": ref, "amount": "100.00"}
    finance = _pay(client, world.keys["finance"], body, idem="shared-staff-key")
    admin = _pay(client, world.keys["admin"], body, idem="shared-staff-key")
    assert finance.status_code == admin.status_code == 201 and finance.json()["id"] != admin.json()["id"]
    again = _pay(client, world.keys["finance"], body, idem="shared-staff-key")
    assert again.status_code == 200 and again.json()["id"] == finance.json()["id"]


def test_a_key_reused_with_other_parameters_is_a_conflict(client, world, gateways):
    ref = world.bookings_a[2].booking_ref
    first = _pay(client, world.keys["agent_a"], {"booking_ref": ref, "amount": "100.00"}, idem="reused-key-1")
    assert first.status_code == 201
    other = _pay(client, world.keys["agent_a"], {"booking_ref": ref, "amount": "250.00"}, idem="reused-key-1")
    assert other.status_code == 409 and other.headers["content-type"] == "application/problem+json"
    assert other.json()["type"] == "/problems/idempotency-key-reused"


def test_two_full_payments_in_flight_cannot_both_be_taken(client, world, gateways):
    gateways["razorpay"].outcome = "pending"
    ref = world.bookings_a[4].booking_ref
    first = _pay(client, world.keys["agent_a"], {"booking_ref": ref}, idem="full-pay-0001")
    assert first.status_code == 201 and first.json()["amount"]["amount"] == "120000.00"
    second = _pay(client, world.keys["agent_a"], {"booking_ref": ref}, idem="full-pay-0002")
    assert second.status_code == 409 and second.json()["type"] == "/problems/payment-in-progress"
    assert f"payment {first.json()['id']}" in second.json()["detail"]


def test_a_method_cannot_route_around_the_rules(client, world, gateways, session_factory):
    with session_factory() as s:
        usd = f.make_booking(s, world.agent_a, currency="USD", total_sell_minor=500_00)
        s.commit()
        ref = usd.booking_ref
    upi = _pay(client, world.keys["agent_a"], {"booking_ref": ref, "method": "upi"}, idem="route-key-0001")
    assert upi.status_code == 422 and "razorpay does not take USD" in upi.json()["detail"]
    assert gateways["razorpay"].calls == 0
    card = _pay(client, world.keys["agent_a"], {"booking_ref": ref, "gateway": "paypal"}, idem="route-key-0002")
    assert card.status_code == 201 and card.json()["gateway"] == "paypal"


def test_finance_records_a_bank_transfer_refund_paid(client, world, gateways, session_factory):
    with session_factory() as s:
        booking = s.get(type(world.bookings_a[1]), world.bookings_a[1].id)
        payment = Payment(booking_id=booking.id, gateway="bank_transfer", gateway_reference="TSVA1",
                          method="bank_transfer", amount_minor=20_000_00, currency="INR", fee_minor=0,
                          status="succeeded", attempted_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
        s.add(payment)
        s.commit()
        payment_id = payment.id
    refund = client.post(f"/api/v1/payments/{payment_id}/refunds", json={"amount": "5000.00", "reason": "cancelled"},
                         headers=auth(world.keys["ops"])).json()
    assert refund["status"] == "pending"
    url = f"/api/v1/refunds/{refund['id']}/mark-paid"
    body = {"reference": "UTR20260301000123", "paid_on": "2026-03-02"}
    assert client.post(url, json=body, headers=auth(world.keys["ops"])).status_code == 403
    assert client.post(url, json=body, headers=auth(world.keys["agent_a"])).status_code == 403
    paid = client.post(url, json=body, headers=auth(world.keys["finance"]))
    assert paid.status_code == 200, paid.text
    out = paid.json()
    assert (out["status"], out["gateway_reference"], out["refunded_at"][:10]) == ("succeeded", "UTR20260301000123", "2026-03-02")
    assert out["paid_out_by_key_id"] is not None and out["paid_out_recorded_at"] is not None
    twice = client.post(url, json=body, headers=auth(world.keys["finance"]))
    assert twice.status_code == 409 and twice.headers["content-type"] == "application/problem+json"


def test_dead_lettered_webhook_events_are_listed_for_finance(client, world, gateways, session_factory):
    with session_factory() as s:
        for event_id, status in (("evt_a", "processed"), ("evt_b", "dead_lettered")):
            payload = {"event_id": event_id, "gateway_type": "refund.updated", "kind": "ignored",
                       "reason": "payer-detail"}
            s.add(WebhookEvent(gateway="stripe", event_id=event_id, type="refund.updated", payload=json.dumps(payload),
                               signature_valid=True, received_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
                               attempts=25 if status == "dead_lettered" else 1, status=status,
                               last_error="ValueError: x" if status == "dead_lettered" else None))
        s.commit()
        ids = {e.event_id: e.id for e in s.query(WebhookEvent)}
    url = "/api/v1/webhook-events?status=dead_lettered"
    assert client.get(url, headers=auth(world.keys["agent_a"])).status_code == 403
    assert client.get(url, headers=auth(world.keys["ops"])).status_code == 403
    page = client.get(url, headers=auth(world.keys["finance"])).json()
    assert [(e["event_id"], e["attempts"], e["last_error"]) for e in page["items"]] == [("evt_b", 25, "ValueError: x")]
    assert "payload" not in page["items"][0] and "payer-detail" not in str(page)

    retry = f"/api/v1/webhook-events/{ids['evt_b']}/retry"
    assert client.post(retry, headers=auth(world.keys["ops"])).status_code == 403
    done = client.post(retry, headers=auth(world.keys["finance"]))  # the cause is fixed: requeued, processed
    assert done.status_code == 200 and done.json()["outcome"] == "ignored"
    assert (done.json()["event"]["status"], done.json()["event"]["attempts"]) == ("processed", 1)
    assert client.get(url, headers=auth(world.keys["finance"])).json()["items"] == []
    again = client.post(f"/api/v1/webhook-events/{ids['evt_a']}/retry", headers=auth(world.keys["finance"]))
    assert again.status_code == 409 and again.headers["content-type"] == "application/problem+json"


def test_an_invoice_issued_after_the_payment_is_paid_at_once(client, world, gateways, session_factory):
    with session_factory() as s:
        maker = f.make_api_key(s, "finance", staff_user=f.make_staff_user(s, role="finance"))[0]
        checker = f.make_api_key(s, "finance", staff_user=f.make_staff_user(s, role="finance"))[0]
        s.commit()
    ref = world.bookings_a[0].booking_ref  # one item at 40000.00 + 5 % IGST: invoice total 42000.00
    paid = _pay(client, world.keys["agent_a"], {"booking_ref": ref, "amount": "42000.00"}, idem="before-invoice-1")
    assert paid.json()["status"] == "succeeded" and paid.json()["invoice_id"] is None
    draft = client.post("/api/v1/invoices", json={"booking_ref": ref}, headers=auth(maker)).json()
    assert draft["total"]["amount"] == "42000.00"
    client.post(f"/api/v1/invoices/{draft['id']}/submit", headers=auth(maker))
    client.post(f"/api/v1/invoices/{draft['id']}/approve", headers=auth(checker))
    issued = client.post(f"/api/v1/invoices/{draft['id']}/issue", headers=auth(checker))
    assert issued.status_code == 200 and issued.json()["status"] == "paid"
    got = client.get(f"/api/v1/payments/{paid.json()['id']}", headers=auth(world.keys["agent_a"])).json()
    assert got["invoice_id"] == draft["id"]
