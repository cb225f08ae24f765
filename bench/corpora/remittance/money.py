"""What happens to the money on the way: TDS, bank charges, gateway fees with GST, conversions
at the converting party's own rate.

Reference rates come from the bundled ECB history (`tourstack.fx`), the same public source a
bank's rate sheet starts from; every party then applies its own spread, and some payers use a
monthly rate (first business day of the month) instead of the day's.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from tourstack.fx import EcbOfflineSource

GST = Decimal("0.18")
_SOURCE = EcbOfflineSource()


@lru_cache(maxsize=None)
def _eur(currency: str, day: dt.date) -> Decimal:
    return Decimal(1) if currency == "EUR" else _SOURCE.lookup(currency, day).rate.rate


def mid(frm: str, to: str, day: dt.date) -> Decimal:
    """Units of `to` for one unit of `frm` at the ECB reference rates of `day` (last published)."""
    return _eur(to, day) / _eur(frm, day)


def month_rate(frm: str, to: str, day: dt.date) -> Decimal:
    """The rate of the first business day of the month, as an accounting system would hold it."""
    first = day.replace(day=1)
    while first.weekday() >= 5:
        first += dt.timedelta(days=1)
    return mid(frm, to, first)


def minor(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def convert(amount: int, rate: Decimal) -> int:
    return minor(Decimal(amount) * rate)


def tds(rng: random.Random, agency, invoices_amounts: list[tuple[int, int]]) -> int:
    """Income-tax deducted at source on a domestic payment: `rate` of the taxable value (or, by
    mistake, of the gross) of each invoice paid; nothing below the single-payment threshold."""
    if agency.tds_rate == 0:
        return 0
    total = sum(a for a, _ in invoices_amounts)
    if total < 30_000_00:
        return 0
    base = sum(a if agency.tds_on_gross else t for a, t in invoices_amounts)
    return minor(Decimal(base) * Decimal(str(agency.tds_rate)))


def swift_deductions(rng: random.Random, charges: str, currency: str) -> int:
    """Intermediary and correspondent fees taken from a wire on the way (minor units of `currency`)."""
    banks = 0
    if charges in ("SHA", "BEN"):
        banks = rng.choices([0, 1, 2], [0.25, 0.5, 0.25])[0]
    elif rng.random() < 0.15:  # OUR, deducted anyway by an intermediary
        banks = 1
    per_bank = {"USD": (10, 35), "EUR": (10, 30), "GBP": (8, 25), "AED": (35, 120), "INR": (800, 2500)}[currency]
    total = sum(rng.randint(*per_bank) for _ in range(banks)) * 100
    if charges == "BEN":
        total += rng.randint(*per_bank) * 100  # our bank's charge passed on to us as well
    return total


def conversion_gst(inr_amount: int) -> int:
    """GST (18 %) on the value of a currency conversion, by the slab of CGST rule 32(2)(b)."""
    value = Decimal(inr_amount) / 100
    if value <= 100_000:
        taxable = max(value * Decimal("0.01"), Decimal(250))
    elif value <= 1_000_000:
        taxable = Decimal(1000) + (value - 100_000) * Decimal("0.005")
    else:
        taxable = min(Decimal(5500) + (value - 1_000_000) * Decimal("0.001"), Decimal(60_000))
    return minor(taxable * GST * 100)


def our_bank_inr(rng: random.Random, fcy_amount: int, currency: str, day: dt.date) -> int:
    """An inward remittance credited to the INR account: our bank's TT buying rate (below the
    mid rate), less its inward-remittance charge with GST and the GST on the conversion."""
    rate = mid(currency, "INR", day) * (1 - Decimal(str(round(rng.uniform(0.003, 0.012), 4))))
    inr = convert(fcy_amount, rate)
    charge = rng.choice([250, 300, 500, 500, 750]) * 100
    return inr - charge - minor(Decimal(charge) * GST) - conversion_gst(inr)


def payer_equivalent(rng: random.Random, amount: int, inv_ccy: str, pay_ccy: str, day: dt.date, habit: str) -> int:
    """What a payer sends in its own currency for `amount` of the invoice's: its bank's rate of the
    day (the bank sells the invoice currency dearer) or its monthly accounting rate."""
    if habit == "own_ccy_monthly":
        rate = month_rate(inv_ccy, pay_ccy, day) * (1 + Decimal(str(round(rng.uniform(-0.004, 0.008), 4))))
    else:
        rate = mid(inv_ccy, pay_ccy, day) * (1 + Decimal(str(round(rng.uniform(0.004, 0.03), 4))))
    return convert(amount, rate)


def gateway_fee(rng: random.Random, gateway: str, gross: int, currency: str, international: bool) -> int:
    """The gateway's fee plus 18 % GST on it (PayPal: percentage plus a fixed fee, no GST)."""
    if gateway == "paypal":
        fixed = {"USD": 30, "EUR": 35, "GBP": 20, "AED": 120, "INR": 300}[currency]
        return minor(Decimal(gross) * Decimal("0.044")) + fixed
    rate = Decimal("0.03") if international else Decimal(rng.choice(["0.02", "0.02", "0.0185", "0.0199"]))
    fee = Decimal(gross) * rate
    return minor(fee) + minor(fee * GST)


def gateway_settles_inr(rng: random.Random, gateway: str, amount: int, currency: str, day: dt.date) -> int:
    """A foreign-currency card charge settled in INR at the gateway's rate (its conversion fee)."""
    markup = {"stripe": 0.02, "razorpay": 0.015}[gateway] + rng.uniform(-0.002, 0.002)
    return convert(amount, mid(currency, "INR", day) * (1 - Decimal(str(round(markup, 4)))))
