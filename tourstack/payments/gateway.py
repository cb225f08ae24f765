"""The one interface every payment gateway adapter implements, and the types it speaks.

Why a Protocol and plain dataclasses: the services (routing, plans, refunds, webhooks) never
import an SDK; they see `Gateway` only, so tests can hand in fakes and the adapters stay thin
translations between the SDK's objects and these types. Amounts are integer minor units beside
their ISO 4217 currency, as everywhere else.

Errors say what the caller should do next: `GatewayUnavailable` (timeout, connection refused,
HTTP 5xx) means "try another gateway and count it against the breaker"; `GatewayDeclined`
means the gateway answered and said no (card declined, bad request) - another gateway would
not help and the breaker must not open. `InvalidSignature` rejects a webhook delivery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

# Normalised webhook event kinds; adapters map their own event names onto these.
PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_FAILED = "payment.failed"
REFUND_SUCCEEDED = "refund.succeeded"
REFUND_FAILED = "refund.failed"
DISPUTE_OPENED = "dispute.opened"
DISPUTE_WON = "dispute.won"
DISPUTE_LOST = "dispute.lost"
IGNORED = "ignored"


class GatewayError(Exception):
    """Base of the adapter errors; the message never carries credentials."""

    def __init__(self, gateway: str, message: str, *, code: str | None = None) -> None:
        super().__init__(f"{gateway}: {message}")
        self.gateway = gateway
        self.code = code


class GatewayUnavailable(GatewayError):
    """Timeout, connection error or 5xx: the gateway is down; fall back to another."""


class GatewayDeclined(GatewayError):
    """The gateway answered and refused (decline, validation error).

    `reference` is the gateway's id of the refused attempt when it made one (a Stripe
    PaymentIntent whose confirmation was declined), so later events about it find our row.
    """

    def __init__(self, gateway: str, message: str, *, code: str | None = None,
                 reference: str | None = None) -> None:
        super().__init__(gateway, message, code=code)
        self.reference = reference


class InvalidSignature(GatewayError):
    """A webhook delivery whose signature does not verify."""


@dataclass(frozen=True)
class PaymentRequest:
    """What we ask a gateway to collect. `reference` is ours (e.g. the booking ref)."""

    amount_minor: int
    currency: str
    idempotency_key: str
    reference: str
    description: str = ""
    payment_method: str | None = None  # a saved method (Stripe pm_...) to charge at once
    customer_email: str | None = None
    return_url: str | None = None


@dataclass(frozen=True)
class GatewayPayment:
    """The gateway's view of a payment.

    `reference` identifies it at order level (Stripe PaymentIntent, Razorpay order, PayPal
    order, bank-transfer virtual account); `capture_reference` the money movement when that is
    a different object (Razorpay payment, PayPal capture). `next_action` tells the payer what
    to do: a Stripe client secret, a PayPal approval URL, Razorpay checkout options or the
    bank details of a virtual account.
    """

    gateway: str
    reference: str
    status: str  # pending, succeeded, failed
    amount_minor: int
    currency: str
    method: str
    capture_reference: str | None = None
    fee_minor: int | None = 0  # None: not known yet (filled in later by the maintenance run)
    failure_code: str | None = None
    next_action: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayRefund:
    gateway: str
    reference: str
    status: str  # pending, succeeded, failed
    amount_minor: int
    currency: str


@dataclass(frozen=True)
class WebhookNotice:
    """A verified delivery, normalised.

    `payment_reference` matches Payment.gateway_reference or Payment.capture_reference.
    Dispute notices carry the dispute id, reason and evidence due date.
    """

    gateway: str
    event_id: str
    gateway_type: str
    kind: str
    payment_reference: str | None = None
    capture_reference: str | None = None
    refund_reference: str | None = None
    dispute_reference: str | None = None
    amount_minor: int | None = None
    currency: str | None = None
    reason: str | None = None
    evidence_due_on: dt.date | None = None
    failure_code: str | None = None
    merchant_refund_key: str | None = None  # our `refund-<id>` as the gateway echoes it back


@dataclass(frozen=True)
class WebhookDelivery:
    """A delivery whose signature verified: the gateway's event id and type, nothing parsed yet.
    The id is always one the signature covers, so a replayed body cannot pose as a new event."""

    event_id: str
    gateway_type: str


REFUND_KEY_PREFIX = "refund-"


def refund_key(refund_id: int) -> str:
    """Our key for a refund: the gateway idempotency key and the reference echoed in events."""
    return f"{REFUND_KEY_PREFIX}{refund_id}"


def refund_id_from_key(key: str | None) -> int | None:
    if not key or not key.startswith(REFUND_KEY_PREFIX) or not key[len(REFUND_KEY_PREFIX):].isdigit():
        return None
    return int(key[len(REFUND_KEY_PREFIX):])


@runtime_checkable
class Gateway(Protocol):
    name: str

    def create_payment(self, request: PaymentRequest) -> GatewayPayment:
        """Start (and where possible complete) a payment; same key, same payment."""
        ...

    def capture(self, payment_reference: str, amount_minor: int, currency: str,
                details: dict[str, str]) -> GatewayPayment:
        """Complete a payment the payer authorised (Razorpay capture, PayPal order capture)."""
        ...

    def fetch(self, payment_reference: str) -> GatewayPayment:
        ...

    def refund(self, payment: GatewayPayment, amount_minor: int, idempotency_key: str,
               reason: str) -> GatewayRefund:
        """Refund; `idempotency_key` (our `refund-<id>`) also travels as the refund's reference."""
        ...

    def find_refund(self, payment: GatewayPayment, idempotency_key: str) -> GatewayRefund | None:
        """The refund already made at the gateway under our key, if any (checked before a resend)."""
        ...

    def verify_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookDelivery:
        """Check the signature (raise InvalidSignature; GatewayUnavailable when the gateway's
        verification API is down) and name the event. Never fails on the event's content."""
        ...

    def normalise_webhook(self, event_id: str, payload: str) -> WebhookNotice:
        """Turn a stored, verified body into a notice; may raise on content we cannot read."""
        ...


def headers_lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def delivery_from_body(body: bytes, *, id_field: str, type_field: str,
                       event_id: str | None = None) -> WebhookDelivery:
    """The event id and type of a verified body, read leniently: this never raises, so a body
    we cannot read is still stored (under a hash of itself) and its failure is visible."""
    try:
        event = json.loads(body)
    except (ValueError, RecursionError):  # the API refuses deep JSON first; direct callers may not
        event = None
    if not isinstance(event, dict):
        event = {}
    eid = event_id or event.get(id_field)
    if not isinstance(eid, str) or not eid:
        eid = "body-" + hashlib.sha256(body).hexdigest()[:40]
    etype = event.get(type_field)
    if not isinstance(etype, str) or not etype:
        etype = "unreadable"
    return WebhookDelivery(eid[:100], etype[:64])
