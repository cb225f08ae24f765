"""Gateway credentials never reach a log line or a repr: a full flow on every gateway (payments,
captures, refunds, webhooks, a forged signature, an outage and a refusal) is logged at DEBUG,
SDK loggers included, and no secret - nor its Basic-auth encoding - appears anywhere."""

from __future__ import annotations

import base64
import logging

import pytest

from tests.integration.payments.conftest import (
    RAZORPAY_WEBHOOK_SECRET,
    STRIPE_WEBHOOK_SECRET,
    gateway_config,
    paypal_signed,
    razorpay_signed,
    stripe_signed,
)
from tests.integration.payments.helpers import (
    captured_paypal_payment,
    captured_razorpay_payment,
    new_booking,
    pay,
    refund,
)

pytestmark = pytest.mark.integration


def test_secrets_never_appear_in_logs_or_reprs(caplog, client, world, runtime, localstripe_url, fake_razorpay,
                                               fake_paypal, session_factory):
    config = gateway_config(localstripe_url, fake_razorpay, fake_paypal, redis_url="redis://:redis-pass@127.0.0.1:1/0")
    secrets = [config.stripe_secret_key, STRIPE_WEBHOOK_SECRET, fake_razorpay.key_secret, RAZORPAY_WEBHOOK_SECRET,
               fake_paypal.client_secret, "redis-pass"]
    secrets += [base64.b64encode(f"{fake_razorpay.key_id}:{fake_razorpay.key_secret}".encode()).decode(),
                base64.b64encode(f"{fake_paypal.client_id}:{fake_paypal.client_secret}".encode()).decode()]
    caplog.set_level(logging.DEBUG)

    # Stripe: a saved card, a refund, a webhook, a forged webhook
    ref = new_booking(session_factory, world, currency="USD", total_minor=500_00)
    card = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"}).json()
    assert refund(client, world.keys["finance"], card["id"], "10.00").json()["status"] == "succeeded"
    event = {"id": "evt_sec_1", "object": "event", "type": "payment_intent.succeeded",
             "data": {"object": {"id": card["gateway_reference"], "amount": 500_00, "currency": "usd"}}}
    assert client.post("/api/v1/webhooks/stripe", content=stripe_signed(event)[0],
                       headers=stripe_signed(event)[1]).status_code == 200
    forged = stripe_signed(event, secret="whsec_forged")
    assert client.post("/api/v1/webhooks/stripe", content=forged[0], headers=forged[1]).status_code == 400

    # Razorpay: checkout, capture, refund refused by the gateway, a webhook
    paid = captured_razorpay_payment(client, world, fake_razorpay, session_factory)
    fake_razorpay.refund_error = (400, "BAD_REQUEST_ERROR")
    assert refund(client, world.keys["finance"], paid["id"], "10.00").json()["status"] == "failed"
    captured = {"entity": "event", "event": "payment.captured", "payload": {"payment": {"entity": {
        "id": paid["capture_reference"], "order_id": paid["gateway_reference"], "amount": 20_000_00,
        "currency": "INR", "status": "captured"}}}}
    b, h = razorpay_signed(captured, "rzp_evt_sec_1")
    assert client.post("/api/v1/webhooks/razorpay", content=b, headers=h).status_code == 200

    # PayPal: approval, capture, refund, a verified webhook; then an outage that falls back
    pp = captured_paypal_payment(client, world, fake_paypal, session_factory)
    assert refund(client, world.keys["finance"], pp["id"], "5.00").json()["status"] == "succeeded"
    dispute = {"id": "WH-SEC-1", "event_type": "CUSTOMER.DISPUTE.CREATED", "resource": {
        "dispute_id": "PP-D-SEC", "dispute_amount": {"currency_code": "AUD", "value": "5.00"},
        "disputed_transactions": [{"seller_transaction_id": next(iter(fake_paypal.captures))}]}}
    b, h = paypal_signed(fake_paypal, dispute, "tx-sec-1")
    assert client.post("/api/v1/webhooks/paypal", content=b, headers=h).status_code == 200
    fake_razorpay.faults.mode = "down"
    inr = new_booking(session_factory, world, currency="INR", total_minor=1_000_00)
    assert pay(client, world.keys["agent_a"], {"booking_ref": inr}).json()["gateway"] == "paypal"

    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert len(caplog.records) > 20  # the flow really was logged (SDK request lines included)
    reprs = repr(config) + repr(runtime) + repr(runtime.gateways) + repr(runtime.router) + str(config)
    for secret in secrets:
        assert secret not in logged
        assert secret not in reprs
