"""Razorpay through the official `razorpay` SDK: orders, payment capture, refunds, webhooks.

The flow: we create an order, the payer completes Razorpay Checkout with it, the browser hands
us (razorpay_payment_id, razorpay_signature); `capture` checks that signature (HMAC of
"order_id|payment_id" with the key secret) and captures the authorised payment. Razorpay has no
idempotency header on orders: the order `receipt` carries our key (for tracing) and the unique
`payments.idempotency_key` column is what stops a replay from creating a second order.

Refunds have no idempotency header either, so a refund whose answer was lost (timeout) could be
paid twice by a plain resend. Every refund therefore carries our key in its `receipt` and
`notes`, and before a resend `find_refund` lists the payment's refunds at Razorpay and adopts the
one carrying our key; refund events bring the key back too, so they match our row at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

import razorpay
import requests
from razorpay.errors import BadRequestError, SignatureVerificationError

from tourstack.payments.gateway import (
    DISPUTE_LOST,
    DISPUTE_OPENED,
    DISPUTE_WON,
    IGNORED,
    PAYMENT_FAILED,
    PAYMENT_SUCCEEDED,
    REFUND_FAILED,
    REFUND_SUCCEEDED,
    GatewayDeclined,
    GatewayPayment,
    GatewayRefund,
    GatewayUnavailable,
    InvalidSignature,
    PaymentRequest,
    WebhookDelivery,
    WebhookNotice,
    delivery_from_body,
    headers_lower,
)

NAME = "razorpay"
REFUND_NOTE_KEY = "tourstack_refund"
_REFUND_STATUS = {"processed": "succeeded", "failed": "failed"}


class RazorpayGateway:
    name = NAME

    def __init__(self, *, key_id: str, key_secret: str, webhook_secret: str,
                 base_url: str | None = None, timeout: float = 10.0) -> None:
        options = {"base_url": base_url} if base_url else {}
        self._client = razorpay.Client(auth=(key_id, key_secret), **options)
        self._key_id = key_id
        self._webhook_secret = webhook_secret
        self._timeout = timeout

    def _call(self, fn, *args) -> dict[str, Any]:
        try:
            return fn(*args, timeout=self._timeout)
        except BadRequestError as exc:
            raise GatewayDeclined(NAME, str(exc) or "bad request", code="BAD_REQUEST_ERROR") from exc
        except (razorpay.errors.ServerError, razorpay.errors.GatewayError) as exc:
            raise GatewayUnavailable(NAME, "server error") from exc
        except (requests.RequestException, ValueError) as exc:  # timeouts, refused, non-JSON 5xx
            raise GatewayUnavailable(NAME, type(exc).__name__) from exc

    def create_payment(self, request: PaymentRequest) -> GatewayPayment:
        order = self._call(self._client.order.create, {
            "amount": request.amount_minor, "currency": request.currency,
            "receipt": request.idempotency_key[:40], "notes": {"reference": request.reference},
        })
        return GatewayPayment(
            gateway=NAME, reference=order["id"], status="pending",
            amount_minor=int(order["amount"]), currency=order["currency"], method="upi",
            next_action=self._checkout(order),
        )

    def capture(self, payment_reference: str, amount_minor: int, currency: str,
                details: dict[str, str]) -> GatewayPayment:
        payment_id = details.get("razorpay_payment_id", "")
        try:
            self._client.utility.verify_payment_signature({
                "razorpay_order_id": payment_reference, "razorpay_payment_id": payment_id,
                "razorpay_signature": details.get("razorpay_signature", ""),
            })
        except SignatureVerificationError as exc:
            raise GatewayDeclined(NAME, "checkout signature does not verify", code="bad_signature") from exc
        entity = self._call(self._client.payment.fetch, payment_id)
        if entity["status"] == "authorized":
            entity = self._call(self._client.payment.capture, payment_id, amount_minor, {"currency": currency})
        return self._to_payment(payment_reference, entity)

    def _to_payment(self, order_id: str, entity: dict[str, Any]) -> GatewayPayment:
        status = {"captured": "succeeded", "failed": "failed"}.get(entity["status"], "pending")
        return GatewayPayment(
            gateway=NAME, reference=order_id, status=status, amount_minor=int(entity["amount"]),
            currency=entity["currency"], method=entity.get("method") or "upi",
            capture_reference=entity["id"], fee_minor=int(entity.get("fee") or 0),
            failure_code=entity.get("error_code"),
        )

    def fetch(self, payment_reference: str) -> GatewayPayment:
        order = self._call(self._client.order.fetch, payment_reference)
        payments = self._call(self._client.order.payments, payment_reference).get("items", [])
        captured = [p for p in payments if p["status"] == "captured"]
        if captured:
            return self._to_payment(payment_reference, captured[0])
        return GatewayPayment(NAME, order["id"], "pending", int(order["amount"]), order["currency"], "upi",
                              next_action=self._checkout(order))

    def _checkout(self, order: dict[str, Any]) -> dict[str, Any]:
        return {"type": "razorpay_checkout", "key_id": self._key_id, "order_id": order["id"],
                "amount": int(order["amount"]), "currency": order["currency"]}

    def refund(self, payment: GatewayPayment, amount_minor: int, idempotency_key: str,
               reason: str) -> GatewayRefund:
        if not payment.capture_reference:
            raise GatewayDeclined(NAME, "nothing captured to refund", code="not_captured")
        refund = self._call(self._client.payment.refund, payment.capture_reference, {
            "amount": amount_minor, "receipt": idempotency_key[:40],
            "notes": {REFUND_NOTE_KEY: idempotency_key, "reason": reason[:250]},
        })
        return _refund(refund)

    def find_refund(self, payment: GatewayPayment, idempotency_key: str) -> GatewayRefund | None:
        """The payment's refund carrying our key, if an earlier (timed-out) call made one."""
        if not payment.capture_reference:
            return None
        skip = 0
        while True:
            page = self._call(self._client.payment.fetch_multiple_refund, payment.capture_reference,
                              {"count": 100, "skip": skip})
            items = page.get("items", [])
            for refund in items:
                if merchant_refund_key(refund) == idempotency_key:
                    return _refund(refund)
            if len(items) < 100:
                return None
            skip += len(items)

    def verify_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookDelivery:
        h = headers_lower(headers)
        expected = hmac.new(self._webhook_secret.encode(), body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, h.get("x-razorpay-signature", "")):
            raise InvalidSignature(NAME, "X-Razorpay-Signature does not verify")
        # X-Razorpay-Event-Id is outside what the signature covers: anyone replaying a signed body
        # could change or drop it. The event is known by the body's own id, else by its hash.
        return delivery_from_body(body, id_field="id", type_field="event")

    def normalise_webhook(self, event_id: str, payload: str) -> WebhookNotice:
        return notice_from_event(event_id, json.loads(payload))


