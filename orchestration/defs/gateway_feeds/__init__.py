"""Gateway feeds: Stripe, Razorpay and PayPal records landed in the warehouse's raw schema."""

from orchestration.defs.gateway_feeds.assets import gateway_assets, gateway_feeds_job, hourly_gateway_feeds
from orchestration.defs.gateway_feeds.settlements import gateway_settlement_batches

__all__ = ["gateway_assets", "gateway_feeds_job", "gateway_settlement_batches", "hourly_gateway_feeds"]
