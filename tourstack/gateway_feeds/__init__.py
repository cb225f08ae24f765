"""Gateway transactions (Stripe, Razorpay, PayPal) landed in the warehouse's raw schema.

Each feed reads one gateway list through the official SDK from a cursor (the newest `created_at`
already landed) and yields pages of flat records; `land_feed` merges them into
raw.<table> by primary key, so re-reading the boundary never duplicates a row. Without
credentials a demo feed derives the same records from the operational database.
"""

from tourstack.gateway_feeds.base import FeedPage, GatewayFeed, GatewayFeedError
from tourstack.gateway_feeds.catalog import GatewayCredentials, build_feeds
from tourstack.gateway_feeds.land import LandResult, current_cursor, land_feed
from tourstack.gateway_feeds.tables import FEED_TABLES, FeedTable

__all__ = [
    "FEED_TABLES", "FeedPage", "FeedTable", "GatewayCredentials", "GatewayFeed", "GatewayFeedError",
    "LandResult", "build_feeds", "current_cursor", "land_feed",
]
