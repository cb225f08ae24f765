"""Stripe balance transactions and payouts through the official `stripe` SDK.

List calls page newest-first with `starting_after` (the last id of the previous page) and are
filtered by `created[gte]` at the cursor, in whole seconds as Stripe stores them. The client
is a `StripeClient` per feed, honouring a configured API base (a fake on 127.0.0.1 in tests),
and SDK retries are off: a failed run is simply re-run from the same cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import stripe

from tourstack.gateway_feeds.base import FeedPage, GatewayFeedError, from_unix, page_of
from tourstack.gateway_feeds.tables import STRIPE_BALANCE_TRANSACTIONS, STRIPE_PAYOUTS, FeedTable

GATEWAY = "stripe"


def _client(api_key: str, api_base: str | None, timeout: float) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key, base_addresses={"api": api_base} if api_base else None, max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def _field(obj: Any, key: str) -> Any:
    """StripeObject is not a dict (no .get): absent and null fields both read as None."""
    try:
        return obj[key]
    except (KeyError, TypeError):
        return None


def _id_of(value: Any) -> str | None:
    """Expandable fields arrive as an id string or as the expanded object."""
    if value is None or isinstance(value, str):
        return value
    return value["id"]


class _StripeListFeed:
    table: FeedTable
    source = "api"

    def __init__(self, *, api_key: str, api_base: str | None = None, timeout: float = 30.0,
                 page_size: int = 100) -> None:
        self._client = _client(api_key, api_base, timeout)
        self._page_size = page_size

    def _list(self, params: dict[str, Any]):
        raise NotImplementedError

    def _record(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def iter_records(self, since_cursor: dt.datetime | None) -> Iterator[FeedPage]:
        params: dict[str, Any] = {"limit": self._page_size}
        if since_cursor is not None:
            params["created"] = {"gte": int(since_cursor.timestamp())}
        while True:
            try:
                page = self._list(params)
            except stripe.StripeError as exc:
                status = getattr(exc, "http_status", None) or "no response"
                raise GatewayFeedError(GATEWAY, f"listing {self.table.name} failed (HTTP {status})") from exc
            if page.data:
                yield page_of([self._record(obj) for obj in page.data])
            if not page.has_more or not page.data:
                return
            params["starting_after"] = page.data[-1]["id"]


class StripeBalanceTransactionsFeed(_StripeListFeed):
    table = STRIPE_BALANCE_TRANSACTIONS

    def _list(self, params):
        return self._client.v1.balance_transactions.list(params=params)

    def _record(self, obj) -> dict[str, Any]:
        kind = obj["type"]
        source_id = _id_of(_field(obj, "source"))
        return {
            "id": obj["id"], "type": kind, "reporting_category": _field(obj, "reporting_category"),
            "amount_minor": int(obj["amount"]), "fee_minor": int(obj["fee"]), "net_minor": int(obj["net"]),
            "currency": str(obj["currency"]).upper(), "status": _field(obj, "status"),
            "created_at": from_unix(obj["created"]), "available_at": from_unix(_field(obj, "available_on")),
            "source_id": source_id,
            # The payout a charge went out with needs one extra call per payout; the payout's own
            # balance transaction names it, which is what reconciliation matches on.
            "payout_id": source_id if kind == "payout" else None,
            "description": _field(obj, "description"), "booking_ref": None, "source": self.source,
        }


class StripePayoutsFeed(_StripeListFeed):
    table = STRIPE_PAYOUTS

    def _list(self, params):
        return self._client.v1.payouts.list(params=params)

    def _record(self, obj) -> dict[str, Any]:
        arrival = from_unix(_field(obj, "arrival_date"))
        return {
            "id": obj["id"], "amount_minor": int(obj["amount"]), "currency": str(obj["currency"]).upper(),
            "status": _field(obj, "status"), "method": _field(obj, "method"),
            "created_at": from_unix(obj["created"]),
            "arrival_on": arrival.date() if arrival else None,
            "balance_transaction_id": _id_of(_field(obj, "balance_transaction")),
            "destination": _id_of(_field(obj, "destination")), "source": self.source,
        }
