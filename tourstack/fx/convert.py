"""Currency conversion with provenance: every result says which rate, of which day, from whom.

Cross rates go through EUR: rate(A->B) = rate(EUR->B) / rate(EUR->A), computed in a 28-digit
Decimal context; only the converted amount is rounded, once, with money's half-even policy.
On a weekend, a holiday or a date the source has not reached, the last rate published before
the date is used and the result says so in `stated`, because an invoice that silently uses
Friday's rate for a Sunday is indistinguishable from one that used the wrong rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, localcontext

from tourstack.fx.errors import RateNotAvailableError
from tourstack.fx.rates import BASE, SOURCE_LABELS, RateLookup, RateSource, check_currency
from tourstack.money import Money

CROSS_PRECISION = 28


@dataclass(frozen=True, slots=True)
class Conversion:
    """`original` converted to `converted` at 1 original.currency = `rate` converted.currency."""

    original: Money
    converted: Money
    rate: Decimal
    rate_date: dt.date
    requested_date: dt.date
    source: str
    legs: tuple[RateLookup, ...] = ()

    @property
    def is_carried_forward(self) -> bool:
        return self.rate_date < self.requested_date

    @property
    def stated(self) -> str:
        """One sentence naming the rate used, e.g. for an invoice footnote or the CLI."""
        if not self.legs:
            return f"same currency on {self.requested_date.isoformat()}; no rate applied"
        parts: list[str] = []
        for leg in _distinct_leg_dates(self.legs):
            parts.append(_state_leg(leg))
        return "; ".join(parts)


def _weekday(day: dt.date) -> str:
    return day.strftime("%A")


def _distinct_leg_dates(legs: tuple[RateLookup, ...]) -> list[RateLookup]:
    # Legs of the same day read as one statement; a derived leg names the derivation.
    by_date: dict[dt.date, RateLookup] = {}
    for leg in legs:
        kept = by_date.setdefault(leg.rate.rate_date, leg)
        if leg.rate.source.endswith("_derived") and not kept.rate.source.endswith("_derived"):
            by_date[leg.rate.rate_date] = leg
    return list(by_date.values())


def _state_leg(leg: RateLookup) -> str:
    label = SOURCE_LABELS.get(leg.rate.source, f"{leg.rate.source} rate")
    used, requested = leg.rate.rate_date, leg.requested
    text = f"{label} of {used.isoformat()} ({_weekday(used)})"
    if used == requested:
        return text
    if requested > leg.latest_date:
        return (
            f"{text}; {requested.isoformat()} is after the latest publication available "
            f"({leg.latest_date.isoformat()})"
        )
    if leg.source_published_on_date:
        return f"{text}; no {leg.rate.currency} rate was published on {requested.isoformat()}"
    return f"{text}; {requested.isoformat()} is not a publication day"


def _combined_source(sources: list[str]) -> str:
    distinct = sorted(set(sources))
    if len(distinct) == 1:
        return distinct[0]
    # A pair crossed from an ECB rate and a rate derived from ECB data is itself derived.
    derived = [s for s in distinct if s.endswith("_derived") and s.removesuffix("_derived") in distinct]
    if len(distinct) == 2 and derived:
        return derived[0]
    return "+".join(distinct)


def convert(
    money: Money,
    to: str,
    on: dt.date,
    rates: RateSource,
    *,
    max_carry_days: int | None = None,
) -> Conversion:
    """Convert `money` into currency `to` at the rates `rates` holds for `on`.

    Raises UnknownCurrencyError for a code outside ISO 4217, RateNotAvailableError when the
    source has no rate on or before `on` (or, with `max_carry_days`, none recent enough).
    """
    check_currency(money.currency)
    check_currency(to)
    if money.currency == to:
        return Conversion(money, money, Decimal(1), on, on, "identity")

    legs: dict[str, RateLookup] = {}
    for currency in (money.currency, to):
        if currency != BASE:
            legs[currency] = rates.lookup(currency, on)
    with localcontext() as ctx:
        ctx.prec = CROSS_PRECISION
        from_rate = legs[money.currency].rate.rate if money.currency in legs else Decimal(1)
        to_rate = legs[to].rate.rate if to in legs else Decimal(1)
        rate = to_rate / from_rate
        converted = Money(money.amount * rate, to)

    rate_date = min(leg.rate.rate_date for leg in legs.values())
    if max_carry_days is not None and (on - rate_date).days > max_carry_days:
        raise RateNotAvailableError(
            f"{rates.name}: the latest rate on or before {on.isoformat()} is from "
            f"{rate_date.isoformat()}, more than {max_carry_days} days earlier"
        )
    ordered = tuple(legs[c] for c in (money.currency, to) if c in legs)
    return Conversion(
        original=money,
        converted=converted,
        rate=rate,
        rate_date=rate_date,
        requested_date=on,
        source=_combined_source([leg.rate.source for leg in ordered]),
        legs=ordered,
    )
