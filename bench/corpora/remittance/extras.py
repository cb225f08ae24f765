"""Everything else on the account: duplicates, refunds, gateway payouts and unrelated lines.

- Duplicates: a gateway capture repeated minutes later (a double click, a retried checkout), or
  a bank transfer the agency's payment run sent again days later; about half the double
  captures and a third of the repeated transfers are refunded by us later.
- Refunds of real payments: a cancelled traveller refunded through the gateway, weeks later,
  naming the payment it returns (its id in the reference, or "Refund of pay_..." in the text).
- Gateway payouts to our bank, bank charges (debits), sweep interest, tax refunds, supplier and
  hotel refunds, transfers between our own accounts, and credits that equal an open invoice.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

from bench.corpora.remittance.channels import Rendered
from bench.corpora.remittance.world import _PLACE, END, START
from bench.corpora.remittance.writing import Line, gateway_id, utr


def duplicates(rng: random.Random, rendered: list[Rendered], share: float) -> list[Rendered]:
    out: list[Rendered] = []
    for r in rendered:
        pay = r.payment
        if pay is None or len(pay.parts) != 1 or pay.parts[0][2] != "settle" or pay.kind == "rounded_up":
            continue
        if rng.random() >= share:
            continue
        line = r.line
        if line.source != "bank":  # the same checkout captured twice
            new_id = gateway_id(rng, line.source)
            dup = replace(line, reference=new_id)
            out.append(Rendered(dup, None, {"duplicate", "double_capture"}, new_id, dup_of=r))
            if rng.random() < 0.5:
                out.append(_refund(rng, out[-1], line.amount + (line.fee or 0), rng.randint(1, 6), full=True))
        elif line.currency == "INR":  # the payment run sent it again
            new_utr, _ = utr(rng, "NEFT", line.booked_on)
            day = line.booked_on + dt.timedelta(days=rng.randint(2, 12))
            dup = replace(line, booked_on=day, reference=new_utr if line.reference == r.rail_ref else line.reference,
                          description=line.description.replace(r.rail_ref, new_utr))
            out.append(Rendered(dup, None, {"duplicate", "paid_twice"}, new_utr, dup_of=r))
            if rng.random() < 0.35:
                out.append(_bank_refund(rng, out[-1]))
    return out


def _refund(rng: random.Random, r: Rendered, amount: int, after_days: int, *, full: bool) -> Rendered:
    line = r.line
    day = line.booked_on + dt.timedelta(days=after_days)
    prefix = {"razorpay": "rfnd_", "stripe": "re_3", "paypal": ""}[line.source]
    refund_id = prefix + gateway_id(rng, line.source).split("_")[-1][: 14 if prefix else 17]
    if rng.random() < 0.6:
        reference, description = r.rail_ref, rng.choice(["Refund", "Refund - cancellation", "REFUND", "Partial refund"])
    else:
        reference, description = refund_id, f"Refund of {r.rail_ref}"
    refund = Line(line.source, day, -amount, line.currency, None, reference, line.counterparty, description, [], False)
    kind = "refund_of_duplicate" if "duplicate" in r.tags else "refund_of_payment"
    return Rendered(refund, None, {"refund", kind}, refund_id, refund_of=r)


def _bank_refund(rng: random.Random, r: Rendered) -> Rendered:
    line = r.line
    ref, ifsc = utr(rng, "NEFT", line.booked_on)
    day = line.booked_on + dt.timedelta(days=rng.randint(5, 20))
    name = (line.counterparty or "REMITTER")[:25]
    text = f"NEFT DR-{ifsc}-{name}-REFUND DUP PYMT {r.rail_ref}"[:80]
    refund = Line("bank", day, -(line.amount + (line.fee or 0)), line.currency, None, ref, "", text, [], False)
    return Rendered(refund, None, {"refund", "refund_of_duplicate"}, ref, refund_of=r)


def payment_refunds(rng: random.Random, rendered: list[Rendered], share: float) -> list[Rendered]:
    out = []
    for r in rendered:
        if r.payment is None or r.line.source == "bank" or rng.random() >= share:
            continue
        gross = r.line.amount + (r.line.fee or 0)
        part = round(gross * rng.uniform(0.1, 0.6) / 100) * 100
        out.append(_refund(rng, r, part, rng.randint(10, 45), full=False))
    return out


def payouts(rng: random.Random, rendered: list[Rendered]) -> list[Rendered]:
    """Each gateway pays its net balance to our INR account: Razorpay two business days after
    capture, Stripe and PayPal weekly."""
    by_batch: dict[tuple[str, dt.date], int] = {}
    for r in rendered:
        line = r.line
        if line.source == "bank":
            continue
        day = line.booked_on
        if line.source == "razorpay":
            settle = day + dt.timedelta(days=2 if day.weekday() < 3 else 4)
        else:
            settle = day + dt.timedelta(days=(7 - day.weekday()) % 7 + 1)
        inr = line.amount if line.currency == "INR" else line.amount * 85  # PayPal converts at its rate
        by_batch[(line.source, settle)] = by_batch.get((line.source, settle), 0) + inr
    out = []
    names = {"razorpay": "RAZORPAY SOFTWARE PVT LTD", "stripe": "STRIPE PAYMENTS INDIA PVT LTD",
             "paypal": "PAYPAL PAYMENTS PVT LTD"}
    for (source, day), total in sorted(by_batch.items()):
        if total <= 0:
            continue
        batch = {"razorpay": "setl_", "stripe": "po_1", "paypal": ""}[source] + gateway_id(rng, "paypal")[:14]
        ref, _ = utr(rng, "NEFT", day)
        text = f"NEFT CR-{'HDFC' if source != 'paypal' else 'CITI'}0000001-{names[source]}-{batch}"
        out.append(Rendered(Line("bank", day, total, "INR", None, ref, names[source] if rng.random() < 0.4 else "",
                                 text, [], False), None, {"noise", "payout"}, ref))
    return out


def noise(rng: random.Random, open_round_amounts) -> list[Rendered]:
    """Unrelated lines; `open_round_amounts(day)` gives round invoice amounts still open that day."""
    out: list[Rendered] = []
    day = START
    while day <= END + dt.timedelta(days=60):
        for _ in range(rng.randint(2, 5)):  # bank charges
            d = day + dt.timedelta(days=rng.randint(0, 27))
            what = rng.choice(["CHRG: NEFT/RTGS CHGS", "SMS ALERT CHGS", "GST @18% ON CHGS", "IRM CHGS INCL GST",
                               "DEBIT CARD ANNUAL FEE"])
            out.append(_plain(rng, d, -rng.randint(18, 2_950) * 100, what, {"noise", "bank_charge"}))
        if day.month in (3, 6, 9, 12):
            out.append(_plain(rng, day + dt.timedelta(days=27), rng.randint(800, 40_000) * 100,
                              "INT.PD ON SWEEP FD", {"noise", "interest"}))
        for _ in range(rng.randint(2, 4)):
            d = day + dt.timedelta(days=rng.randint(0, 27))
            payer = rng.choice([f"{rng.choice(_PLACE).upper()} HOTELS AND RESORTS PVT LTD",
                                f"{rng.choice(_PLACE).upper()} HOLIDAYS HOMES LLP", "CBIC GST REFUND",
                                "INCOME TAX REFUND CPC", "NEW INDIA ASSURANCE CO LTD",
                                f"{rng.choice(_PLACE).upper()} TRANSPORT CO", "TRF FROM OWN A/C 50200012345678"])
            amounts = open_round_amounts(d)
            if amounts and rng.random() < 0.45:
                amount, tag = rng.choice(amounts), "equals_open_amount"
            else:
                amount, tag = rng.randint(2_000, 3_00_000) * 100, "unrelated_credit"
            ref, ifsc = utr(rng, "NEFT", d)
            text = f"NEFT CR-{ifsc}-{payer[:35]}-{rng.choice(['REFUND', 'CLAIM SETTLEMENT', 'REF ADJ', ''])}"
            out.append(Rendered(Line("bank", d, amount, "INR", None, ref, payer if rng.random() < 0.4 else "",
                                     text.rstrip("-"), [], False), None, {"noise", tag}, ref))
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return out


def _plain(rng: random.Random, day: dt.date, amount: int, text: str, tags: set[str]) -> Rendered:
    ref = f"{rng.randrange(10**9):09d}"
    return Rendered(Line("bank", day, amount, "INR", None, ref, "", text, [], False), None, tags, ref)
