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

# Active ISO 4217 alphabetic codes (funds and precious metals excluded).
ISO_4217 = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())


class CurrencyError(ValueError):
    pass


def validate_currency(code: str) -> str:
    if code not in ISO_4217:
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
