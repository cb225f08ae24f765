"""Stored webhook events: a verified event we cannot read is stored and retried (never a lost
500), a processing failure is retried and then dead-lettered (logged, counted, listed) until
someone requeues it, and PayPal dispute outcomes follow an explicit table."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time

import pytest

from tests.unit.payments.conftest import NOW, deliver, make_booking
from tourstack.db.models import WebhookEvent
from tourstack.payments import (
    PaymentInput,
    dead_lettered_count,
    list_events,
    receive,
    requeue,
    retry_events,
    take_payment,
)
from tourstack.payments.gateway import DISPUTE_LOST, DISPUTE_OPENED, DISPUTE_WON
from tourstack.payments.paypal_gateway import notice_from_event as paypal_notice
from tourstack.payments.stripe_gateway import StripeGateway
from tourstack.payments.webhooks import MAX_ATTEMPTS

SECRET = "whsec_unit_secret"


def _stripe_signed(event: dict) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    ts = int(time.time())
    sig = hmac.new(SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={ts},v1={sig}"}


def test_a_verified_event_that_cannot_be_read_is_stored_and_retried(session):
    stripe = StripeGateway(api_key="sk_test_unit", webhook_secret=SECRET, api_base="http://127.0.0.1:9")
    # signed by Stripe, but not an event we can normalise (no data.object)
    body, headers = _stripe_signed({"id": "evt_odd_1", "object": "event", "type": "payment_intent.succeeded"})
    receipt = receive(session, stripe, body, headers, now=NOW)
    assert receipt.outcome == "failed"
    row = session.query(WebhookEvent).filter_by(event_id="evt_odd_1").one()
    assert (row.status, row.attempts, row.payload, row.type) == ("failed", 1, body.decode(), "payment_intent.succeeded")
    assert row.last_error.startswith("KeyError")
    assert retry_events(session, gateways={"stripe": stripe}, now=NOW) == {"failed": 1}
    assert row.attempts == 2


def test_a_failing_event_is_retried_then_dead_lettered_and_can_be_requeued(session, router, gateways, caplog):
    gw = gateways["razorpay"]
    booking = make_booking(session)
    payment = take_payment(session, PaymentInput(booking, "k1", amount_minor=1_000_00), router, now=NOW).payment
    session.commit()
    # a refund larger than the payment: processing raises every time
    first = deliver(session, gw, "evt-big", "refund.succeeded", payment_reference=payment.gateway_reference,
                    refund_reference="re_big", amount_minor=5_000_00, currency="INR", reason="payer-secret-note")
    assert first.outcome == "failed" and first.event.status == "failed"
    caplog.set_level(logging.INFO)
    outcomes = [retry_events(session, gateways=gateways, now=NOW) for _ in range(MAX_ATTEMPTS)]
    assert outcomes[-3:] == [{"failed": 1}, {"dead_lettered": 1}, {}]  # attempt 25 gives up; then left alone
    row = first.event
    assert (row.status, row.attempts, row.processed_at) == ("dead_lettered", MAX_ATTEMPTS, None)
    assert "exceeds what is refundable" in row.last_error
    dead = [r for r in caplog.records if r.levelno == logging.ERROR and "dead-lettered" in r.getMessage()]
    assert len(dead) == 1 and "evt-big" in dead[0].getMessage()
    assert "payer-secret-note" not in caplog.text  # ids and our error text only, never the payload
    assert dead_lettered_count(session) == 1
    assert [e.event_id for e in list_events(session, status="dead_lettered").items] == ["evt-big"]

    row, outcome = requeue(session, row.id, gateways=gateways, now=NOW)  # still wrong: a fresh set of attempts
    assert (outcome, row.status, row.attempts) == ("failed", "failed", 1)
    assert dead_lettered_count(session) == 0


@pytest.mark.parametrize(("outcome", "kind"), [
    ("RESOLVED_SELLER_FAVOUR", DISPUTE_WON),
    ("CANCELED_BY_BUYER", DISPUTE_WON),
    ("DENIED", DISPUTE_WON),
    ("RESOLVED_WITH_PAYOUT", DISPUTE_WON),
    ("RESOLVED_BUYER_FAVOUR", DISPUTE_LOST),
    ("ACCEPTED", DISPUTE_LOST),
    ("NONE", DISPUTE_OPENED),  # no decision: stays open for finance
    ("SOMETHING_NEW", DISPUTE_OPENED),
])
def test_paypal_dispute_outcomes(outcome, kind):
    event = {"id": "WH-1", "event_type": "CUSTOMER.DISPUTE.RESOLVED", "resource": {
        "dispute_id": "PP-D-9", "dispute_amount": {"currency_code": "USD", "value": "10.00"},
        "disputed_transactions": [{"seller_transaction_id": "CAP1"}], "dispute_outcome": {"outcome_code": outcome}}}
    assert paypal_notice(event).kind == kind
