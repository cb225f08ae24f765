"""Open Exchange Rates adapter: USD-based daily rates rebased to EUR.

OXR quotes 1 USD = x CUR for every calendar day (weekends included). Rows are rebased to the
EUR shape of `fx_rates`: EUR->X = USD->X / USD->EUR, and EUR->USD = 1 / USD->EUR, in a 28-digit
context and then kept to 8 places. JSON numbers are parsed straight into Decimal, never float.

The app id is sent in the `Authorization: Token ...` header rather than the `app_id` query
parameter, so it never appears in URLs, which HTTP client logs and error messages print.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation, localcontext

import httpx

from tourstack.fx._http import DEFAULT_TIMEOUT, get_bytes
from tourstack.fx.errors import FxSourceError
from tourstack.fx.rates import EurRate, RateLookup, RateTable, quantize_rate
from tourstack.money import ISO_4217

OXR_BASE_URL = "https://openexchangerates.org/api"
MAX_DAYS_PER_SYNC = 400  # one request per day: refuse accidental multi-year pulls on a quota


def rebase_usd_to_eur(day: dt.date, usd_rates: dict[str, Decimal]) -> list[EurRate]:
    """USD->X rates of one day -> EUR->X rows with source `oxr`."""
    usd_eur = usd_rates.get("EUR")
    if usd_eur is None or usd_eur <= 0:
        raise ValueError("no positive USD->EUR rate to rebase with")
    rows: list[EurRate] = []
    with localcontext() as ctx:
        ctx.prec = 28
        rows.append(EurRate(day, "USD", quantize_rate(Decimal(1) / usd_eur), "oxr"))
        for code, usd_rate in sorted(usd_rates.items()):
            if code in ("EUR", "USD") or code not in ISO_4217:
                continue
            rows.append(EurRate(day, code, quantize_rate(usd_rate / usd_eur), "oxr"))
    return rows


class OxrSource:
    """Open Exchange Rates: `/historical/{date}.json` per day, `/latest.json` for today."""

    name = "oxr"

    def __init__(
        self,
        app_id: str | None,
        base_url: str = OXR_BASE_URL,
        *,
        client: httpx.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        if not app_id:
            raise FxSourceError(self.name, "no app id configured (set TOURSTACK_OXR_APP_ID)")
        self._app_id = app_id
        self.base_url = base_url.rstrip("/")
        self._client = client
        self._timeout = timeout
        self._today = today
        self._days: dict[dt.date, list[EurRate]] = {}

    def __repr__(self) -> str:
        return f"OxrSource(base_url={self.base_url!r}, app_id=<hidden>)"

    def day(self, day: dt.date) -> list[EurRate]:
        """EUR-based rows for one calendar day (today's come from latest.json)."""
        today = self._today()
        if day > today:
            raise FxSourceError(self.name, f"no rates for a future date ({day.isoformat()})")
        if day not in self._days:
            path = "latest.json" if day == today else f"historical/{day.isoformat()}.json"
            body = get_bytes(
                self._client,
                f"{self.base_url}/{path}",
                source=self.name,
                headers={"Authorization": f"Token {self._app_id}"},
                timeout=self._timeout,
            )
            self._days[day] = self._parse(body, day)
        return self._days[day]

    def _parse(self, body: bytes, day: dt.date) -> list[EurRate]:
        try:
            document = json.loads(body, parse_float=Decimal, parse_int=Decimal)
            if not isinstance(document, dict) or not isinstance(document.get("rates"), dict):
                raise ValueError("no 'rates' object")
            if document.get("base", "USD") != "USD":
                raise ValueError(f"expected base USD, got {document.get('base')!r}")
            rates = {str(k): Decimal(v) for k, v in document["rates"].items()}
            return rebase_usd_to_eur(day, rates)
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise FxSourceError(self.name, f"malformed response: {exc}") from None

    def lookup(self, currency: str, on: dt.date) -> RateLookup:
        day = min(on, self._today())
        return RateTable(self.day(day), source_name=self.name).lookup(currency, on)

    def published(self, start: dt.date, end: dt.date) -> list[EurRate]:
        end = min(end, self._today())
        days = (end - start).days + 1
        if days > MAX_DAYS_PER_SYNC:
            raise FxSourceError(self.name, f"{days} days requested; at most {MAX_DAYS_PER_SYNC} per sync")
        rows: list[EurRate] = []
        for offset in range(max(days, 0)):
            rows.extend(self.day(start + dt.timedelta(days=offset)))
        return rows