def _refund(refund: dict[str, Any]) -> GatewayRefund:
    return GatewayRefund(NAME, refund["id"], _REFUND_STATUS.get(refund["status"], "pending"),
                         int(refund["amount"]), refund["currency"])


def merchant_refund_key(refund: dict[str, Any]) -> str | None:
    """Our `refund-<id>`: in the notes, or (refunds made before notes carried it) the receipt."""
    notes = refund.get("notes")
    key = notes.get(REFUND_NOTE_KEY) if isinstance(notes, dict) else None
    return key or refund.get("receipt") or None


def notice_from_event(event_id: str, event: dict[str, Any]) -> WebhookNotice:
    etype = event.get("event", "")
    payload = event.get("payload", {})
    base: dict[str, Any] = {"gateway": NAME, "event_id": event_id, "gateway_type": etype}
    if etype in ("payment.captured", "payment.failed"):
        p = payload["payment"]["entity"]
        return WebhookNotice(**base, kind=PAYMENT_SUCCEEDED if etype == "payment.captured" else PAYMENT_FAILED,
                             payment_reference=p.get("order_id"), capture_reference=p["id"],
                             amount_minor=int(p["amount"]), currency=p["currency"],
                             failure_code=p.get("error_code"))
    if etype in ("refund.processed", "refund.failed"):
        r = payload["refund"]["entity"]
        return WebhookNotice(**base, kind=REFUND_SUCCEEDED if etype == "refund.processed" else REFUND_FAILED,
                             capture_reference=r["payment_id"], refund_reference=r["id"],
                             amount_minor=int(r["amount"]), currency=r["currency"],
                             merchant_refund_key=merchant_refund_key(r))
    kinds = {"payment.dispute.created": DISPUTE_OPENED, "payment.dispute.won": DISPUTE_WON,
             "payment.dispute.lost": DISPUTE_LOST}
    if etype in kinds:
        d = payload["dispute"]["entity"]
        due = d.get("respond_by")
        return WebhookNotice(**base, kind=kinds[etype], capture_reference=d["payment_id"],
                             dispute_reference=d["id"], amount_minor=int(d["amount"]),
                             currency=d["currency"], reason=d.get("reason_code") or "general",
                             evidence_due_on=dt.datetime.fromtimestamp(int(due), dt.UTC).date() if due else None)
    return WebhookNotice(**base, kind=IGNORED)
