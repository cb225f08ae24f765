"""Money as integer minor units with ISO 4217 exponents, and Decimal at the edges.

Rounding policy (the only one in Tourstack): ROUND_HALF_EVEN (banker's rounding), applied
whenever a Decimal must fit a currency's minor units: constructing `Money`, multiplying it,
`to_minor`, and the result of an FX conversion. Half-even rounds exact halves to the even
neighbour, so repeated conversions and postings do not drift upwards the way half-up does.
Splitting an amount (`allocate`) never rounds: it hands out whole minor units by largest
remainder, so the parts always add up to the whole.

Floats are refused everywhere (TypeError): 0.1 has no exact binary value, and an amount that is
already wrong cannot be rounded right.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

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


class CurrencyMismatchError(CurrencyError):
    """Arithmetic or comparison across currencies: convert first, with a recorded rate."""


def validate_currency(code: str) -> str:
    if code not in ISO_4217:
        raise CurrencyError(f"not an ISO 4217 currency code: {code!r}")
    return code


def exponent(currency: str) -> int:
    return _EXPONENTS.get(validate_currency(currency), 2)


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: Decimal('0.01') for EUR, ('1') for JPY."""
    return Decimal(1).scaleb(-exponent(currency))


def to_minor(amount: Decimal | str | int, currency: str) -> int:
    """Decimal amount -> integer minor units, rounded half-even."""
    value = Decimal(amount).quantize(quantum(currency), rounding=ROUNDING)
    return int(value.scaleb(exponent(currency)))


def from_minor(minor: int, currency: str) -> Decimal:
    """Integer minor units -> Decimal with exactly the currency's number of places."""
    return Decimal(minor).scaleb(-exponent(currency)).quantize(quantum(currency))


def format_money(minor: int, currency: str) -> str:
    return f"{from_minor(minor, currency):,} {currency}"


def _exact_decimal(value: object, what: str) -> Decimal:
    """Decimal, int or numeric str -> finite Decimal; float and everything else -> TypeError."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{what} must be Decimal, int or str, never {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"{what} is not a number: {value!r}") from None
    else:
        raise TypeError(f"{what} must be Decimal, int or str, not {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return result


class ExcessPrecisionError(CurrencyError):
    """An amount with more decimal places than its currency has (75000.50 JPY).

    Refused rather than rounded: whoever typed the extra digits meant something by them, and a
    silently rounded echo hides what was actually converted, charged or booked."""


def exact_amount(value: Decimal | int | str, currency: str) -> Decimal:
    """`value` as a Decimal of `currency`, refusing (never rounding) digits below its minor unit.

    The boundary check for amounts a person or a client typed; `Money(...)` rounds half-even and
    is meant for amounts computed inside Tourstack."""
    amount = _exact_decimal(value, "amount")
    places = exponent(currency)
    try:
        exact = amount.quantize(quantum(currency))
    except InvalidOperation:  # more digits than the 28-digit context holds
        raise CurrencyError(f"{value} {currency} is too large an amount") from None
    if amount != exact:
        allowed = "no decimals" if places == 0 else f"at most {places} decimal places"
        raise ExcessPrecisionError(f"{value} {currency} has more decimals than {currency} allows "
                                   f"({allowed}); give the amount exactly")
    return exact


@dataclass(frozen=True, slots=True, init=False)
class Money:
    """An amount in one currency, held as a Decimal with exactly the currency's minor places.

    Immutable and hashable. Adding or comparing different currencies raises
    CurrencyMismatchError instead of guessing a rate; multiplication rounds half-even.
    """

    amount: Decimal
    currency: str

    def __init__(self, amount: Decimal | int | str, currency: str) -> None:
        validate_currency(currency)
        value = _exact_decimal(amount, "amount").quantize(quantum(currency), rounding=ROUNDING)
        object.__setattr__(self, "amount", value)
        object.__setattr__(self, "currency", currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        if isinstance(minor, bool) or not isinstance(minor, int):
            raise TypeError(f"minor units must be int, not {type(minor).__name__}")
        return cls(from_minor(minor, currency), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @property
    def minor(self) -> int:
        return int(self.amount.scaleb(exponent(self.currency)))

    def is_zero(self) -> bool:
        return self.amount == 0

    def _same(self, other: object, op: str) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"cannot {op} Money and {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"cannot {op} {self.currency} and {other.currency}")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other, "add").amount, self.currency)

    def __radd__(self, other: object) -> Money:
        # Lets sum() start from its default 0; any other non-Money operand is an error.
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return self._same(other, "add") + self

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other, "subtract").amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, Money) or isinstance(factor, str):
            return NotImplemented
        return Money(self.amount * _exact_decimal(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other, "compare").amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other, "compare").amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other, "compare").amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other, "compare").amount

    def __str__(self) -> str:
        return f"{self.amount:,} {self.currency}"

    def __repr__(self) -> str:
        return f"Money('{self.amount}', '{self.currency}')"


def allocate(money: Money, ratios: Sequence[Decimal | int | str]) -> list[Money]:
    """Split `money` in proportion to `ratios` without creating or losing a minor unit.

    Largest remainder: every part first gets the whole minor units of its exact share; the
    units left over go one each to the parts with the largest fractional remainders (earlier
    parts win ties). 100.00 EUR over [1, 1, 1] -> 33.34, 33.33, 33.33. Negative amounts split
    like their absolute value, negated, so refunds mirror the original charge.
    """
    if not ratios:
        raise ValueError("allocate needs at least one ratio")
    weights = [Fraction(_exact_decimal(r, "ratio")) for r in ratios]
    if any(w < 0 for w in weights):
        raise ValueError("ratios must not be negative")
    total_weight = sum(weights)
    if total_weight == 0:
        raise ValueError("ratios must not all be zero")
    sign = -1 if money.minor < 0 else 1
    total = abs(money.minor)
    shares = [total * w / total_weight for w in weights]
    parts = [int(s) for s in shares]  # floor: shares are non-negative
    leftover = total - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in by_remainder[:leftover]:
        parts[i] += 1
    return [Money.from_minor(sign * p, money.currency) for p in parts]


def split_evenly(money: Money, parts: int) -> list[Money]:
    """`parts` near-equal shares (the first ones carry the odd minor units)."""
    if isinstance(parts, bool) or not isinstance(parts, int) or parts < 1:
        raise ValueError("parts must be a positive int")
    return allocate(money, [1] * parts)
