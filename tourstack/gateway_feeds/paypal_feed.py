"""PayPal transactions through the official `paypal-server-sdk` Transaction Search controller
(`client.transaction_search.search_transactions`, GET /v1/reporting/transactions).

The SDK does expose the reporting API, with its own OAuth client-credentials flow, so no hand
rolled HTTP is needed. The API insists on both `start_date` and `end_date` and at most 31 days
between them, so the reader walks 31-day windows from the cursor to now, paging each window
with `page`/`page_size`. A first read (no cursor) starts `first_read_days` back; PayPal keeps
three years. Only balance-affecting records are requested (the API's default). PayPal reports
fees as negative amounts; they are stored as the positive fee charged.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import requests
from apimatic_core.exceptions.auth_validation_exception import AuthValidationException
from paypalserversdk.configuration import Configuration, Environment, Server
from paypalserversdk.exceptions.api_exception import ApiException
from paypalserversdk.http.auth.o_auth_2 import ClientCredentialsAuthCredentials
from paypalserversdk.paypal_serversdk_client import PaypalServersdkClient

from tourstack.gateway_feeds.base import FeedPage, GatewayFeedError, exact_minor, page_of
from tourstack.gateway_feeds.tables import PAYPAL_TRANSACTIONS

GATEWAY = "paypal"
WINDOW = dt.timedelta(days=31)
MAX_PAGE_SIZE = 500


class _Configuration(Configuration):
    """The SDK knows only PayPal's two hosts; this points it at the configured base URL."""

    def __init__(self, *, base_url: str, **kwargs: Any) -> None:
        self._base_url = base_url.rstrip("/")
        super().__init__(**kwargs)

    def get_base_uri(self, server=Server.DEFAULT) -> str:
        return self._base_url


def _rfc3339(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    # PayPal writes "2026-03-02T10:15:00+0000"; fromisoformat wants a colon in the offset.
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC)


class PayPalTransactionsFeed:
    table = PAYPAL_TRANSACTIONS
    source = "api"

    def __init__(self, *, client_id: str, client_secret: str, base_url: str, timeout: float = 30.0,
                 page_size: int = MAX_PAGE_SIZE, first_read_days: int = 3 * 365,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        config = _Configuration(
            base_url=base_url, timeout=timeout, max_retries=0, environment=Environment.PRODUCTION,
            client_credentials_auth_credentials=ClientCredentialsAuthCredentials(
                o_auth_client_id=client_id, o_auth_client_secret=client_secret),
        )
        self._client = PaypalServersdkClient(config=config)
        self._page_size = min(page_size, MAX_PAGE_SIZE)
        self._first_read = dt.timedelta(days=first_read_days)
        self._now = now

    def iter_records(self, since_cursor: dt.datetime | None) -> Iterator[FeedPage]:
        end = self._now()
        start = since_cursor or end - self._first_read
        while True:
            window_end = min(start + WINDOW, end)
            yield from self._window(start, window_end)
            if window_end >= end:
                return
            start = window_end  # windows share their boundary second; the merge drops the repeat

    def _window(self, start: dt.datetime, end: dt.datetime) -> Iterator[FeedPage]:
        page = 1
        while True:
            answer = self._search({"start_date": _rfc3339(start), "end_date": _rfc3339(end),
                                   "fields": "transaction_info", "page_size": self._page_size,
                                   "page": page})
            records = [self._record(d["transaction_info"]) for d in answer.get("transaction_details", [])]
            if records:
                yield page_of(records)
            if page >= int(answer.get("total_pages") or 1):
                return
            page += 1

    def _search(self, options: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._client.transaction_search.search_transactions(options)
        except ApiException as exc:
            raise GatewayFeedError(GATEWAY, f"transaction search failed (HTTP {exc.response_code})") from exc
        except AuthValidationException as exc:  # the SDK's OAuth token request failed
            raise GatewayFeedError(GATEWAY, "no OAuth token (client credentials refused or PayPal down)") from exc
        except requests.RequestException as exc:
            raise GatewayFeedError(GATEWAY, f"transaction search failed ({type(exc).__name__})") from exc
        return json.loads(response.text) if response.text else {}

    def _record(self, info: dict[str, Any]) -> dict[str, Any]:
        amount = info["transaction_amount"]
        currency = amount["currency_code"]
        gross = exact_minor(amount["value"], currency, GATEWAY)
        fee_amount = info.get("fee_amount")
        fee = -exact_minor(fee_amount["value"], currency, GATEWAY) if fee_amount else 0
        return {
            "transaction_id": info["transaction_id"], "event_code": info.get("transaction_event_code"),
            "status": info.get("transaction_status"), "gross_minor": gross, "fee_minor": fee,
            "net_minor": gross - fee, "currency": currency,
            "created_at": _parse_time(info.get("transaction_initiation_date")),
            "updated_at": _parse_time(info.get("transaction_updated_date")),
            "invoice_id": info.get("invoice_id"), "custom_field": info.get("custom_field"),
            "reference_id": info.get("paypal_reference_id"), "booking_ref": None, "source": self.source,
        }
