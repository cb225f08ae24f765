"""Stripe through the real SDK, against localstripe behind StripeProxy: a charge that succeeded is
never followed by a fallback (its fee is read later), a saved card is charged with its customer
off-session (and re-sent with its idempotency key when the answer is lost, never charged twice or
elsewhere), a decline keeps the PaymentIntent id, and timeouts fall back in both directions."""

from __future__ import annotations

import datetime as dt

import pytest
import stripe

from tests.integration.payments.conftest import stripe_signed
from tests.integration.payments.helpers import new_booking, pay
from tourstack.db.models import Payment
from tourstack.payments import run_payments_maintenance

pytestmark = pytest.mark.integration


def test_a_fee_lookup_failing_after_the_charge_never_falls_back(client, world, proxied_runtime, stripe_proxy,
                                                                fake_paypal, session_factory):
    stripe_proxy.fault("GET", "/v1/balance_transactions/", "down")  # charged; reading its fee fails
    ref = new_booking(session_factory, world, currency="USD", total_minor=1000_00)
    answer = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"})
    body = answer.json()
    assert answer.status_code == 201, answer.text
    assert (body["gateway"], body["status"], body["fee"]["amount"]) == ("stripe", "succeeded", "0.00")
    assert fake_paypal.orders == {}  # no second attempt anywhere else
    assert proxied_runtime.router.breaker.store.load("stripe").failures == 0

    stripe_proxy.faults.clear()
    with session_factory() as s:
        report = run_payments_maintenance(s, proxied_runtime.router, proxied_runtime.gateways,
                                          now=dt.datetime.now(dt.UTC))
        assert report.fees_filled == 1
        assert s.get(Payment, body["id"]).fee_minor == 1000_00 * 29 // 1000 + 30


def test_a_saved_card_is_charged_with_its_customer_off_session(client, world, proxied_runtime, stripe_proxy,
                                                              localstripe_url, session_factory):
    sdk = stripe.StripeClient("sk_test_tourstack", base_addresses={"api": localstripe_url})
    customer = sdk.v1.customers.create(params={"email": "payer@example.com"})
    method = sdk.v1.payment_methods.create(params={"type": "card", "card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    sdk.v1.payment_methods.attach(method.id, params={"customer": customer.id})

    ref = new_booking(session_factory, world, currency="USD", total_minor=300_00)
    answer = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": method.id})
    assert answer.json()["status"] == "succeeded", answer.text
    sent = stripe_proxy.sent("POST", "/v1/payment_intents")[-1]
    assert (sent["customer"], sent["off_session"], sent["confirm"], sent["payment_method"]) == (
        customer.id, "true", "true", method.id)
    assert sdk.v1.payment_intents.retrieve(answer.json()["gateway_reference"]).customer == customer.id


def test_a_saved_card_charge_whose_answer_is_lost_is_resent_once_not_charged_elsewhere(
        client, world, proxied_runtime, stripe_proxy, fake_paypal, session_factory):
    # Stripe charges the card, then the answer arrives after the client's 2 s timeout.
    stripe_proxy.fault("POST", "/v1/payment_intents", "lost_once", slow_seconds=4.5)
    ref = new_booking(session_factory, world, currency="USD", total_minor=250_00)
    answer = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_visa"})
    body = answer.json()
    assert answer.status_code == 201, answer.text
    assert (body["gateway"], body["status"]) == ("stripe", "succeeded")
    sent = [r for r in stripe_proxy.requests if r[:2] == ("POST", "/v1/payment_intents")]
    assert len(sent) == 2  # the SDK re-sent the charge ...
    assert stripe_proxy.forwarded.count(("POST", "/v1/payment_intents")) == 1  # ... Stripe made one
    assert fake_paypal.orders == {}
    with session_factory() as s:
        assert [p.gateway_reference for p in s.query(Payment).filter(Payment.status == "succeeded")
                if p.gateway_reference == body["gateway_reference"]] == [body["gateway_reference"]]


def test_a_decline_keeps_the_payment_intent_so_its_event_is_applied(client, world, proxied_runtime,
                                                                    session_factory):
    ref = new_booking(session_factory, world, currency="USD", total_minor=100_00)
    failed = pay(client, world.keys["agent_a"], {"booking_ref": ref, "payment_method": "pm_card_chargeCustomerFail"})
    body = failed.json()
    assert (body["gateway"], body["status"], body["failure_code"]) == ("stripe", "failed", "card_declined"), failed.text
    assert body["gateway_reference"].startswith("pi_")
    event = {"id": "evt_pi_failed_1", "object": "event", "type": "payment_intent.payment_failed",
             "data": {"object": {"id": body["gateway_reference"], "object": "payment_intent", "amount": 100_00,
                                 "currency": "usd", "status": "requires_payment_method",
                                 "last_payment_error": {"code": "card_declined"}}}}
    b, h = stripe_signed(event)
    assert client.post("/api/v1/webhooks/stripe", content=b, headers=h).json()["outcome"] == "processed"


def test_a_stripe_timeout_falls_back_to_paypal(client, world, proxied_runtime, stripe_proxy, session_factory):
    stripe_proxy.fault("POST", "/v1/payment_intents", "slow", slow_seconds=4.5)  # the client gives up after 2 s
    ref = new_booking(session_factory, world, currency="USD", total_minor=100_00)
    answer = pay(client, world.keys["agent_a"], {"booking_ref": ref})
    assert answer.status_code == 201 and answer.json()["gateway"] == "paypal", answer.text
    assert proxied_runtime.router.breaker.store.load("stripe").failures == 1


def test_a_paypal_timeout_falls_back_to_stripe(client, world, runtime, fake_paypal, session_factory):
    fake_paypal.faults.mode, fake_paypal.faults.slow_seconds = "slow", 4.5
    ref = new_booking(session_factory, world, currency="USD", total_minor=100_00)
    answer = pay(client, world.keys["agent_a"], {"booking_ref": ref, "gateway": "paypal"})
    assert answer.status_code == 201 and answer.json()["gateway"] == "stripe", answer.text
    assert runtime.router.breaker.store.load("paypal").failures == 1
