"""Refunds through the real SDKs when the gateway's answer is lost (the refund happened but our
call timed out): the webhook matches our row by the key we sent, a resend adopts the refund
instead of paying again, and gateway refusals or outages map to failed or pending refunds."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration.payments.conftest import paypal_signed, razorpay_signed, stripe_signed
from tests.integration.payments.helpers import (
    captured_paypal_payment,
    captured_razorpay_payment,
    new_booking,
    pay,
    received,
    refund,
)
from tourstack.db.models import Refund
from tourstack.payments import GatewayPayment, run_payments_maintenance

pytestmark = pytest.mark.integration


def _refunds(session_factory, payment_id: int) -> list[tuple[str, str, int]]:
    with session_factory() as s:
        return [(r.status, r.gateway_reference, r.amount_minor)
                for r in s.query(Refund).filter_by(payment_id=payment_id).order_by(Refund.id)]


def _maintain(session_factory, runtime):
    with session_factory() as s:
        return run_payments_maintenance(s, runtime.router, runtime.gateways, now=dt.datetime.now(dt.UTC))


def _lose_answers(faults):
    faults.mode, faults.slow_seconds = "lost", 4.5  # the client gives up after 2 s


def test_razorpay_refund_with_a_lost_answer_is_matched_by_its_webhook(client, world, runtime, fake_razorpay,
                                                                         session_factory):
    paid = captured_razorpay_payment(client, world, fake_razorpay, session_factory)
    _lose_answers(fake_razorpay.refund_faults)
    r = refund(client, world.keys["ops"], paid["id"], "5000.00")
    assert r.status_code == 201 and (r.json()["status"], r.json()["gateway_reference"]) == ("pending", ""), r.text
    made = next(iter(fake_razorpay.refunds.values()))
    assert made["notes"]["tourstack_refund"] == made["receipt"] == f"refund-{r.json()['id']}"

    event = {"entity": "event", "event": "refund.processed", "payload": {"refund": {"entity": made}}}
    body, headers = razorpay_signed(event, "rzp_evt_lost_1")
    assert client.post("/api/v1/webhooks/razorpay", content=body, headers=headers).json()["outcome"] == "processed"
    assert _refunds(session_factory, paid["id"]) == [("succeeded", made["id"], 5_000_00)]
    assert received(session_factory, paid["booking_ref"]) == 20_000_00 - 5_000_00

    fake_razorpay.refund_faults.mode = "ok"
    assert _maintain(session_factory, runtime).refunds_sent == 0
    assert len(fake_razorpay.refunds) == 1 and received(session_factory, paid["booking_ref"]) == 15_000_00


def test_razorpay_resend_adopts_the_refund_instead_of_paying_twice(client, world, runtime, fake_razorpay,
                                                                   session_factory):
    paid = captured_razorpay_payment(client, world, fake_razorpay, session_factory)
    _lose_answers(fake_razorpay.refund_faults)
    r = refund(client, world.keys["ops"], paid["id"], "2500.00").json()
    assert r["status"] == "pending" and len(fake_razorpay.refunds) == 1
    fake_razorpay.refund_faults.mode = "ok"

    assert _maintain(session_factory, runtime).refunds_sent == 1
    made = next(iter(fake_razorpay.refunds.values()))
    assert len(fake_razorpay.refunds) == 1  # looked up by our key, not refunded again
    assert f"GET /v1/payments/{paid['capture_reference']}/refunds" in fake_razorpay.calls
    assert _refunds(session_factory, paid["id"]) == [("succeeded", made["id"], 2_500_00)]
    assert received(session_factory, paid["booking_ref"]) == 20_000_00 - 2_500_00


def test_razorpay_refund_refusal_fails_and_an_outage_waits(client, world, runtime, fake_razorpay, session_factory):
    paid = captured_razorpay_payment(client, world, fake_razorpay, session_factory)
    fake_razorpay.refund_error = (400, "BAD_REQUEST_ERROR")
    refused = refund(client, world.keys["ops"], paid["id"], "100.00").json()
    assert refused["status"] == "failed" and "refund refused" in refused["failure_reason"]
    fake_razorpay.refund_error = (500, "SERVER_ERROR")
    waiting = refund(client, world.keys["ops"], paid["id"], "100.00").json()
    assert (waiting["status"], waiting["gateway_reference"]) == ("pending", "") and waiting["failure_reason"]
    fake_razorpay.refund_error = None
    assert _maintain(session_factory, runtime).refunds_sent == 1
    assert [row[0] for row in _refunds(session_factory, paid["id"])] == ["failed", "succeeded"]


def test_paypal_refund_refusal_fails_and_an_outage_waits(client, world, runtime, fake_paypal, session_factory):
    paid = captured_paypal_payment(client, world, fake_paypal, session_factory)
    fake_paypal.refund_error = (422, "REFUND_AMOUNT_EXCEEDED")
    refused = refund(client, world.keys["ops"], paid["id"], "10.00").json()
    assert refused["status"] == "failed" and "422" in refused["failure_reason"]
    fake_paypal.refund_error = None
    fake_paypal.refund_faults.mode = "down"
    waiting = refund(client, world.keys["ops"], paid["id"], "10.00").json()
    assert (waiting["status"], waiting["gateway_reference"]) == ("pending", "") and "503" in waiting["failure_reason"]
    fake_paypal.refund_faults.mode = "ok"
    assert _maintain(session_factory, runtime).refunds_sent == 1
    assert [row[0] for row in _refunds(session_factory, paid["id"])] == ["failed", "succeeded"]
    assert len(fake_paypal.refunds) == 1


def test_paypal_refunded_webhook_matches_a_refund_whose_answer_was_lost(client, world, runtime, fake_paypal,
                                                                       session_factory):
    paid = captured_paypal_payment(client, world, fake_paypal, session_factory)
    _lose_answers(fake_paypal.refund_faults)
    r = refund(client, world.keys["ops"], paid["id"], "50.00").json()
    assert r["status"] == "pending"
    made = next(iter(fake_paypal.refunds.values()))
    assert made["custom_id"] == f"refund-{r['id']}"
    event = {"id": "WH-REFUNDED-1", "event_type": "PAYMENT.CAPTURE.REFUNDED", "resource": made}
    body, headers = paypal_signed(fake_paypal, event, "tx-refunded-1")
    assert client.post("/api/v1/webhooks/paypal", content=body, headers=headers).json()["outcome"] == "processed"
    assert _refunds(session_factory, paid["id"]) == [("succeeded", made["id"], 50_00)]
    fake_paypal.refund_faults.mode = "ok"
    assert _maintain(session_factory, runtime).refunds_sent == 0 and len(fake_paypal.refunds) == 1
    assert received(session_factory, paid["booking_ref"]) == 800_00 - 50_00


def test_stripe_refund_updated_webhook_matches_by_metadata(client, world, proxied_runtime, stripe_proxy,
                                                           session_factory):
    ref = new_booking(session_factory, world, currency="USD", total_minor=900_00)
    paid = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"}).json()
    assert (paid["gateway"], paid["status"]) == ("stripe", "succeeded")
    stripe_proxy.fault("POST", "/v1/refunds", "lost", slow_seconds=4.5)
    r = refund(client, world.keys["ops"], paid["id"], "100.00").json()
    assert (r["status"], r["gateway_reference"]) == ("pending", "")
    at_stripe = GatewayPayment("stripe", paid["gateway_reference"], "succeeded", 900_00, "USD", "card")
    made = proxied_runtime.gateways["stripe"].find_refund(at_stripe, f"refund-{r['id']}")  # what Stripe holds
    assert made is not None and made.amount_minor == 100_00

    obj = {"id": made.reference, "object": "refund", "amount": 100_00, "currency": "usd", "status": "succeeded",
           "payment_intent": paid["gateway_reference"], "metadata": {"tourstack_refund": f"refund-{r['id']}"}}
    body, headers = stripe_signed({"id": "evt_re_upd_1", "object": "event", "type": "refund.updated",
                                   "data": {"object": obj}})
    assert client.post("/api/v1/webhooks/stripe", content=body, headers=headers).json()["outcome"] == "processed"
    assert _refunds(session_factory, paid["id"]) == [("succeeded", made.reference, 100_00)]
    assert received(session_factory, ref) == 800_00
