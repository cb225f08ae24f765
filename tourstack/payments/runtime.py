"""Building the gateways, breaker and router from plain configuration values.

Entry points (API, Dagster, CLI) turn settings into a `GatewayConfig`; this module never reads
the environment. A gateway without credentials is simply absent, so the demo and tests run with
whatever subset is configured and routing skips the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tourstack.payments.bank_transfer import BankAccount, BankTransferGateway
from tourstack.payments.breaker import CircuitBreaker, MemoryStore, RedisStore
from tourstack.payments.gateway import Gateway
from tourstack.payments.routing import DEFAULT_RULES, PaymentRouter, RouteRule

if TYPE_CHECKING:
    from tourstack.settings import Settings


@dataclass(frozen=True)
class GatewayConfig:
    """Secrets are excluded from repr so a logged or printed config never shows them."""

    stripe_secret_key: str | None = field(default=None, repr=False)
    stripe_webhook_secret: str = field(default="", repr=False)
    stripe_api_base: str | None = None
    razorpay_key_id: str | None = None
    razorpay_key_secret: str | None = field(default=None, repr=False)
    razorpay_webhook_secret: str = field(default="", repr=False)
    razorpay_base_url: str | None = None
    paypal_client_id: str | None = None
    paypal_client_secret: str | None = field(default=None, repr=False)
    paypal_webhook_id: str = ""
    paypal_base_url: str = "https://api-m.paypal.com"
    bank_account: BankAccount | None = None
    timeout_seconds: float = 10.0
    routing_json: str | None = None
    breaker_threshold: int = 3
    breaker_cooldown_seconds: float = 30.0
    redis_url: str | None = field(default=None, repr=False)  # may carry a password
    refund_approval_thresholds: dict[str, int] = field(default_factory=dict)


@dataclass
class PaymentsRuntime:
    gateways: dict[str, Gateway]
    router: PaymentRouter
    refund_thresholds: dict[str, int]


def build_gateways(config: GatewayConfig) -> dict[str, Gateway]:
    gateways: dict[str, Gateway] = {}
    if config.stripe_secret_key:
        from tourstack.payments.stripe_gateway import StripeGateway

        gateways["stripe"] = StripeGateway(api_key=config.stripe_secret_key,
                                           webhook_secret=config.stripe_webhook_secret,
                                           api_base=config.stripe_api_base, timeout=config.timeout_seconds)
    if config.razorpay_key_id and config.razorpay_key_secret:
        from tourstack.payments.razorpay_gateway import RazorpayGateway

        gateways["razorpay"] = RazorpayGateway(key_id=config.razorpay_key_id, key_secret=config.razorpay_key_secret,
                                               webhook_secret=config.razorpay_webhook_secret,
                                               base_url=config.razorpay_base_url, timeout=config.timeout_seconds)
    if config.paypal_client_id and config.paypal_client_secret:
        from tourstack.payments.paypal_gateway import PayPalGateway

        gateways["paypal"] = PayPalGateway(client_id=config.paypal_client_id,
                                           client_secret=config.paypal_client_secret,
                                           webhook_id=config.paypal_webhook_id, base_url=config.paypal_base_url,
                                           timeout=config.timeout_seconds)
    if config.bank_account is not None:
        gateways["bank_transfer"] = BankTransferGateway(config.bank_account)
    return gateways


def parse_rules(routing_json: str | None) -> tuple[RouteRule, ...]:
    if not routing_json:
        return DEFAULT_RULES
    return tuple(RouteRule.from_dict(r) for r in json.loads(routing_json))


def build_runtime(config: GatewayConfig, gateways: dict[str, Gateway] | None = None) -> PaymentsRuntime:
    gateways = build_gateways(config) if gateways is None else gateways
    store = RedisStore.from_url(config.redis_url) if config.redis_url else MemoryStore()
    breaker = CircuitBreaker(store, threshold=config.breaker_threshold,
                             cooldown_seconds=config.breaker_cooldown_seconds)
    router = PaymentRouter(gateways, breaker, parse_rules(config.routing_json))
    return PaymentsRuntime(gateways, router, dict(config.refund_approval_thresholds))


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None


def config_from_settings(settings: Settings) -> GatewayConfig:
    """`TOURSTACK_*` settings -> GatewayConfig. Takes the settings object; never reads the
    environment itself, so domain code stays free of configuration lookups."""
    account = None
    if settings.bank_transfer_account_number:
        account = BankAccount(settings.bank_transfer_beneficiary, settings.bank_transfer_account_number,
                              settings.bank_transfer_ifsc, settings.bank_transfer_iban,
                              settings.bank_transfer_swift)
    return GatewayConfig(
        stripe_secret_key=_secret(settings.stripe_secret_key),
        stripe_webhook_secret=_secret(settings.stripe_webhook_secret) or "",
        stripe_api_base=settings.stripe_api_base,
        razorpay_key_id=settings.razorpay_key_id,
        razorpay_key_secret=_secret(settings.razorpay_key_secret),
        razorpay_webhook_secret=_secret(settings.razorpay_webhook_secret) or "",
        razorpay_base_url=settings.razorpay_base_url,
        paypal_client_id=settings.paypal_client_id,
        paypal_client_secret=_secret(settings.paypal_client_secret),
        paypal_webhook_id=settings.paypal_webhook_id or "",
        paypal_base_url=settings.paypal_base_url,
        bank_account=account,
        timeout_seconds=settings.payments_gateway_timeout_seconds,
        routing_json=settings.payments_routing,
        breaker_threshold=settings.payments_breaker_threshold,
        breaker_cooldown_seconds=settings.payments_breaker_cooldown_seconds,
        redis_url=settings.redis_url,
        refund_approval_thresholds=dict(settings.refund_approval_thresholds),
    )
