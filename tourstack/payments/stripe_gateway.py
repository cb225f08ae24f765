"""Stripe through the official `stripe` SDK: PaymentIntents, refunds, balance transactions,
and disputes, which reach us only as webhook events (charge.dispute.*).

Why a `StripeClient` per adapter instead of the module-level `stripe.api_key`/`stripe.api_base`:
the API base (a fake in tests, api.stripe.com in production) and the key stay on the instance,
so two configurations never leak into each other. SDK retries are off: the router decides
whether to retry or fall back, and Stripe's own idempotency key makes that safe.

Once a PaymentIntent has succeeded nothing may turn the call into a failure: the fee (read from
the charge's balance transaction) is looked up best-effort, and when that lookup times out the
fee is reported unknown and filled in by the maintenance run - otherwise the router would fall
back to another gateway after Stripe had already taken the money.

A saved card is charged with its customer and `off_session=True`, as Stripe requires for a
merchant-initiated charge (retries, or a server-side confirmation nobody can authenticate).
A declined confirmation still created a PaymentIntent: its id travels on the decline, so the
later `payment_intent.payment_failed` event finds our row.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

import stripe

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
    GatewayError,
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

log = logging.getLogger("tourstack.payments.stripe")
NAME = "stripe"
REFUND_METADATA_KEY = "tourstack_refund"
_PI_STATUS = {"succeeded": "succeeded", "canceled": "failed"}
_REFUND_STATUS = {"succeeded": "succeeded", "failed": "failed", "canceled": "failed"}


def _get(obj: Any, key: str, default: Any = None) -> Any:
    try:
        value = obj[key]
    except (KeyError, TypeError, IndexError):
        return default
    return default if value is None else value


SAVED_CARD_RETRIES = 2  # re-sends of a card charge whose answer timed out


class StripeGateway:
    name = NAME

    def __init__(self, *, api_key: str, webhook_secret: str, api_base: str | None = None,
                 timeout: float = 10.0) -> None:
        base = {"api": api_base} if api_base else None
        self._client = stripe.StripeClient(
            api_key, base_addresses=base, max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=timeout),
        )
        self._webhook_secret = webhook_secret

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except stripe.APIConnectionError as exc:
            raise GatewayUnavailable(NAME, "connection failed or timed out") from exc
        except stripe.CardError as exc:
            intent = _get(exc.error, "payment_intent")
            raise GatewayDeclined(NAME, exc.user_message or "card declined", code=exc.code,
                                  reference=_get(intent, "id")) from exc
        except stripe.StripeError as exc:
            status = exc.http_status or 0
            if status >= 500 or status == 0:
                raise GatewayUnavailable(NAME, f"HTTP {status}") from exc
            raise GatewayDeclined(NAME, f"HTTP {status}: {exc.user_message or 'rejected'}",
                                  code=exc.code) from exc

    def _fee(self, intent: Any) -> int | None:
        """The charge's fee, or None when it cannot be read right now (never an error: the
        payment itself has succeeded by the time we ask)."""
        try:
            charge = _get(intent, "latest_charge")
            if isinstance(charge, str):
                charge = self._call(self._client.v1.charges.retrieve, charge)
            txn = _get(charge, "balance_transaction")
            if txn is None:
                return None  # not settled on the balance yet
            if isinstance(txn, str):
                txn = self._call(self._client.v1.balance_transactions.retrieve, txn)
            return int(_get(txn, "fee", 0))
        except GatewayError as exc:
            log.warning("stripe fee of %s unknown for now (%s); the maintenance run fills it in",
                        _get(intent, "id"), exc)
            return None

    def _to_payment(self, intent: Any) -> GatewayPayment:
        status = _PI_STATUS.get(intent["status"], "pending")
        fee = self._fee(intent) if status == "succeeded" else 0
        next_action = {} if status != "pending" else {
            "type": "stripe_client_secret", "client_secret": intent["client_secret"],
        }
        error = _get(intent, "last_payment_error")
        return GatewayPayment(
            gateway=NAME, reference=intent["id"], status=status,
            amount_minor=int(intent["amount"]), currency=str(intent["currency"]).upper(),
            method="card", fee_minor=fee, next_action=next_action,
            failure_code=_get(error, "code") if error else None,
        )

    def create_payment(self, request: PaymentRequest) -> GatewayPayment:
        params: dict[str, Any] = {
            "amount": request.amount_minor, "currency": request.currency.lower(),
            "metadata": {"reference": request.reference, "description": request.description[:200]},
        }
        options: dict[str, Any] = {"idempotency_key": request.idempotency_key}
        if request.payment_method:
            params |= {"payment_method": request.payment_method, "confirm": True, "off_session": True}
            customer = self._customer_of(request.payment_method)
            if customer:
                params["customer"] = customer
            # Confirming charges the card at once, so a timeout is ambiguous: the charge may have
            # gone through with its answer lost. The SDK re-sends with the same idempotency key,
            # and Stripe answers a repeat with the first result, before we give up and let the
            # router try another gateway (which would charge the customer a second time).
            options["max_network_retries"] = SAVED_CARD_RETRIES
        intent = self._call(self._client.v1.payment_intents.create, params=params, options=options)
        return self._to_payment(intent)

    def _customer_of(self, payment_method: str) -> str | None:
        """The customer a saved method is attached to (Stripe refuses it without)."""
        method = self._call(self._client.v1.payment_methods.retrieve, payment_method)
        customer = _get(method, "customer")
        return customer if isinstance(customer, str) else _get(customer, "id")

    def capture(self, payment_reference: str, amount_minor: int, currency: str,
                details: dict[str, str]) -> GatewayPayment:
        """Cards confirmed by Stripe.js need no capture here: read the intent's state."""
        return self.fetch(payment_reference)

    def fetch(self, payment_reference: str) -> GatewayPayment:
        return self._to_payment(self._call(self._client.v1.payment_intents.retrieve, payment_reference))

    def refund(self, payment: GatewayPayment, amount_minor: int, idempotency_key: str,
               reason: str) -> GatewayRefund:
        refund = self._call(
            self._client.v1.refunds.create,
            params={"payment_intent": payment.reference, "amount": amount_minor,
                    "metadata": {REFUND_METADATA_KEY: idempotency_key, "reason": reason[:450]}},
            options={"idempotency_key": idempotency_key},
        )
        return _refund(refund)

    def find_refund(self, payment: GatewayPayment, idempotency_key: str) -> GatewayRefund | None:
        """Stripe keeps idempotency keys for 24 hours only: a later resend looks first."""
        page = self._call(self._client.v1.refunds.list,
                          params={"payment_intent": payment.reference, "limit": 100})
        for refund in _get(page, "data", []):
            if _get(_get(refund, "metadata", {}), REFUND_METADATA_KEY) == idempotency_key:
                return _refund(refund)
        return None

    def verify_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookDelivery:
        signature = headers_lower(headers).get("stripe-signature", "")
        tolerance = stripe.Webhook.DEFAULT_TOLERANCE
        try:
            stripe.WebhookSignature.verify_header(body.decode("utf-8"), signature, self._webhook_secret,
                                                  tolerance=tolerance)
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise InvalidSignature(NAME, "Stripe-Signature does not verify") from exc
        # The SDK refuses only timestamps older than the tolerance; a signature dated in the
        # future would stay replayable until that date, so the window applies both ways.
        if signed_at(signature) > time.time() + tolerance:
            raise InvalidSignature(NAME, "Stripe-Signature is dated beyond the tolerance in the future")
        return delivery_from_body(body, id_field="id", type_field="type")

    def normalise_webhook(self, event_id: str, payload: str) -> WebhookNotice:
        return notice_from_event(json.loads(payload))


