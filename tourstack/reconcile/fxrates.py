"""FX for matching: converts transaction amounts into the invoice's currency on the booking date.

Why a cache of rates rather than one `convert` per row: a million-row run has a few thousand
distinct (from, to, date) triples, and each conversion goes through `tourstack.fx.convert`, which
records the ECB rate of that date (or the last one published before it). Amounts stay integer
minor units and Decimal; the one rounding is money's half-even.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, localcontext

from tourstack.fx import FxError, RateSource, convert
from tourstack.money import ROUNDING, Money, exponent


class FxConverter:
    def __init__(self, source: RateSource | None) -> None:
        self._source = source
        self._rates: dict[tuple[str, str, dt.date], Decimal | None] = {}
        self._factors: dict[tuple[str, str, dt.date], Decimal] = {}

    def rate(self, src: str, dst: str, on: dt.date) -> Decimal | None:
        """1 `src` in `dst` on `on`, or None when no rate is known (then nothing cross-matches)."""
        if src == dst:
            return Decimal(1)
        key = (src, dst, on)
        if key not in self._rates:
            value: Decimal | None = None
            if self._source is not None:
                try:
                    value = convert(Money(1, src), dst, on, self._source).rate
                except (FxError, ValueError):
                    value = None
            self._rates[key] = value
        return self._rates[key]

    def factor(self, src: str, dst: str, on: dt.date) -> Decimal | None:
        """Minor units of `src` -> minor units of `dst`: rate x 10^(exp(dst) - exp(src))."""
        key = (src, dst, on)
        factor = self._factors.get(key)
        if factor is None:
            rate = self.rate(src, dst, on)
            if rate is None:
                return None
            factor = rate.scaleb(exponent(dst) - exponent(src))
            self._factors[key] = factor
        return factor

    def minor(self, amount_minor: int, src: str, dst: str, on: dt.date) -> int | None:
        """`amount_minor` of `src` in minor units of `dst`, rounded once, half-even."""
        if src == dst:
            return amount_minor
        factor = self.factor(src, dst, on)
        if factor is None:
            return None
        with localcontext() as ctx:
            ctx.prec = 38
            return int((Decimal(amount_minor) * factor).to_integral_value(rounding=ROUNDING))
