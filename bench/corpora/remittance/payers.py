"""How the agencies pay: payment plans, payment runs, mistakes, and what we refund.

The result is a list of `Payment` decisions (who pays what, for which invoices, when, through
which channel, naming which invoices), rendered into statement and gateway lines by `channels`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from bench.corpora.remittance.world import END, Agency, Invoice

PLAN_WEIGHTS = {"full": 0.62, "deposit_balance": 0.2, "installments": 0.07, "rounded_up": 0.025, "unpaid": 0.06}


@dataclass
class Payment:
    day: dt.date
    agency: Agency
    parts: list[tuple[Invoice, int, str]]   # (invoice, intended amount in its currency, settle | partial)
    kind: str                               # the behaviour it stands for (see labels.KINDS)
    named: int                              # how many of the invoices the remarks name
    channel: str = ""
    tags: set[str] = field(default_factory=set)


def _late(rng: random.Random, inv: Invoice) -> dt.date:
    terms = (inv.due - inv.issued).days
    days = max(0, round(math.exp(rng.gauss(math.log(terms + 3), 0.55))) - 3)
    return inv.issued + dt.timedelta(days=min(days, 120))


def _round_part(rng: random.Random, value: float, currency: str) -> int:
    unit = 1000_00 if currency == "INR" else 50_00
    return max(unit, int(value // unit) * unit)


def _naming(rng: random.Random, style: str, count: int) -> int:
    if style == "silent":
        return 0
    if count == 1:
        return 1
    weights = {"careful": (0.6, 0.25, 0.15), "sloppy": (0.35, 0.3, 0.35), "booking": (0.4, 0.2, 0.4)}[style]
    how = rng.choices(["all", "some", "none"], weights)[0]
    return count if how == "all" else (0 if how == "none" else rng.randint(1, count - 1))


def _single_naming(rng: random.Random, style: str) -> int:
    return 0 if style == "silent" or rng.random() < 0.06 else 1


def plan_payments(rng: random.Random, invoices: list[Invoice]) -> list[Payment]:
    payments: list[Payment] = []
    batch_pool: dict[str, list[Invoice]] = {}
    for inv in invoices:
        agency = inv.agency
        recent = (END - inv.issued).days < 45
        if agency.batch_payer and rng.random() < 0.75 and not (recent and rng.random() < 0.5):
            batch_pool.setdefault(agency.code, []).append(inv)
            continue
        plan = rng.choices(list(PLAN_WEIGHTS), list(PLAN_WEIGHTS.values()))[0]
        if recent and rng.random() < 0.25:
            plan = "unpaid"
        payments.extend(_plan(rng, inv, plan))
    for code, pool in batch_pool.items():
        payments.extend(_payment_runs(rng, pool[0].agency, pool))
    _pay_twins_out_of_order(rng, payments)
    return payments


def _plan(rng: random.Random, inv: Invoice, plan: str) -> list[Payment]:
    agency, style = inv.agency, inv.agency.ref_style
    if plan == "unpaid":
        return []
    if plan == "full":
        return [Payment(_late(rng, inv), agency, [(inv, inv.amount, "settle")], "single", _single_naming(rng, style))]
    if plan == "rounded_up":
        unit = 1000_00 if inv.currency == "INR" else 10_00
        paid = -(-inv.amount // unit) * unit
        if paid == inv.amount:
            paid += unit
        return [Payment(_late(rng, inv), agency, [(inv, paid, "settle")], "rounded_up", _single_naming(rng, style))]
    if plan == "deposit_balance":
        if rng.random() < 0.35 and inv.currency == "INR":
            deposit = rng.choice([10_000_00, 25_000_00, 50_000_00, 1_00_000_00])
            if deposit >= inv.amount * 0.8:
                deposit = _round_part(rng, inv.amount * 0.3, inv.currency)
        else:
            deposit = _round_part(rng, inv.amount * rng.uniform(0.25, 0.5), inv.currency)
        d1 = inv.issued + dt.timedelta(days=rng.randint(0, 6))
        d2 = d1 + dt.timedelta(days=rng.randint(20, 70))
        return [Payment(d1, agency, [(inv, deposit, "partial")], "deposit", _single_naming(rng, style)),
                Payment(d2, agency, [(inv, inv.amount - deposit, "settle")], "balance", _single_naming(rng, style))]
    # three installments, the last one the rest
    part = _round_part(rng, inv.amount / 3, inv.currency)
    first = inv.issued + dt.timedelta(days=rng.randint(0, 7))
    out = []
    for k in range(3):
        amount = part if k < 2 else inv.amount - 2 * part
        out.append(Payment(first + dt.timedelta(days=30 * k + rng.randint(-3, 3)), agency,
                           [(inv, amount, "partial" if k < 2 else "settle")], "installment",
                           _single_naming(rng, style)))
    return out


def _payment_runs(rng: random.Random, agency: Agency, pool: list[Invoice]) -> list[Payment]:
    """A finance team paying from its ageing report every `run_every_days`: each run pays the
    approved invoices of one currency in one transfer."""
    out: list[Payment] = []
    pending = sorted(pool, key=lambda i: i.issued)
    day = pending[0].issued + dt.timedelta(days=rng.randint(3, agency.run_every_days + 3))
    while pending and day <= END + dt.timedelta(days=60):
        if day.weekday() >= 5:
            day += dt.timedelta(days=7 - day.weekday())
        ready = [i for i in pending if (day - i.issued).days >= 5 and rng.random() < 0.85]
        for currency in sorted({i.currency for i in ready}):
            group = [i for i in ready if i.currency == currency]
            rng.shuffle(group)  # the order of the ageing report is not ours
            if len(group) > 8:
                group = group[:8]
            for i in group:
                pending.remove(i)
            parts = [(i, i.amount, "settle") for i in group]
            kind = "batch" if len(group) > 1 else "single"
            named = _naming(rng, agency.ref_style, len(group)) if kind == "batch" else _single_naming(rng, agency.ref_style)
            out.append(Payment(day, agency, parts, kind, named))
        day += dt.timedelta(days=agency.run_every_days)
    return out


def _pay_twins_out_of_order(rng: random.Random, payments: list[Payment]) -> None:
    """Identical invoices of one agency: about half the time the later one is paid first."""
    by_invoice = {p.parts[0][0].number: p for p in payments if p.kind == "single" and len(p.parts) == 1}
    for p in list(by_invoice.values()):
        inv = p.parts[0][0]
        if inv.twin_of and inv.twin_of in by_invoice:
            first = by_invoice[inv.twin_of]
            p.tags.add("twin")
            first.tags.add("twin")
            if rng.random() < 0.5 and p.day > first.day:
                p.day = max(first.day, inv.issued + dt.timedelta(days=1))
                first.day = p.day + dt.timedelta(days=rng.randint(1, 10))
                p.tags.add("out_of_order")