def signed_at(signature_header: str) -> int:
    """The `t=` of a Stripe-Signature header that verified (so it is there and an integer)."""
    for item in signature_header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            return int(value)
    raise InvalidSignature(NAME, "Stripe-Signature has no timestamp")


def _refund(refund: Any) -> GatewayRefund:
    return GatewayRefund(NAME, refund["id"], _REFUND_STATUS.get(refund["status"], "pending"),
                         int(refund["amount"]), str(refund["currency"]).upper())


def notice_from_event(event: Any) -> WebhookNotice:
    kind_of = {
        "payment_intent.succeeded": PAYMENT_SUCCEEDED,
        "payment_intent.payment_failed": PAYMENT_FAILED,
        "charge.dispute.created": DISPUTE_OPENED,
    }
    etype = event["type"]
    obj = event["data"]["object"]
    base: dict[str, Any] = {"gateway": NAME, "event_id": event["id"], "gateway_type": etype}
    if etype in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        error = _get(obj, "last_payment_error")
        return WebhookNotice(**base, kind=kind_of[etype], payment_reference=obj["id"],
                             amount_minor=int(obj["amount"]), currency=str(obj["currency"]).upper(),
                             failure_code=_get(error, "code") if error else None)
    if etype in ("refund.created", "refund.updated", "charge.refund.updated"):
        status = _REFUND_STATUS.get(obj["status"])
        if status is None:
            return WebhookNotice(**base, kind=IGNORED)
        return WebhookNotice(**base, kind=REFUND_SUCCEEDED if status == "succeeded" else REFUND_FAILED,
                             payment_reference=_get(obj, "payment_intent"), refund_reference=obj["id"],
                             amount_minor=int(obj["amount"]), currency=str(obj["currency"]).upper(),
                             reason=_get(obj, "reason"),
                             merchant_refund_key=_get(_get(obj, "metadata", {}), REFUND_METADATA_KEY))
    if etype.startswith("charge.dispute."):
        due = _get(_get(obj, "evidence_details", {}), "due_by")
        kind = {"won": DISPUTE_WON, "lost": DISPUTE_LOST}.get(obj["status"]) if etype == "charge.dispute.closed" \
            else kind_of.get(etype)
        if kind is None:
            return WebhookNotice(**base, kind=IGNORED)
        return WebhookNotice(**base, kind=kind, payment_reference=_get(obj, "payment_intent"),
                             dispute_reference=obj["id"], amount_minor=int(obj["amount"]),
                             currency=str(obj["currency"]).upper(), reason=_get(obj, "reason", "general"),
                             evidence_due_on=dt.datetime.fromtimestamp(int(due), dt.UTC).date() if due else None)
    return WebhookNotice(**base, kind=IGNORED)
