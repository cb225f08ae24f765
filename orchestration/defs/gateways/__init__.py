"""Gateway feeds: Stripe, Razorpay and PayPal records landed in the warehouse's raw schema."""

from orchestration.defs.gateways.assets import gateway_assets, gateway_feeds_job, hourly_gateway_feeds

__all__ = ["gateway_assets", "gateway_feeds_job", "hourly_gateway_feeds"]
