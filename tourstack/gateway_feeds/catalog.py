"""Which reader feeds each raw table: the live SDK reader when the gateway has credentials,
the demo reader otherwise (the embedded default). Credentials arrive as arguments; only entry
points read settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from tourstack.gateway_feeds import demo_feed
from tourstack.gateway_feeds.base import GatewayFeed
from tourstack.gateway_feeds.paypal_feed import PayPalTransactionsFeed
from tourstack.gateway_feeds.razorpay_feed import RazorpaySettlementsFeed
from tourstack.gateway_feeds.stripe_feed import StripeBalanceTransactionsFeed, StripePayoutsFeed


@dataclass(frozen=True)
class GatewayCredentials:
    stripe_api_key: str | None = None
    stripe_api_base: str | None = None
    razorpay_key_id: str | None = None
    razorpay_key_secret: str | None = None
    razorpay_base_url: str | None = None
    paypal_client_id: str | None = None
    paypal_client_secret: str | None = None
    paypal_base_url: str = "https://api-m.paypal.com"
    timeout_seconds: float = 30.0

    @classmethod
    def from_settings(cls, settings) -> GatewayCredentials:
        def secret(value):
            return value.get_secret_value() if value is not None else None

        return cls(
            stripe_api_key=secret(settings.stripe_secret_key), stripe_api_base=settings.stripe_api_base,
            razorpay_key_id=settings.razorpay_key_id, razorpay_key_secret=secret(settings.razorpay_key_secret),
            razorpay_base_url=settings.razorpay_base_url, paypal_client_id=settings.paypal_client_id,
            paypal_client_secret=secret(settings.paypal_client_secret), paypal_base_url=settings.paypal_base_url,
        )


def build_feeds(credentials: GatewayCredentials, operational: Engine) -> dict[str, GatewayFeed]:
    """Raw table name -> the feed that fills it."""
    c, timeout = credentials, credentials.timeout_seconds
    feeds: list[GatewayFeed] = []
    if c.stripe_api_key:
        stripe_options = {"api_key": c.stripe_api_key, "api_base": c.stripe_api_base, "timeout": timeout}
        feeds += [StripeBalanceTransactionsFeed(**stripe_options), StripePayoutsFeed(**stripe_options)]
    else:
        feeds += [demo_feed.DemoStripeBalanceTransactionsFeed(operational),
                  demo_feed.DemoStripePayoutsFeed(operational)]
    if c.razorpay_key_id and c.razorpay_key_secret:
        feeds.append(RazorpaySettlementsFeed(key_id=c.razorpay_key_id, key_secret=c.razorpay_key_secret,
                                             base_url=c.razorpay_base_url, timeout=timeout))
    else:
        feeds.append(demo_feed.DemoRazorpaySettlementsFeed(operational))
    if c.paypal_client_id and c.paypal_client_secret:
        feeds.append(PayPalTransactionsFeed(client_id=c.paypal_client_id, client_secret=c.paypal_client_secret,
                                            base_url=c.paypal_base_url, timeout=timeout))
    else:
        feeds.append(demo_feed.DemoPayPalTransactionsFeed(operational))
    return {feed.table.name: feed for feed in feeds}
