"""PayPal through the official `paypal-server-sdk`: orders create/capture, capture refunds.

The SDK only knows two hosts (live, sandbox), so `_Configuration` overrides `get_base_uri` to
point it at the configured base URL (a fake on 127.0.0.1 in tests). Every create, capture and
refund sends `PayPal-Request-Id`, PayPal's idempotency header, derived from our key.

Webhooks: the SDK has no webhook API, so a delivery is verified by PayPal's own
`POST /v1/notifications/verify-webhook-signature` (sent with httpx and an OAuth token from the
same client credentials). We chose this over checking the transmission signature locally
because the local check needs PayPal's signing certificate fetched from `paypal-cert-url`,
i.e. another outbound call plus certificate-chain validation we would have to get right
ourselves; the API answers SUCCESS or FAILURE for exactly the webhook id we registered.
When that API is unreachable the delivery is refused with 503 (nothing is stored as verified)
and PayPal delivers it again later.

Refunds send our key as `custom_id`, so PAYMENT.CAPTURE.REFUNDED events match our refund row
even when the refund call's answer was lost; a resend reuses the same `PayPal-Request-Id`.
Dispute outcomes map through an explicit table (`DISPUTE_OUTCOMES`); an outcome we do not know
leaves the dispute open for finance instead of being guessed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import httpx
import requests
from paypalserversdk.configuration import Configuration, Environment, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.models.amount_with_breakdown import AmountWithBreakdown
from paypalserversdk.models.checkout_payment_intent import CheckoutPaymentIntent
from paypalserversdk.models.money import Money
from paypalserversdk.models.order_request import OrderRequest
from paypalserversdk.models.purchase_unit_request import PurchaseUnitRequest
from paypalserversdk.models.refund_request import RefundRequest
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from tourstack.money import from_minor, to_minor
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

log = logging.getLogger("tourstack.payments.paypal")
NAME = "paypal"
LIVE_BASE_URL = "https://api-m.paypal.com"

# CUSTOMER.DISPUTE.RESOLVED `dispute_outcome.outcome_code` -> our dispute outcome. Won means the
# money stays with us: the seller won, the buyer withdrew, PayPal denied the claim, or PayPal
# paid the buyer out of its own pocket (seller protection). Lost: the buyer won, or we accepted
# the claim. NONE (or anything new) carries no decision we can trust: the dispute stays open, where
# finance sees it and records the outcome by hand.
DISPUTE_OUTCOMES: dict[str, str] = {
    "RESOLVED_SELLER_FAVOUR": DISPUTE_WON,
    "CANCELED_BY_BUYER": DISPUTE_WON,
    "DENIED": DISPUTE_WON,
    "RESOLVED_WITH_PAYOUT": DISPUTE_WON,
    "RESOLVED_BUYER_FAVOUR": DISPUTE_LOST,
    "ACCEPTED": DISPUTE_LOST,
}
_REFUND_STATUS = {"COMPLETED": "succeeded", "FAILED": "failed", "CANCELLED": "failed"}


class _Configuration(Configuration):
    """The SDK configuration with an arbitrary base URL."""

    def __init__(self, *, base_url: str, **kwargs: Any) -> None:
        self._base_url = base_url.rstrip("/")
        super().__init__(**kwargs)

    def get_base_uri(self, server=Server.DEFAULT) -> str:
        return self._base_url


def _money(amount_minor: int, currency: str) -> str:
    return str(from_minor(amount_minor, currency))


class PayPalGateway:
    name = NAME

    def __init__(self, *, client_id: str, client_secret: str, webhook_id: str,
                 base_url: str = LIVE_BASE_URL, timeout: float = 10.0) -> None:
        config = _Configuration(
            base_url=base_url, timeout=timeout, max_retries=0, environment=Environment.PRODUCTION,
            client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
                o_auth_client_id=client_id, o_auth_client_secret=client_secret),
        )
        self._client = PaypalServersdkClient(config=config)
        self._base_url = base_url.rstrip("/")
        self._credentials = (client_id, client_secret)
        self._webhook_id = webhook_id
        self._timeout = timeout

    def _call(self, fn, options: dict[str, Any]) -> dict[str, Any]:
        try:
            response = fn(options)
        except ApiException as exc:
            if exc.response_code >= 500:
                raise GatewayUnavailable(NAME, f"HTTP {exc.response_code}") from exc
            raise GatewayDeclined(NAME, f"HTTP {exc.response_code}", code=str(exc.response_code)) from exc
        except requests.RequestException as exc:
            raise GatewayUnavailable(NAME, type(exc).__name__) from exc
        except GatewayError:
            raise
        except Exception as exc:  # the SDK wraps transport failures in its own types
            if "timeout" in type(exc).__name__.lower() or "connection" in str(exc).lower():
                raise GatewayUnavailable(NAME, type(exc).__name__) from exc
            raise
        return json.loads(response.text) if response.text else {}

    def create_payment(self, request: PaymentRequest) -> GatewayPayment:
        body = OrderRequest(
            intent=CheckoutPaymentIntent.CAPTURE,
            purchase_units=[PurchaseUnitRequest(
                amount=AmountWithBreakdown(currency_code=request.currency,
                                           value=_money(request.amount_minor, request.currency)),
                reference_id=request.reference[:256], custom_id=request.idempotency_key[:127],
                description=(request.description or request.reference)[:127],
            )],
        )
        order = self._call(self._client.orders.create_order, {
            "body": body, "paypal_request_id": request.idempotency_key,
            "prefer": "return=representation",
        })
        approve = next((link["href"] for link in order.get("links", [])
                        if link.get("rel") in ("approve", "payer-action")), None)
        return GatewayPayment(
            gateway=NAME, reference=order["id"], status="pending",
            amount_minor=request.amount_minor, currency=request.currency, method="paypal",
            next_action={"type": "paypal_approval", "approval_url": approve, "order_id": order["id"]},
        )

    def _from_order(self, order: dict[str, Any]) -> GatewayPayment:
        unit = order["purchase_units"][0]
        captures = unit.get("payments", {}).get("captures", [])
        capture = captures[0] if captures else None
        amount = capture["amount"] if capture else unit["amount"]
        currency = amount["currency_code"]
        status = "pending"
        if capture and capture["status"] in ("COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"):
            status = "succeeded"
        elif (capture and capture["status"] == "DECLINED") or order.get("status") == "VOIDED":
            status = "failed"
        breakdown = (capture or {}).get("seller_receivable_breakdown", {})
        fee = breakdown.get("paypal_fee", {}).get("value")
        return GatewayPayment(
            gateway=NAME, reference=order["id"], status=status,
            amount_minor=to_minor(amount["value"], currency), currency=currency, method="paypal",
            capture_reference=capture["id"] if capture else None,
            fee_minor=to_minor(fee, currency) if fee else 0,
            failure_code="capture_declined" if status == "failed" else None,
        )

    def capture(self, payment_reference: str, amount_minor: int, currency: str,
                details: dict[str, str]) -> GatewayPayment:
        order = self._call(self._client.orders.capture_order, {
            "id": payment_reference, "paypal_request_id": f"capture-{payment_reference}",
            "prefer": "return=representation",
        })
        return self._from_order(order)

    def fetch(self, payment_reference: str) -> GatewayPayment:
        return self._from_order(self._call(self._client.orders.get_order, {"id": payment_reference}))

    def refund(self, payment: GatewayPayment, amount_minor: int, idempotency_key: str,
               reason: str) -> GatewayRefund:
        if not payment.capture_reference:
            raise GatewayDeclined(NAME, "nothing captured to refund", code="not_captured")
        refund = self._call(self._client.payments.refund_captured_payment, {
            "capture_id": payment.capture_reference, "paypal_request_id": idempotency_key,
            "prefer": "return=representation",
            "body": RefundRequest(amount=Money(currency_code=payment.currency,
                                               value=_money(amount_minor, payment.currency)),
                                  custom_id=idempotency_key[:127], note_to_payer=reason[:255]),
        })
        status = _REFUND_STATUS.get(refund.get("status", ""), "pending")
        return GatewayRefund(NAME, refund["id"], status, amount_minor, payment.currency)

    def find_refund(self, payment: GatewayPayment, idempotency_key: str) -> GatewayRefund | None:
        """Nothing to look up: the resend carries the same PayPal-Request-Id, which PayPal answers
        with the refund it already made."""
        return None

    def _verify(self, headers: dict[str, str], event: dict[str, Any]) -> bool:
        try:
            with httpx.Client(base_url=self._base_url, timeout=self._timeout) as http:
                token = http.post("/v1/oauth2/token", data={"grant_type": "client_credentials"},
                                  auth=self._credentials)
                token.raise_for_status()
                answer = http.post(
                    "/v1/notifications/verify-webhook-signature",
                    headers={"Authorization": f"Bearer {token.json()['access_token']}"},
                    json={
                        "auth_algo": headers.get("paypal-auth-algo", ""),
                        "cert_url": headers.get("paypal-cert-url", ""),
                        "transmission_id": headers.get("paypal-transmission-id", ""),
                        "transmission_sig": headers.get("paypal-transmission-sig", ""),
                        "transmission_time": headers.get("paypal-transmission-time", ""),
                        "webhook_id": self._webhook_id,
                        "webhook_event": event,
                    },
                )
                answer.raise_for_status()
        except httpx.HTTPError as exc:
            raise GatewayUnavailable(NAME, "webhook verification unavailable") from exc
        return answer.json().get("verification_status") == "SUCCESS"

    def verify_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookDelivery:
        h = headers_lower(headers)
        try:
            event = json.loads(body)
        except ValueError as exc:  # PayPal verifies the parsed event: an unreadable body cannot be
            raise InvalidSignature(NAME, "body is not JSON") from exc
        if not h.get("paypal-transmission-sig") or not self._verify(h, event):
            raise InvalidSignature(NAME, "PayPal transmission signature does not verify")
        return delivery_from_body(body, id_field="id", type_field="event_type")

    def normalise_webhook(self, event_id: str, payload: str) -> WebhookNotice:
        return notice_from_event(json.loads(payload))


def _amount(obj: dict[str, Any]) -> tuple[int | None, str | None]:
    amount = obj.get("amount") or obj.get("dispute_amount")
    if not amount:
        return None, None
    return to_minor(amount["value"], amount["currency_code"]), amount["currency_code"]


def notice_from_event(event: dict[str, Any]) -> WebhookNotice:
    etype = event.get("event_type", "")
    res = event.get("resource", {})
    base: dict[str, Any] = {"gateway": NAME, "event_id": event["id"], "gateway_type": etype}
    amount, currency = _amount(res)
    if etype in ("PAYMENT.CAPTURE.COMPLETED", "PAYMENT.CAPTURE.DENIED"):
        order_id = res.get("supplementary_data", {}).get("related_ids", {}).get("order_id")
        return WebhookNotice(**base, kind=PAYMENT_SUCCEEDED if etype.endswith("COMPLETED") else PAYMENT_FAILED,
                             payment_reference=order_id, capture_reference=res["id"],
                             amount_minor=amount, currency=currency,
                             failure_code="capture_denied" if etype.endswith("DENIED") else None)
    if etype in ("PAYMENT.CAPTURE.REFUNDED", "PAYMENT.REFUND.COMPLETED", "PAYMENT.REFUND.FAILED",
                 "PAYMENT.REFUND.CANCELLED"):
        # The resource is the refund; its `up` link names the capture it refunds.
        capture_id = next((link["href"].rstrip("/").rsplit("/", 1)[-1] for link in res.get("links", [])
                           if link.get("rel") == "up"), None)
        status = _REFUND_STATUS.get(res.get("status") or "COMPLETED")
        if status is None:  # PENDING: the completion event follows
            return WebhookNotice(**base, kind=IGNORED)
        return WebhookNotice(**base, kind=REFUND_SUCCEEDED if status == "succeeded" else REFUND_FAILED,
                             capture_reference=capture_id, refund_reference=res["id"], amount_minor=amount,
                             currency=currency, merchant_refund_key=res.get("custom_id"))
    if etype in ("CUSTOMER.DISPUTE.CREATED", "CUSTOMER.DISPUTE.RESOLVED"):
        txns = res.get("disputed_transactions") or [{}]
        kind = DISPUTE_OPENED
        if etype.endswith("RESOLVED"):
            outcome = (res.get("dispute_outcome") or {}).get("outcome_code", "")
            kind = DISPUTE_OUTCOMES.get(outcome, DISPUTE_OPENED)
            if kind == DISPUTE_OPENED:
                log.warning("PayPal dispute %s resolved with outcome %s: left open for finance to decide",
                            res.get("dispute_id"), outcome or "(none)")
        due = res.get("seller_response_due_date")
        return WebhookNotice(**base, kind=kind, capture_reference=txns[0].get("seller_transaction_id"),
                             dispute_reference=res.get("dispute_id"), amount_minor=amount,
                             currency=currency, reason=(res.get("reason") or "general").lower()[:64],
                             evidence_due_on=dt.date.fromisoformat(due[:10]) if due else None)
    return WebhookNotice(**base, kind=IGNORED)
