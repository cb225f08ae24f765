"""A payment planned, taken, refunded and disputed through the API on every gateway, with the
real SDKs: Stripe against localstripe (plus signed webhook events for what localstripe lacks:
disputes), Razorpay and PayPal against the fakes in tests/fakes, bank transfer against a
statement line."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.payments.conftest import paypal_signed, razorpay_signed, stripe_signed
from tests.integration.payments.helpers import new_booking, pay, plan
from tests.unit.api.conftest import auth
from tourstack.db.models import BankStatementLine, Booking, Dispute
from tourstack.payments import match_bank_lines

pytestmark = pytest.mark.integration


def _booking(session_factory, ref: str) -> Booking:
    with session_factory() as s:
        return s.query(Booking).filter_by(booking_ref=ref).one()


def test_stripe_plan_pay_refund_dispute(client, world, runtime, session_factory):
    ref = new_booking(session_factory, world, currency="USD", total_minor=2000_00)
    r = plan(client, world.keys["agent_a"], ref, kind="deposit_balance", deposit_percent="30")
    assert r.status_code == 201, r.text
    assert [i["amount"]["amount"] for i in r.json()["installments"]] == ["600.00", "1400.00"]

    first = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"}, idem="stripe-dep-1")
    assert first.status_code == 201, first.text
    body = first.json()
    assert (body["gateway"], body["status"], body["amount"]["amount"]) == ("stripe", "succeeded", "600.00")
    assert body["gateway_reference"].startswith("pi_")
    assert _booking(session_factory, ref).status == "confirmed"

    again = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"}, idem="stripe-dep-1")
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["replayed"]

    # the balance through Stripe.js: a pending intent with a client secret, completed by webhook
    second = pay(client, world.keys["agent_a"], {"booking_ref": ref})
    assert second.json()["status"] == "pending"
    assert second.json()["next_action"]["client_secret"].startswith(second.json()["gateway_reference"])
    event = {"id": "evt_pi_ok_1", "object": "event", "type": "payment_intent.succeeded",
             "data": {"object": {"id": second.json()["gateway_reference"], "object": "payment_intent",
                                 "amount": 1400_00, "currency": "usd", "status": "succeeded"}}}
    body_bytes, headers = stripe_signed(event)
    assert client.post("/api/v1/webhooks/stripe", content=body_bytes, headers=headers).json()["outcome"] == "processed"
    assert _booking(session_factory, ref).status == "paid"
    got = client.get(f"/api/v1/bookings/{ref}/payment-plan", headers=auth(world.keys["agent_a"])).json()
    assert [i["status"] for i in got["installments"]] == ["paid", "paid"]

    small = client.post(f"/api/v1/payments/{body['id']}/refunds", json={"amount": "100.00", "reason": "room change"},
                        headers=auth(world.keys["finance"]))
    assert small.status_code == 201 and small.json()["status"] == "succeeded", small.text
    assert small.json()["gateway_reference"].startswith("re_")
    assert _booking(session_factory, ref).status == "confirmed"

    too_much = client.post(f"/api/v1/payments/{body['id']}/refunds", json={"amount": "500.01", "reason": "x"},
                           headers=auth(world.keys["finance"]))
    assert too_much.status_code == 409 and too_much.json()["type"] == "/problems/exceeds-remaining"  # 500.00 left

    # the dispute arrives as events only (localstripe has no disputes API)
    due = int(dt.datetime(2026, 12, 10, tzinfo=dt.UTC).timestamp())
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": body["gateway_reference"], "amount": 500_00,
               "currency": "usd", "reason": "fraudulent", "status": "needs_response", "evidence_details": {"due_by": due}}
    for evt_id, etype, status in (("evt_dp_1", "charge.dispute.created", "needs_response"),
                                  ("evt_dp_2", "charge.dispute.closed", "lost")):
        b, h = stripe_signed({"id": evt_id, "object": "event", "type": etype,
                              "data": {"object": dispute | {"status": status}}})
        assert client.post("/api/v1/webhooks/stripe", content=b, headers=h).status_code == 200
    with session_factory() as s:
        d = s.query(Dispute).filter_by(gateway_reference="dp_1").one()
        assert (d.status, d.evidence_due_on) == ("lost", dt.date(2026, 12, 10))
    listed = client.get("/api/v1/disputes", headers=auth(world.keys["finance"])).json()["items"]
    assert listed[0]["status"] == "lost"


def test_refund_above_threshold_needs_another_approver(client, world, runtime, session_factory):
    ref = new_booking(session_factory, world, currency="USD", total_minor=1500_00, status="confirmed")
    p = pay(client, world.keys["ops"], {"booking_ref": ref, "payment_method": "pm_card_visa"}).json()
    r = client.post(f"/api/v1/payments/{p['id']}/refunds", json={"reason": "cancelled"}, headers=auth(world.keys["finance"]))
    assert r.status_code == 201
    assert (r.json()["status"], r.json()["approval_required"], r.json()["gateway_reference"]) == ("pending", True, "")
    same = client.post(f"/api/v1/refunds/{r.json()['id']}/approve", headers=auth(world.keys["finance"]))
    assert same.status_code == 409
    ops = client.post(f"/api/v1/refunds/{r.json()['id']}/approve", headers=auth(world.keys["ops"]))
    assert ops.status_code == 403
    ok = client.post(f"/api/v1/refunds/{r.json()['id']}/approve", headers=auth(world.keys["admin"]))
    assert ok.status_code == 200 and ok.json()["status"] == "succeeded", ok.text
    again = client.post(f"/api/v1/payments/{p['id']}/refunds", json={"amount": "0.01", "reason": "x"},
                        headers=auth(world.keys["finance"]))
    assert again.status_code == 409  # nothing left: never more than paid


def test_razorpay_installments_capture_refund_dispute(client, world, runtime, fake_razorpay, session_factory):
    ref = new_booking(session_factory, world, currency="INR", total_minor=100_000_01)
    r = plan(client, world.keys["agent_a"], ref, kind="installments", installments=3)
    amounts = [i["amount"]["amount"] for i in r.json()["installments"]]
    assert amounts == ["33333.34", "33333.34", "33333.33"]

    created = pay(client, world.keys["agent_a"], {"booking_ref": ref}).json()
    assert (created["gateway"], created["status"]) == ("razorpay", "pending")
    order_id = created["next_action"]["order_id"]
    payment_id, signature = fake_razorpay.checkout(order_id)
    bad = client.post(f"/api/v1/payments/{created['id']}/capture",
                      json={"razorpay_payment_id": payment_id, "razorpay_signature": "0" * 64},
                      headers=auth(world.keys["agent_a"]))
    assert bad.status_code == 422
    cap = client.post(f"/api/v1/payments/{created['id']}/capture",
                      json={"razorpay_payment_id": payment_id, "razorpay_signature": signature},
                      headers=auth(world.keys["agent_a"]))
    assert cap.status_code == 200 and cap.json()["status"] == "succeeded", cap.text
    assert cap.json()["fee"]["amount"] == "666.66"
    assert _booking(session_factory, ref).status == "confirmed"

    refund = client.post(f"/api/v1/payments/{created['id']}/refunds", json={"amount": "1000.00", "reason": "late"},
                         headers=auth(world.keys["ops"]))
    assert refund.json()["status"] == "succeeded" and refund.json()["gateway_reference"].startswith("rfnd_")
    got = client.get(f"/api/v1/bookings/{ref}/payment-plan", headers=auth(world.keys["agent_a"])).json()
    assert [i["status"] for i in got["installments"]][0] == "partially_paid"

    for event_id, etype in (("rzp_evt_d1", "payment.dispute.created"), ("rzp_evt_d2", "payment.dispute.won")):
        event = {"entity": "event", "event": etype, "payload": {"dispute": {"entity": {
            "id": "disp_1", "payment_id": payment_id, "amount": 5000_00, "currency": "INR",
            "reason_code": "chargeback", "respond_by": 1796000000}}}}
        b, h = razorpay_signed(event, event_id)
        assert client.post("/api/v1/webhooks/razorpay", content=b, headers=h).json()["outcome"] == "processed"
    with session_factory() as s:
        assert s.query(Dispute).filter_by(gateway_reference="disp_1").one().status == "won"


def test_paypal_order_approve_capture_refund_dispute(client, world, runtime, fake_paypal, session_factory):
    ref = new_booking(session_factory, world, currency="AUD", total_minor=800_00)
    plan(client, world.keys["agent_a"], ref, kind="full")
    created = pay(client, world.keys["agent_a"], {"booking_ref": ref}).json()
    assert created["gateway"] == "paypal" and created["next_action"]["approval_url"].endswith(created["gateway_reference"])
    early = client.post(f"/api/v1/payments/{created['id']}/capture", json={}, headers=auth(world.keys["agent_a"]))
    assert early.status_code == 422  # not approved yet
    fake_paypal.approve(created["gateway_reference"])
    cap = client.post(f"/api/v1/payments/{created['id']}/capture", json={}, headers=auth(world.keys["agent_a"]))
    assert cap.json()["status"] == "succeeded" and cap.json()["fee"]["amount"] == "24.00"
    assert _booking(session_factory, ref).status == "paid"

    refund = client.post(f"/api/v1/payments/{created['id']}/refunds", json={"amount": "50.00", "reason": "meal"},
                         headers=auth(world.keys["finance"]))
    assert refund.json()["status"] == "succeeded"
    capture_id = next(iter(fake_paypal.captures))
    event = {"id": "WH-DISPUTE-1", "event_type": "CUSTOMER.DISPUTE.CREATED", "resource": {
        "dispute_id": "PP-D-1", "reason": "MERCHANDISE_OR_SERVICE_NOT_RECEIVED",
        "dispute_amount": {"currency_code": "AUD", "value": "100.00"},
        "seller_response_due_date": "2026-12-20T00:00:00Z",
        "disputed_transactions": [{"seller_transaction_id": capture_id}]}}
    b, h = paypal_signed(fake_paypal, event, "tx-1")
    assert client.post("/api/v1/webhooks/paypal", content=b, headers=h).json()["outcome"] == "processed"
    forged = dict(h) | {"PAYPAL-TRANSMISSION-SIG": "forged"}
    assert client.post("/api/v1/webhooks/paypal", content=b, headers=forged).status_code == 400
    with session_factory() as s:
        d = s.query(Dispute).filter_by(gateway_reference="PP-D-1").one()
        assert (d.status, d.amount_minor, d.evidence_due_on) == ("open", 100_00, dt.date(2026, 12, 20))


def test_bank_transfer_completes_from_statement_line(client, world, runtime, session_factory):
    ref = new_booking(session_factory, world, currency="INR", total_minor=50_000_00)
    plan(client, world.keys["agent_a"], ref, kind="deposit_balance", deposit_percent="20")
    created = pay(client, world.keys["agent_a"], {"booking_ref": ref, "method": "bank_transfer"}).json()
    assert created["gateway"] == "bank_transfer" and created["status"] == "pending"
    assert created["next_action"]["reference"] == f"TSVA{ref}"
    with session_factory() as s:
        s.add(BankStatementLine(bank_account="50200012345678", booked_on=dt.date(2026, 3, 2), value_on=dt.date(2026, 3, 2),
                                amount_minor=10_000_00, currency="INR", reference=f"NEFT TSVA{ref} ACME TRAVEL"))
        s.commit()
        assert match_bank_lines(s) == 1
        s.commit()
        assert match_bank_lines(s) == 0  # a line is used once
    assert client.get(f"/api/v1/payments/{created['id']}", headers=auth(world.keys["agent_a"])).json()["status"] == "succeeded"
    assert _booking(session_factory, ref).status == "confirmed"
    other = client.get(f"/api/v1/payments/{created['id']}", headers=auth(world.keys["agent_b"]))
    assert other.status_code == 404
