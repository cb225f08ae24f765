"""Razorpay settlements through the official `razorpay` SDK (`client.settlement.all`).

Razorpay pages with `skip`/`count` (at most 100) and filters with `from`/`to` in Unix seconds,
both inclusive; `from` is the cursor. Razorpay settles INR only, and its settlement entity
carries no currency, so INR is recorded explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import razorpay
import requests

from tourstack.gateway_feeds.base import FeedPage, GatewayFeedError, from_unix, page_of
from tourstack.gateway_feeds.tables import RAZORPAY_SETTLEMENTS

GATEWAY = "razorpay"
MAX_COUNT = 100


class RazorpaySettlementsFeed:
    table = RAZORPAY_SETTLEMENTS
    source = "api"

    def __init__(self, *, key_id: str, key_secret: str, base_url: str | None = None,
                 timeout: float = 30.0, page_size: int = MAX_COUNT) -> None:
        options = {"base_url": base_url} if base_url else {}
        self._client = razorpay.Client(auth=(key_id, key_secret), **options)
        self._timeout = timeout
        self._count = min(page_size, MAX_COUNT)

    def iter_records(self, since_cursor: dt.datetime | None) -> Iterator[FeedPage]:
        query: dict[str, Any] = {"count": self._count, "skip": 0}
        if since_cursor is not None:
            query["from"] = int(since_cursor.timestamp())
        while True:
            try:
                answer = self._client.settlement.all(dict(query), timeout=self._timeout)
            except (razorpay.errors.BadRequestError, razorpay.errors.ServerError,
                    razorpay.errors.GatewayError) as exc:
                raise GatewayFeedError(GATEWAY, f"listing settlements failed ({type(exc).__name__})") from exc
            except (requests.RequestException, ValueError) as exc:  # refused, timeout, non-JSON 5xx
                raise GatewayFeedError(GATEWAY, f"listing settlements failed ({type(exc).__name__})") from exc
            items = answer.get("items", [])
            if items:
                yield page_of([self._record(item) for item in items])
            if len(items) < self._count:
                return
            query["skip"] += len(items)

    def _record(self, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": item["id"], "amount_minor": int(item["amount"]), "fees_minor": int(item.get("fees") or 0),
            "tax_minor": int(item.get("tax") or 0), "currency": "INR", "status": item.get("status"),
            "utr": item.get("utr"), "created_at": from_unix(item["created_at"]), "source": self.source,
        }
