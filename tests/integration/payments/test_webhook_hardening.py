"""Webhooks as an attacker finds them: a Stripe signature dated in the future is refused, a signed
Razorpay body replayed with a new or absent X-Razorpay-Event-Id is the same event, and unsigned
or forged deliveries are never stored - past the per-source limit they are answered 429 without
being verified - while finance can read who sent them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from tests.integration.payments.conftest import STRIPE_WEBHOOK_SECRET, razorpay_signed
from tourstack.db.models import WebhookEvent
from tourstack.payments.webhook_guard import WebhookGuard

pytestmark = pytest.mark.integration


def _stripe_signed_at(event: dict, ts: int) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event).encode()
    sig = hmac.new(STRIPE_WEBHOOK_SECRET.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return body, {"Stripe-Signature": f"t={ts},v1={sig}", "Content-Type": "application/json"}


def _events(session_factory) -> int:
    with session_factory() as s:
        return s.query(WebhookEvent).count()


def test_a_stripe_signature_dated_an_hour_ahead_is_refused_and_not_stored(client, runtime, session_factory):
    event = {"id": "evt_future_1", "type": "charge.refunded", "data": {"object": {}}}
    body, headers = _stripe_signed_at(event, int(time.time()) + 3600)
    future = client.post("/api/v1/webhooks/stripe", content=body, headers=headers)
    assert future.status_code == 400 and future.json()["type"].endswith("/invalid-signature"), future.text
    assert _events(session_factory) == 0

    body, headers = _stripe_signed_at(event, int(time.time()))
    now = client.post("/api/v1/webhooks/stripe", content=body, headers=headers)
    assert now.status_code == 200, now.text
    assert _events(session_factory) == 1


def test_a_signed_razorpay_body_replayed_under_other_event_ids_is_one_event(client, runtime, session_factory):
    event = {"entity": "event", "event": "refund.processed", "created_at": 1767225600, "payload": {"refund": {
        "entity": {"id": "rfnd_replay_1", "payment_id": "pay_unknown_1", "amount": 1_000_00, "currency": "INR"}}}}
    body, headers = razorpay_signed(event, "rzp_evt_original")
    first = client.post("/api/v1/webhooks/razorpay", content=body, headers=headers)
    assert first.status_code == 200 and first.json()["outcome"] == "parked", first.text

    renamed = client.post("/api/v1/webhooks/razorpay", content=body, headers=headers | {"X-Razorpay-Event-Id": "new"})
    bare = {k: v for k, v in headers.items() if k != "X-Razorpay-Event-Id"}
    absent = client.post("/api/v1/webhooks/razorpay", content=body, headers=bare)
    for replay in (renamed, absent):  # the stored, parked event tried again - not a second event
        assert replay.status_code == 200, replay.text
        assert replay.json() == {"event_id": first.json()["event_id"], "outcome": "parked"}
    with session_factory() as s:
        [row] = s.query(WebhookEvent).all()
        assert row.attempts == 3 and row.event_id.startswith("body-")

    other = dict(event, created_at=1767225601)  # a different signed body is a different event
    body2, headers2 = razorpay_signed(other, "rzp_evt_original")
    assert client.post("/api/v1/webhooks/razorpay", content=body2, headers=headers2).json()["outcome"] == "parked"
    assert _events(session_factory) == 2


def test_unsigned_and_forged_bodies_store_nothing_and_are_limited_per_source(app, client, runtime, world,
                                                                            session_factory):
    app.state.webhook_guard = WebhookGuard(per_minute=5)
    big = json.dumps({"event": "payment.captured", "padding": "x" * 100_000}).encode()
    answers = []
    for i in range(8):
        headers = {"Content-Type": "application/json"}
        if i % 2:
            headers["X-Razorpay-Signature"] = "0" * 64  # forged
        answers.append(client.post("/api/v1/webhooks/razorpay", content=big, headers=headers))

    assert [a.status_code for a in answers] == [400] * 5 + [429] * 3, [a.text for a in answers]
    assert answers[-1].json()["type"].endswith("/rate-limited") and int(answers[-1].headers["Retry-After"]) >= 1
    assert _events(session_factory) == 0

    # another gateway's limit is its own
    assert client.post("/api/v1/webhooks/stripe", content=b"{}", headers={"Stripe-Signature": "t=1,v1=00"}
                       ).status_code == 400

    tallies = client.get("/api/v1/webhook-events/rejections",
                         headers={"Authorization": f"Bearer {world.keys['finance']}"})
    assert tallies.status_code == 200, tallies.text
    by_gateway = {t["gateway"]: t for t in tallies.json()}
    assert (by_gateway["razorpay"]["rejected"], by_gateway["razorpay"]["limited"]) == (5, 3)
    assert by_gateway["razorpay"]["last_reason"] == "unsigned"  # the 5th (i=4) carried no signature
    assert (by_gateway["stripe"]["rejected"], by_gateway["stripe"]["last_reason"]) == (1, "bad_signature")
    assert client.get("/api/v1/webhook-events/rejections",
                      headers={"Authorization": f"Bearer {world.keys['agent_a']}"}).status_code == 403
