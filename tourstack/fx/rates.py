"""EUR-based reference rates, the shared in-memory table and the `RateSource` protocol.

Why everything is EUR-based: the ECB publishes 1 EUR = x CUR for about thirty currencies, and
storing one leg per currency lets any pair be crossed through EUR (rate A->B = EUR->B / EUR->A)
without storing n^2 pairs. Other providers (Open Exchange Rates quotes USD) are rebased to EUR
on the way in, so `fx_rates` holds one shape of row whatever the provider.

Rates are exact Decimals kept to 8 places, the precision of the `fx_rates.rate` column, so a
rate read back from the database equals the one the provider adapter produced.

AED: the ECB does not publish the UAE dirham. It has been pegged to the US dollar at 3.6725 AED
per USD since 1997, so EUR->AED is derived as EUR->USD x 3.6725 and recorded with source
`ecb_derived` (never `ecb`), which keeps the provenance honest in reports and audits.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol, runtime_checkable

from tourstack.fx.errors import RateNotAvailableError, UnknownCurrencyError
from tourstack.money import ISO_4217

BASE = "EUR"
RATE_PLACES = Decimal("0.00000001")  # fx_rates.rate is NUMERIC(18, 8)
AED_PER_USD = Decimal("3.6725")

# Human wording for the `source` recorded on each row.
SOURCE_LABELS = {
    "ecb": "ECB reference rate",
    "ecb_derived": "ECB-derived rate (AED from the ECB USD rate at the 3.6725 AED/USD peg)",
    "oxr": "Open Exchange Rates rate",
}


def quantize_rate(rate: Decimal) -> Decimal:
    return rate.quantize(RATE_PLACES, rounding=ROUND_HALF_EVEN)


def check_currency(code: str) -> str:
    if code not in ISO_4217:
        raise UnknownCurrencyError(f"not an ISO 4217 currency code: {code!r}")
    return code


@dataclass(frozen=True, slots=True)
class EurRate:
    """1 EUR = `rate` `currency` as published on `rate_date` by `source`."""

    rate_date: dt.date
    currency: str
    rate: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class RateLookup:
    """The rate a source holds for a requested date, with what is needed to explain it.

    `source_published_on_date`: the source has rows (for any currency) on the requested date;
    `latest_date`: its newest row for any currency. Together they distinguish a weekend or
    holiday from a date the source has simply not reached yet.
    """

    rate: EurRate
    requested: dt.date
    source_published_on_date: bool
    latest_date: dt.date


@runtime_checkable
class RateSource(Protocol):
    """Where EUR-based rates come from: the bundled ECB file, live ECB, OXR or `fx_rates`."""

    name: str

    def lookup(self, currency: str, on: dt.date) -> RateLookup:
        """The latest EUR->currency rate published on or before `on`.

        Raises UnknownCurrencyError or RateNotAvailableError.
        """
        ...

    def published(self, start: dt.date, end: dt.date) -> list[EurRate]:
        """Every row published in [start, end], for loading into `fx_rates`."""
        ...


def derive_aed(rows: Iterable[EurRate]) -> list[EurRate]:
    """EUR->AED rows derived from the EUR->USD rows among `rows` (see module docstring)."""
    return [
        EurRate(r.rate_date, "AED", quantize_rate(r.rate * AED_PER_USD), "ecb_derived")
        for r in rows
        if r.currency == "USD" and r.source == "ecb"
    ]


class RateTable:
    """Sorted per-currency series with "latest on or before" lookup (bisect, O(log n)).

    Kept as parallel lists rather than row objects: the bundled ECB history is ~7,000 days x
    ~30 currencies, and this shape parses and searches quickly.
    """

    def __init__(self, rows: Iterable[EurRate], *, source_name: str) -> None:
        self.source_name = source_name
        grouped: dict[str, dict[dt.date, EurRate]] = {}
        for row in rows:
            grouped.setdefault(row.currency, {})[row.rate_date] = row
        self._series: dict[str, tuple[list[dt.date], list[EurRate]]] = {}
        all_dates: set[dt.date] = set()
        for currency, by_date in grouped.items():
            dates = sorted(by_date)
            self._series[currency] = (dates, [by_date[d] for d in dates])
            all_dates.update(dates)
        self._dates = sorted(all_dates)
        self._date_set = all_dates

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self._series)

    @property
    def first_date(self) -> dt.date | None:
        return self._dates[0] if self._dates else None

    @property
    def latest_date(self) -> dt.date | None:
        return self._dates[-1] if self._dates else None

    def __len__(self) -> int:
        return sum(len(dates) for dates, _ in self._series.values())

    def lookup(self, currency: str, on: dt.date) -> RateLookup:
        check_currency(currency)
        series = self._series.get(currency)
        if series is None:
            raise RateNotAvailableError(f"{self.source_name} publishes no {currency} rates")
        dates, rows = series
        index = bisect.bisect_right(dates, on)
        if index == 0:
            raise RateNotAvailableError(
                f"{self.source_name} has no {currency} rate on or before {on.isoformat()}; "
                f"its {currency} history starts on {dates[0].isoformat()}"
            )
        return RateLookup(
            rate=rows[index - 1],
            requested=on,
            source_published_on_date=on in self._date_set,
            latest_date=self._dates[-1],
        )

    def between(self, start: dt.date, end: dt.date) -> list[EurRate]:
        out: list[EurRate] = []
        for currency in sorted(self._series):
            dates, rows = self._series[currency]
            lo, hi = bisect.bisect_left(dates, start), bisect.bisect_right(dates, end)
            out.extend(rows[lo:hi])
        out.sort(key=lambda r: (r.rate_date, r.currency))
        return out
