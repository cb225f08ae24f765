"""Money as integer minor units with ISO 4217 exponents, and Decimal at the edges.

Rounding policy: ROUND_HALF_EVEN (banker's rounding) whenever a Decimal must become minor units,
so repeated conversions do not drift upwards.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 minor-unit exponents for the currencies Tourstack trades in; 2 is the default.
_EXPONENTS = {
    "JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "CLP": 0, "ISK": 0, "HUF": 2,
    "KWD": 3, "BHD": 3, "OMR": 3, "JOD": 3, "TND": 3, "LYD": 3, "IQD": 3,
}
ROUNDING = ROUND_HALF_EVEN


class CurrencyError(ValueError):
    pass


def validate_currency(code: str) -> str:
    if len(code) != 3 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise CurrencyError(f"not an ISO 4217 currency code: {code!r}")
    return code


def exponent(currency: str) -> int:
    return _EXPONENTS.get(validate_currency(currency), 2)


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Decimal amount -> integer minor units, rounded half-even."""
    quantum = Decimal(1).scaleb(-exponent(currency))
    value = Decimal(amount).quantize(quantum, rounding=ROUNDING)
    return int(value.scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units -> Decimal with exactly the currency's number of places."""
    return Decimal(minor).scaleb(-exponent(currency)).quantize(
        Decimal(1).scaleb(-exponent(currency))
    )


def format_money(minor: int, currency: str) -> str:
    return f"{from_minor(minor, currency):,} {currency}"
