"""Stripe balance transactions and payouts through the official `stripe` SDK.

List calls page newest-first with `starting_after` (the last id of the previous page) and are
filtered by `created[gte]` at the cursor, in whole seconds as Stripe stores them. The client
is a `StripeClient` per feed, honouring a configured API base (a fake on 127.0.0.1 in tests),
and SDK retries are off: a failed run is simply re-run from the same cursor.

A balance transaction does not say which payout took it to the bank; only the list filtered by
`payout` does. So for every payout row the balance feed reads, it lists that payout's
transactions (`payout=<po id>`, expanding `data.source` to learn each charge's PaymentIntent,
which is what `payments.gateway_reference` holds) and yields them again with `payout_id` set.
Those pages come after the plain listing, so in `land_feed`'s merge the linked copy wins. The
extra calls are bounded by the payouts in this read: the payout rows of the cursor window and
its look-back. A transaction re-read by a later look-back is unlinked again only if its payout
is not re-read too, which cannot happen: a payout is created after the transactions it pays out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
import logging
from typing import Any

import stripe

from tourstack.gateway_feeds.base import FeedPage, GatewayFeedError, from_unix, page_of
from tourstack.gateway_feeds.tables import STRIPE_BALANCE_TRANSACTIONS, STRIPE_PAYOUTS, FeedTable

GATEWAY = "stripe"
log = logging.getLogger(__name__)


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
        for objects in self._pages(params, self.table.name):
            yield page_of([self._record(obj) for obj in objects])

    def _pages(self, params: dict[str, Any], what: str) -> Iterator[list[Any]]:
        """The non-empty pages of one list call, following `starting_after`."""
        while True:
            try:
                page = self._list(params)
            except stripe.StripeError as exc:
                status = getattr(exc, "http_status", None) or "no response"
                raise GatewayFeedError(GATEWAY, f"listing {what} failed (HTTP {status})") from exc
            if page.data:
                yield page.data
            if not page.has_more or not page.data:
                return
            params["starting_after"] = page.data[-1]["id"]


class StripeBalanceTransactionsFeed(_StripeListFeed):
    table = STRIPE_BALANCE_TRANSACTIONS

    def __init__(self, *, link_payouts: bool = True, **options: Any) -> None:
        super().__init__(**options)
        self._link_payouts = link_payouts

    def _list(self, params):
        return self._client.v1.balance_transactions.list(params=params)

    def iter_records(self, since_cursor: dt.datetime | None) -> Iterator[FeedPage]:
        payouts: dict[str, None] = {}  # ordered and unique: a payout row may sit on two pages
        for page in super().iter_records(since_cursor):
            payouts.update((r["source_id"], None) for r in page.records if r["type"] == "payout" and r["source_id"])
            yield page
        if self._link_payouts:
            for payout_id in payouts:
                yield from self._payout_members(payout_id)

    def _payout_members(self, payout_id: str) -> Iterator[FeedPage]:
        params = {"limit": self._page_size, "payout": payout_id, "expand": ["data.source"]}
        try:
            for objects in self._pages(params, f"the transactions of payout {payout_id}"):
                yield page_of([{**self._record(obj), "payout_id": payout_id} for obj in objects])
        except GatewayFeedError as exc:
            if not isinstance(exc.__cause__, stripe.InvalidRequestError):
                raise
            # Stripe filters by payout for automatic payouts only; a manual payout (or one gone
            # from the account) keeps its own row and lands without a breakdown rather than
            # failing every read whose look-back still holds it.
            log.warning("%s; it lands without its transactions", exc)

    def _record(self, obj) -> dict[str, Any]:
        kind = obj["type"]
        source = _field(obj, "source")
        source_id = _id_of(source)
        return {
            "id": obj["id"], "type": kind, "reporting_category": _field(obj, "reporting_category"),
            "amount_minor": int(obj["amount"]), "fee_minor": int(obj["fee"]), "net_minor": int(obj["net"]),
            "currency": str(obj["currency"]).upper(), "status": _field(obj, "status"),
            "created_at": from_unix(obj["created"]), "available_at": from_unix(_field(obj, "available_on")),
            "source_id": source_id,
            # Set from the plain listing on the payout's own row; `_payout_members` sets it on
            # the transactions the payout contains.
            "payout_id": source_id if kind == "payout" else None,
            # Only an expanded source (charge, refund) names its PaymentIntent.
            "payment_intent_id": None if isinstance(source, str) else _id_of(_field(source, "payment_intent")),
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
