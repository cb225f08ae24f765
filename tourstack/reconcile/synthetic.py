"""Labelled synthetic transactions and receivables for testing and benchmarking the matcher.

Why its own generator (not tourstack.demo): a benchmark needs ground truth for every line,
including the awkward cases the demo data has too few of: split payments and installments,
gateway fees (net amount + fee column), FX payments within a spread, typos in references
(some landing on another invoice's sequential number), payments without reference, one payment
for several invoices (quoted, or a batch issued the same day paid without reference), duplicates,
refunds a month later, over- and underpayments, same-amount invoices and unrelated noise.

`generate(n)` returns exactly n transactions (as CSV text columns), the receivables, and the
labels: the expected allocations (txn_id, invoice_number, amount_applied minor) and the expected
exception reason per transaction that should not be (fully) allocated.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl

from tourstack.money import exponent, from_minor, to_minor
from tourstack.reconcile.fxrates import FxConverter

_ADJ = ("Blue Silver Golden Royal Coral Desert Alpine Lotus Amber Cedar Maple Ivory Jade Ruby Coastal Polar "
        "Sunny Misty Crimson Emerald Velvet Quiet Swift Noble Bright Hidden Grand Little Northern Southern "
        "Eastern Western Urban Wild Gentle Bold Silent Happy Azure Scarlet").split()
_NOUN = ("Lagoon Compass Horizon Caravan Harbor Meadow Summit Oasis Bridge Island Voyager Falcon Lantern "
         "Orchard Pebble Canyon River Atlas Beacon Garden Pioneer Trail Breeze Anchor Valley Nomad Crown "
         "Journey Tiger Lotus Palm Dune Fjord Glacier Safari Pagoda Mosaic Comet Heron Willow").split()
_KIND = ("Travel", "Tours", "Holidays", "Voyages", "Trips", "Journeys")
_LEGAL = ("Ltd", "GmbH", "LLC", "Pvt Ltd", "SARL", "BV", "Inc", "Limited", "")
_FIRST = ("Anna Ben Carla David Elena Farid Grace Hiro Ines Jonas Kiran Lena Marco Nadia Omar Priya Quinn "
          "Rosa Sami Tara Umar Vera Wei Ximena Yusuf Zoe").split()
_LAST = ("Müller Smith Rossi Kumar Tanaka Garcia Novak Haddad Silva Berg Dubois Okafor Jensen Costa Ivanova "
         "Fischer Patel Moreau Nakamura Lopez").split()
CURRENCIES = ("EUR", "USD", "GBP", "INR", "AED", "JPY")
_CUR_P = (0.45, 0.2, 0.15, 0.1, 0.05, 0.05)
_SCALE = {"EUR": 1, "USD": 1, "GBP": 1, "INR": 90, "AED": 4, "JPY": 160}
_ROUND = (500, 1000, 1500, 2000, 2500)
SCENARIOS = {  # per invoice slot
    "invoice_ref": 0.30, "booking_ref": 0.12, "virtual_account": 0.07, "gateway_fee": 0.12,
    "split": 0.08, "installments": 0.04, "typo": 0.06, "no_ref": 0.04, "fx": 0.05,
    "multi_ref": 0.02, "batch_no_ref": 0.01, "over": 0.01, "under": 0.02, "unpaid": 0.06,
}
START = dt.date(2024, 1, 1)
SPAN_DAYS = 540


@dataclass(frozen=True)
class SyntheticSet:
    transactions: pl.DataFrame   # CSV columns, all text
    receivables: pl.DataFrame    # CSV columns, all text
    expected: pl.DataFrame       # txn_id, invoice_number, amount_applied (minor, invoice currency)
    expected_exceptions: pl.DataFrame  # txn_id, reason


def _typo(rng: np.random.Generator, text: str) -> str:
    k = int(rng.integers(1, len(text) - 1))
    roll = int(rng.integers(0, 4))
    if roll == 0:
        alphabet = "0123456789" if text[k].isdigit() else "ABCDEFGHJKLMNPQRSTUVWXYZ"
        return text[:k] + alphabet[int(rng.integers(0, len(alphabet)))] + text[k + 1:]
    if roll == 1:
        return text[:k] + text[k + 1:]
    if roll == 2 and text[k] != text[k + 1]:
        return text[:k] + text[k + 1] + text[k] + text[k + 2:]
    return text[:k] + "0O"[int(text[k] == "0")] + text[k + 1:] if text[k] in "0O" else text[:k] + "X" + text[k:]


class _Builder:
    def __init__(self, n: int, seed: int, fx: FxConverter) -> None:
        self.rng = np.random.default_rng(seed)
        self.fx = fx
        rng = self.rng
        n_agencies = int(min(800, max(40, n // 1500)))
        cores = rng.permutation([f"{a} {b}" for a in _ADJ for b in _NOUN])[:n_agencies]
        self.agencies = [f"{c} {_KIND[int(rng.integers(0, len(_KIND)))]} {_LEGAL[int(rng.integers(0, len(_LEGAL)))]}".strip()
                         for c in cores]
        self.inv: list[tuple] = []
        self.txn: list[tuple] = []
        self.expected: list[tuple[str, str, int]] = []
        self.exceptions: list[tuple[str, str]] = []
        self.seq = 0

    # -- helpers -------------------------------------------------------------------------------
    def payer(self, agency: str) -> str:
        r = self.rng.random()
        if r < 0.4:
            return agency.upper()
        words = agency.split()
        if r < 0.7:
            return " ".join(words[:3]).upper()
        if r < 0.9:
            return f"{words[0]} {words[1]} Limited".upper()
        return f"{words[0]} {words[1]}".upper()

    def invoice(self, agency: str | None = None, currency: str | None = None, issued: dt.date | None = None,
                amount: int | None = None) -> tuple:
        rng = self.rng
        self.seq += 1
        agency = agency or self.agencies[int(rng.integers(0, len(self.agencies)))]
        currency = currency or str(rng.choice(CURRENCIES, p=_CUR_P))
        issued = issued or START + dt.timedelta(days=int(rng.integers(0, SPAN_DAYS)))
        if amount is None:
            if rng.random() < 0.1:
                major = _ROUND[int(rng.integers(0, len(_ROUND)))] * _SCALE[currency]
                amount = to_minor(Decimal(major), currency)
            else:
                major = Decimal(int(rng.integers(20_000, 1_500_000))) / 100 * _SCALE[currency]
                amount = to_minor(major, currency)
        booking = "BK" + "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 6))
        row = (f"INV-{issued.year}-{self.seq:07d}", booking, agency,
               f"{_FIRST[int(rng.integers(0, len(_FIRST)))]} {_LAST[int(rng.integers(0, len(_LAST)))]}",
               amount, currency, issued, issued + dt.timedelta(days=30))
        self.inv.append(row)
        return row

    def pay(self, day: dt.date, amount: int, currency: str, reference: str, payer: str, description: str,
            fee: int = 0, source: str = "bank") -> str:
        txn_id = f"T{len(self.txn) + 1:08d}"
        self.txn.append((txn_id, source, day, amount, currency, fee, reference, payer, description))
        return txn_id

    def later(self, day: dt.date, lo: int, hi: int) -> dt.date:
        return day + dt.timedelta(days=int(self.rng.integers(lo, hi + 1)))

    # -- scenarios -----------------------------------------------------------------------------
    def slot(self, kind: str) -> None:
        rng = self.rng
        if kind in ("multi_ref", "batch_no_ref"):
            first = self.invoice()
            k = int(rng.integers(2, 5))
            group = [first] + [self.invoice(first[2], first[5], first[6]) for _ in range(k - 1)]
            total = sum(g[4] for g in group)
            day = self.later(first[6], 3, 40)
            if kind == "multi_ref":
                desc = "PAYMENT " + " ".join(g[0] for g in group)
                t = self.pay(day, total, first[5], "", self.payer(first[2]), desc)
            else:
                t = self.pay(day, total, first[5], "", self.payer(first[2]), "BATCH SETTLEMENT")
            self.expected.extend((t, g[0], g[4]) for g in group)
            return
        number, booking, agency, _cust, due, cur, issued, _due_on = self.invoice()
        if kind == "unpaid":
            return
        payer, day = self.payer(agency), self.later(issued, 0, 45)
        if kind == "invoice_ref":
            t = self.pay(day, due, cur, number, payer, "SEPA CREDIT TRANSFER")
            self.expected.append((t, number, due))
            self.maybe_duplicate(t, day, due, cur, number, payer)
            self.maybe_refund(day, due, cur, number, payer)
        elif kind == "booking_ref":
            t = self.pay(day, due, cur, "", payer, f"SWIFT CREDIT {payer} REF {booking}")
            self.expected.append((t, number, due))
            self.maybe_refund(day, due, cur, booking, payer)
        elif kind == "virtual_account":
            t = self.pay(day, due, cur, f"TSVA{booking}", payer, "VIRTUAL ACCOUNT CREDIT")
            self.expected.append((t, number, due))
        elif kind == "gateway_fee":
            fee = due * 29 // 1000 + (30 if exponent(cur) == 2 else 0)
            gid = "pi_" + "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), 20))
            t = self.pay(day, due - fee, cur, gid, payer, f"Card payment booking {booking}", fee, "stripe")
            self.expected.append((t, number, due))
        elif kind in ("split", "installments"):
            parts = [3, 7] if kind == "split" else [4, 3, 3]
            amounts = [due * p // 10 for p in parts]
            amounts[-1] = due - sum(amounts[:-1])
            day = self.later(issued, 0, 10)
            for j, amount in enumerate(amounts):
                ref = number if rng.random() < 0.6 else booking
                t = self.pay(day, amount, cur, ref, payer, f"INSTALLMENT {j + 1}")
                self.expected.append((t, number, amount))
                day = self.later(day, 10, 40)
        elif kind == "typo":
            ref = _typo(rng, number if rng.random() < 0.6 else booking)
            t = self.pay(day, due, cur, ref, payer, "BANK TRANSFER")
            self.expected.append((t, number, due))
        elif kind == "no_ref":
            t = self.pay(day, due, cur, "", payer, "TRANSFER")
            self.expected.append((t, number, due))
        elif kind == "fx":
            pay_cur = "USD" if cur == "EUR" else "EUR"
            converted = self.fx.minor(due, cur, pay_cur, day)
            spread = Decimal(int(rng.integers(-40, 41))) / 10_000
            amount = to_minor(from_minor(converted, pay_cur) * (1 + spread), pay_cur)
            ref = number if rng.random() < 0.5 else booking
            t = self.pay(day, amount, pay_cur, ref, payer, f"FX PAYMENT {cur}")
            self.expected.append((t, number, due))
        elif kind == "over":
            extra = max(1, due * int(rng.integers(1, 20)) // 100)
            t = self.pay(day, due + extra, cur, number, payer, "TRANSFER")
            self.expected.append((t, number, due))
            self.exceptions.append((t, "overpayment"))
        elif kind == "under":
            short = max(1, due * int(rng.integers(1, 20)) // 100)
            t = self.pay(day, due - short, cur, number, payer, "TRANSFER")
            self.expected.append((t, number, due - short))

    def maybe_duplicate(self, t: str, day: dt.date, due: int, cur: str, ref: str, payer: str) -> None:
        if self.rng.random() < 0.03:
            d = self.pay(self.later(day, 1, 5), due, cur, ref, payer, "SEPA CREDIT TRANSFER")
            self.exceptions.append((d, "duplicate"))

    def maybe_refund(self, day: dt.date, due: int, cur: str, ref: str, payer: str) -> None:
        if self.rng.random() < 0.03:
            number = self.inv[-1][0]
            amount = due if self.rng.random() < 0.5 else due // 4
            r = self.pay(self.later(day, 20, 40), -amount, cur, ref, payer, f"REFUND {ref}")
            self.expected.append((r, number, -amount))

    def noise(self, count: int) -> None:
        rng = self.rng
        for _ in range(count):
            day = START + dt.timedelta(days=int(rng.integers(0, SPAN_DAYS)))
            amount = int(rng.integers(1_001, 999_999)) * 10 + 7
            who = f"{_FIRST[int(rng.integers(0, len(_FIRST)))]} {_LAST[int(rng.integers(0, len(_LAST)))]} X".upper()
            t = self.pay(day, amount, "EUR", "", who, f"MISC CREDIT {int(rng.integers(10**7, 10**8))}")
            self.exceptions.append((t, "no_match"))


def generate(n_transactions: int, *, seed: int = 7, rates=None) -> SyntheticSet:
    """Exactly `n_transactions` labelled transactions (about 1% noise) and their receivables."""
    from tourstack.fx import EcbOfflineSource

    b = _Builder(n_transactions, seed, FxConverter(rates or EcbOfflineSource()))
    names, probs = list(SCENARIOS), np.array(list(SCENARIOS.values()))
    probs = probs / probs.sum()
    target = n_transactions - max(1, n_transactions // 100)
    while len(b.txn) < target:
        for kind in b.rng.choice(names, size=max(16, (target - len(b.txn)) // 2), p=probs):
            b.slot(str(kind))
            if len(b.txn) >= target:
                break
    b.noise(n_transactions - len(b.txn))
    return _frames(b, n_transactions)


def _text(minor: int, currency: str) -> str:
    return str(from_minor(minor, currency))


def _frames(b: _Builder, n: int) -> SyntheticSet:
    # Slots may overshoot the target by a few lines: trim the last transactions and their labels.
    txn = b.txn[:n]
    kept = {t[0] for t in txn}
    t_cols = list(zip(*txn, strict=True))
    transactions = pl.DataFrame({
        "txn_id": t_cols[0], "source": t_cols[1], "booked_on": [d.isoformat() for d in t_cols[2]],
        "amount": [_text(a, c) for a, c in zip(t_cols[3], t_cols[4], strict=True)], "currency": t_cols[4],
        "fee": [_text(f, c) if f else "" for f, c in zip(t_cols[5], t_cols[4], strict=True)],
        "reference": t_cols[6], "counterparty": t_cols[7], "description": t_cols[8],
    })
    i_cols = list(zip(*b.inv, strict=True))
    receivables = pl.DataFrame({
        "invoice_number": i_cols[0], "booking_ref": i_cols[1], "agency": i_cols[2], "customer_name": i_cols[3],
        "amount_due": [_text(a, c) for a, c in zip(i_cols[4], i_cols[5], strict=True)], "currency": i_cols[5],
        "issued_on": [d.isoformat() for d in i_cols[6]], "due_on": [d.isoformat() for d in i_cols[7]],
    })
    expected = pl.DataFrame([e for e in b.expected if e[0] in kept],
                            schema={"txn_id": pl.String, "invoice_number": pl.String, "amount_applied": pl.Int64},
                            orient="row")
    exceptions = pl.DataFrame([e for e in b.exceptions if e[0] in kept],
                              schema={"txn_id": pl.String, "reason": pl.String}, orient="row")
    return SyntheticSet(transactions, receivables, expected, exceptions)


def write_csv(data: SyntheticSet, directory) -> tuple:
    from pathlib import Path

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    data.transactions.write_csv(out / "transactions.csv")
    data.receivables.write_csv(out / "receivables.csv")
    return out / "transactions.csv", out / "receivables.csv"
