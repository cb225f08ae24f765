"""An in-process Gateway for fast unit tests: scripted outcomes, no network."""

from __future__ import annotations

import itertools
import json

from tourstack.payments.gateway import (
    GatewayDeclined,
    GatewayPayment,
    GatewayRefund,
    GatewayUnavailable,
    InvalidSignature,
    PaymentRequest,
    WebhookNotice,
)

_ids = itertools.count(1)


class MemoryGateway:
    def __init__(self, name: str, *, outcome: str = "succeeded") -> None:
        self.name = name
        self.outcome = outcome  # succeeded, pending, declined, down
        self.created: dict[str, GatewayPayment] = {}
        self.calls = 0

    def create_payment(self, request: PaymentRequest) -> GatewayPayment:
        self.calls += 1
        if self.outcome == "down":
            raise GatewayUnavailable(self.name, "HTTP 503")
        if self.outcome == "declined":
            raise GatewayDeclined(self.name, "card declined", code="card_declined")
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
        if self.outcome == "down":
            raise GatewayUnavailable(self.name, "HTTP 503")
        return GatewayRefund(self.name, f"re_{idempotency_key}", "succeeded", amount_minor, payment.currency)

    def parse_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookNotice:
        if headers.get("x-sig") != "ok":
            raise InvalidSignature(self.name, "bad")
        return WebhookNotice(gateway=self.name, **json.loads(body))
