"""The one interface every gateway reader implements, live or demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from tourstack.gateway_feeds.tables import FeedTable
from tourstack.money import exponent


@dataclass(frozen=True)
class FeedPage:
    """One page of records (dicts keyed by the table's columns) and the newest `created_at`
    among them, i.e. where the next read may start."""

    records: list[dict[str, Any]]
    next_cursor: dt.datetime | None


class GatewayFeed(Protocol):
    table: FeedTable
    source: str  # "api" or "demo"

    def iter_records(self, since_cursor: dt.datetime | None) -> Iterator[FeedPage]:
        """Pages of records created at or after `since_cursor` (everything when None)."""
        ...


class GatewayFeedError(RuntimeError):
    """A gateway call failed; the message names the gateway and the HTTP status, no secrets."""

    def __init__(self, gateway: str, problem: str) -> None:
        self.gateway = gateway
        super().__init__(f"{gateway}: {problem}")


def page_of(records: list[dict[str, Any]]) -> FeedPage:
    return FeedPage(records, max((r["created_at"] for r in records), default=None))


def from_unix(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(int(seconds), dt.UTC)


def exact_minor(value: str, currency: str, gateway: str) -> int:
    """A decimal string from an API -> minor units, refusing anything that would need rounding."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise GatewayFeedError(gateway, f"amount {value!r} is not a number") from None
    scaled = amount.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise GatewayFeedError(gateway, f"amount {value} has more decimals than {currency} allows")
    return int(scaled)


def collect(feed: GatewayFeed, since_cursor: dt.datetime | None) -> list[dict[str, Any]]:
    """Every record a feed yields from `since_cursor`, pages flattened (small reads, tests)."""
    return [record for page in feed.iter_records(since_cursor) for record in page.records]
