"""An in-process Gateway for fast unit tests: scripted outcomes, no network.

Webhook bodies are the JSON of a WebhookNotice's fields (without `gateway`); the header
`x-sig: ok` is the valid signature. `refunded` records the refunds made per key, so a test can
see whether a resend paid twice; `refund_outcome` "lost" makes a refund happen but its answer
time out (the case a resend must not pay twice); `on_refund` runs after a refund is made, as a
gateway's own webhook would.
"""

from __future__ import annotations

import hashlib
import itertools
import json

from tourstack.payments.gateway import (
    GatewayDeclined,
    GatewayPayment,
    GatewayRefund,
    GatewayUnavailable,
    InvalidSignature,
    PaymentRequest,
    WebhookDelivery,
    WebhookNotice,
)

_ids = itertools.count(1)


class MemoryGateway:
    def __init__(self, name: str, *, outcome: str = "succeeded") -> None:
        self.name = name
        self.outcome = outcome  # succeeded, pending, declined, down
        self.refund_outcome = "succeeded"  # succeeded, pending, down, lost, declined
        self.created: dict[str, GatewayPayment] = {}
        self.refunded: dict[str, GatewayRefund] = {}
        self.on_refund = None
        self.calls = 0

    def create_payment(self, request: PaymentRequest) -> GatewayPayment:
        self.calls += 1
        if self.outcome == "down":
            raise GatewayUnavailable(self.name, "HTTP 503")
        if self.outcome == "declined":
            raise GatewayDeclined(self.name, "card declined", code="card_declined",
                                  reference=f"{self.name}_declined_{next(_ids)}")
        if request.idempotency_key in self.created:
            return self.created[request.idempotency_key]
        p = GatewayPayment(self.name, f"{self.name}_{next(_ids)}", self.outcome, request.amount_minor,
                           request.currency, "card", fee_minor=10 if self.outcome == "succeeded" else 0)
        self.created[request.idempotency_key] = p
        return p

    def capture(self, payment_reference, amount_minor, currency, details):
        return GatewayPayment(self.name, payment_reference, "succeeded", amount_minor, currency, "card")

    def fetch(self, payment_reference):
        return next(p for p in self.created.values() if p.reference == payment_reference)

    def refund(self, payment, amount_minor, idempotency_key, reason):
        if self.refund_outcome == "down" or self.outcome == "down":
            raise GatewayUnavailable(self.name, "HTTP 503")
        if self.refund_outcome == "declined":
            raise GatewayDeclined(self.name, "refund refused", code="refund_refused")
        status = "pending" if self.refund_outcome == "pending" else "succeeded"
        made = GatewayRefund(self.name, f"re_{len(self.refunded) + 1}_{idempotency_key}", status,
                             amount_minor, payment.currency)
        self.refunded.setdefault(idempotency_key, made)
        if self.on_refund is not None:
            self.on_refund(made, idempotency_key)
        if self.refund_outcome == "lost":
            raise GatewayUnavailable(self.name, "timed out")
        return self.refunded[idempotency_key]

    def find_refund(self, payment, idempotency_key):
        if self.refund_outcome == "down" or self.outcome == "down":
            raise GatewayUnavailable(self.name, "HTTP 503")
        return self.refunded.get(idempotency_key)

    def verify_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookDelivery:
        if headers.get("x-sig") != "ok":
            raise InvalidSignature(self.name, "bad")
        try:
            event = json.loads(body)
            return WebhookDelivery(event["event_id"], event.get("gateway_type", "test"))
        except (ValueError, KeyError):
            return WebhookDelivery("unreadable-" + hashlib.sha256(body).hexdigest()[:40], "unreadable")

    def normalise_webhook(self, event_id: str, payload: str) -> WebhookNotice:
        return WebhookNotice(gateway=self.name, **json.loads(payload))
