"""Webhooks (signatures, duplicates, out-of-order delivery) and gateway outages (5xx, timeouts,
fallback, the circuit breaker), against localstripe and the Razorpay/PayPal fakes."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes.asgi_server import ThreadedServer
from tests.fakes.faults import down_app
from tests.integration.payments.conftest import gateway_config, paypal_signed, razorpay_signed, stripe_signed
from tests.integration.payments.helpers import new_booking, pay
from tests.unit.api.conftest import auth
from tourstack.db.models import Payment, Refund, WebhookEvent
from tourstack.payments import build_runtime, retry_events, run_payments_maintenance

pytestmark = pytest.mark.integration


def _captured_event(event_id: str, order_id: str, payment_id: str, amount: int) -> tuple[bytes, dict]:
    return razorpay_signed({"entity": "event", "event": "payment.captured", "payload": {"payment": {"entity": {
        "id": payment_id, "order_id": order_id, "amount": amount, "currency": "INR", "status": "captured"}}}},
        event_id)


def test_webhook_signatures_and_duplicates(client, world, runtime, session_factory):
    ref = new_booking(session_factory, world, currency="USD", total_minor=300_00)
    created = pay(client, world.keys["agent_a"], {"booking_ref": ref}).json()
    event = {"id": "evt_dup_1", "object": "event", "type": "payment_intent.succeeded",
             "data": {"object": {"id": created["gateway_reference"], "amount": 300_00, "currency": "usd",
                                 "status": "succeeded"}}}
    body, headers = stripe_signed(event, secret="whsec_wrong")
    bad = client.post("/api/v1/webhooks/stripe", content=body, headers=headers)
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
    with session_factory() as s:
        assert s.query(WebhookEvent).count() == 0  # a forged delivery is not stored
        assert s.get(Payment, created["id"]).status == "pending"  # nothing processed

    body, headers = stripe_signed(event)
    assert client.post("/api/v1/webhooks/stripe", content=body, headers=headers).json()["outcome"] == "processed"
    dup = client.post("/api/v1/webhooks/stripe", content=body, headers=headers)
    assert dup.status_code == 200 and dup.json()["outcome"] == "duplicate"
    # a stale failure after success never moves the payment backwards
    stale = {"id": "evt_late_fail", "object": "event", "type": "payment_intent.payment_failed",
             "data": {"object": {"id": created["gateway_reference"], "amount": 300_00, "currency": "usd",
                                 "status": "requires_payment_method"}}}
    b, h = stripe_signed(stale)
    late = client.post("/api/v1/webhooks/stripe", content=b, headers=h)
    assert late.status_code == 200 and late.json() == {"event_id": "evt_late_fail", "outcome": "processed"}
    with session_factory() as s:
        assert s.get(Payment, created["id"]).status == "succeeded"
        assert s.query(WebhookEvent).filter_by(signature_valid=True).count() == 2
        assert s.query(WebhookEvent).filter_by(event_id="evt_dup_1").one().attempts == 1
        assert s.query(WebhookEvent).filter_by(event_id="evt_late_fail").one().status == "processed"

    rz = client.post("/api/v1/webhooks/razorpay", content=b"{}", headers={"X-Razorpay-Signature": "nope"})
    assert rz.status_code == 400


def test_refund_event_before_payment_is_parked_then_applied(client, world, runtime, fake_razorpay, session_factory):
    ref = new_booking(session_factory, world, currency="INR", total_minor=20_000_00)
    created = pay(client, world.keys["agent_a"], {"booking_ref": ref}).json()
    order_id = created["gateway_reference"]
    refund = razorpay_signed({"entity": "event", "event": "refund.processed", "payload": {"refund": {"entity": {
        "id": "rfnd_ext_1", "payment_id": "pay_ooo_1", "amount": 5_000_00, "currency": "INR"}}}}, "rzp_evt_r1")
    first = client.post("/api/v1/webhooks/razorpay", content=refund[0], headers=refund[1])
    assert first.status_code == 200 and first.json()["outcome"] == "parked"

    captured = _captured_event("rzp_evt_c1", order_id, "pay_ooo_1", 20_000_00)
    assert client.post("/api/v1/webhooks/razorpay", content=captured[0], headers=captured[1]).json()["outcome"] == "processed"
    with session_factory() as s:
        assert s.query(Refund).count() == 0
        assert retry_events(s) == {"processed": 1}
        row = s.query(Refund).one()
        assert (row.status, row.amount_minor, row.gateway_reference) == ("succeeded", 5_000_00, "rfnd_ext_1")
        event = s.query(WebhookEvent).filter_by(gateway="razorpay", type="refund.processed").one()
        assert event.attempts == 2 and event.processed_at is not None and event.last_error is None
        assert retry_events(s) == {}


def test_gateway_down_falls_back_and_opens_breaker(client, world, runtime, fake_razorpay, session_factory):
    fake_razorpay.faults.mode = "down"
    refs = [new_booking(session_factory, world, currency="INR", total_minor=10_000_00) for _ in range(3)]
    answers = [pay(client, world.keys["agent_a"], {"booking_ref": ref}) for ref in refs]
    assert [a.json()["gateway"] for a in answers] == ["paypal"] * 3
    assert len(fake_razorpay.calls) == 2  # threshold 2: the third payment skipped Razorpay
    assert runtime.router.breaker.state("razorpay") == "open"


def test_gateway_timeout_falls_back(client, world, runtime, fake_razorpay, session_factory):
    fake_razorpay.faults.mode = "slow"
    fake_razorpay.faults.slow_seconds = 4.5  # the client gives up after 2 s
    ref = new_booking(session_factory, world, currency="INR", total_minor=10_000_00)
    answer = pay(client, world.keys["agent_a"], {"booking_ref": ref})
    assert answer.status_code == 201 and answer.json()["gateway"] == "paypal"
    assert runtime.router.breaker.store.load("razorpay").failures == 1


def test_stripe_5xx_falls_back_and_all_down_is_503(app, client, world, localstripe_url, fake_razorpay,
                                                     fake_paypal, session_factory):
    with ThreadedServer(down_app()) as down:
        app.state.payments = build_runtime(gateway_config(down.url, fake_razorpay, fake_paypal))
        ref = new_booking(session_factory, world, currency="USD", total_minor=100_00)
        answer = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"})
        assert answer.json()["gateway"] == "paypal", answer.text
        fake_paypal.faults.mode = "down"
        ref2 = new_booking(session_factory, world, currency="USD", total_minor=100_00)
        none = pay(client, world.keys["agent_a"], {"booking_ref": ref2})
        assert none.status_code == 503 and none.headers["content-type"] == "application/problem+json"


def test_declined_card_is_not_a_fallback_and_is_retried_on_schedule(client, world, runtime, session_factory):
    ref = new_booking(session_factory, world, currency="USD", total_minor=100_00)
    failed = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_chargeCustomerFail"})
    body = failed.json()
    assert (body["gateway"], body["status"], body["failure_code"]) == ("stripe", "failed", "card_declined"), failed.text
    assert body["next_retry_at"] is not None
    with session_factory() as s:
        row = s.get(Payment, body["id"])
        row.payment_method_reference = "pm_card_visa"  # the payer updated the card on file
        s.commit()
        report = run_payments_maintenance(s, runtime.router, runtime.gateways,
                                          now=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
        assert report.payments["succeeded"] == 1
        retry = s.query(Payment).filter_by(retry_of_payment_id=body["id"]).one()
        assert (retry.status, retry.retry_count, retry.gateway) == ("succeeded", 1, "stripe")


def test_idempotency_key_is_scoped_and_reused(client, world, runtime, fake_razorpay, session_factory):
    ref = new_booking(session_factory, world, currency="INR", total_minor=10_000_00)
    a = pay(client, world.keys["agent_a"], {"booking_ref": ref}, idem="same-key-123")
    b = pay(client, world.keys["agent_a"], {"booking_ref": ref}, idem="same-key-123")
    assert a.status_code == 201 and b.status_code == 200
    assert a.json()["id"] == b.json()["id"] and b.json()["next_action"]["order_id"] == a.json()["gateway_reference"]
    assert len(fake_razorpay.orders) == 1
    listed = client.get("/api/v1/payments?limit=1", headers=auth(world.keys["agent_a"])).json()
    assert listed["items"][0]["id"] == a.json()["id"]
    assert client.get("/api/v1/payments", headers=auth(world.keys["agent_b"])).json()["items"] == []


def test_paypal_verification_api_down_is_503_and_the_redelivery_is_processed(client, world, runtime, fake_paypal,
                                                                             session_factory):
    ref = new_booking(session_factory, world, currency="AUD", total_minor=400_00)
    created = pay(client, world.keys["agent_a"], {"booking_ref": ref}).json()
    capture = {"id": "CAP-WH-1", "status": "COMPLETED", "amount": {"currency_code": "AUD", "value": "400.00"},
               "supplementary_data": {"related_ids": {"order_id": created["gateway_reference"]}}}
    event = {"id": "WH-CAPTURE-1", "event_type": "PAYMENT.CAPTURE.COMPLETED", "resource": capture}
    body, headers = paypal_signed(fake_paypal, event, "tx-capture-1")

    fake_paypal.verify_faults.mode = "down"
    down = client.post("/api/v1/webhooks/paypal", content=body, headers=headers)
    assert down.status_code == 503 and down.json()["type"] == "/problems/gateway-unavailable"
    with session_factory() as s:  # nothing half-stored, nothing applied: PayPal delivers it again
        assert s.query(WebhookEvent).count() == 0
        assert s.get(Payment, created["id"]).status == "pending"

    fake_paypal.verify_faults.mode = "ok"
    again = client.post("/api/v1/webhooks/paypal", content=body, headers=headers)
    assert again.json() == {"event_id": "WH-CAPTURE-1", "outcome": "processed"}
    with session_factory() as s:
        payment = s.get(Payment, created["id"])
        assert (payment.status, payment.capture_reference) == ("succeeded", "CAP-WH-1")
