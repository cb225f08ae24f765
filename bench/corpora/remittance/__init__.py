"""An independent labelled reconciliation corpus: Indian and foreign travel agencies paying a
B2B tour operator through Indian banks, SWIFT, Razorpay, Stripe and PayPal.

    .venv/bin/python -m bench.corpora.remittance --seed 1 --out var/corpus-1
    from bench.corpora.remittance import generate, write
    corpus = generate(seed=1)          # ~3,000 invoices, ~3,900 transactions

Written from docs/reconciliation.md ("How B2B payers really pay"), as the agencies, their banks
and the gateways would produce the data, not from the matcher's rules; nothing here imports
`tourstack.reconcile`. Outputs the two CSV files `tourstack reconcile` reads and the answer key
(`labels.py` says what counts as correct and why).
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from pathlib import Path

from bench.corpora.remittance.channels import Rendered, render
from bench.corpora.remittance.extras import duplicates, noise, payment_refunds, payouts
from bench.corpora.remittance.labels import Book, Expected, Labeller, Outcome
from bench.corpora.remittance.payers import plan_payments
from bench.corpora.remittance.world import Invoice, make_agencies, make_invoices

DUPLICATE_SHARE = 0.016       # of full single-invoice payments
REFUND_SHARE = 0.06           # of gateway payments, a partial refund weeks later


@dataclass
class Corpus:
    seed: int
    invoices: list[Invoice]
    lines: list[tuple[str, Rendered]]     # (txn_id, line) in file order
    expected: list[Expected]
    outcomes: list[Outcome]


def generate(seed: int = 1, invoices: int = 3000, agencies: int | None = None) -> Corpus:
    rng = random.Random(seed)
    book_agencies = make_agencies(rng, agencies or max(8, invoices // 20))
    book = make_invoices(rng, book_agencies, invoices)
    payments = plan_payments(rng, book)
    rendered = [render(rng, p) for p in sorted(payments, key=lambda p: p.day)]
    settled_on = {}
    for p in payments:
        for inv, _, _ in p.parts:
            settled_on[inv.number] = max(settled_on.get(inv.number, p.day), p.day)

    def open_round_amounts(day):
        return [i.amount for i in book if i.currency == "INR" and i.amount % 1000_00 == 0 and i.issued <= day
                and settled_on.get(i.number, day) >= day]

    extra = duplicates(rng, rendered, DUPLICATE_SHARE) + payment_refunds(rng, rendered, REFUND_SHARE)
    everything = rendered + extra + payouts(rng, rendered) + noise(rng, open_round_amounts)
    order = {id(r): (0 if r.dup_of is None and r.refund_of is None else 1, rng.random()) for r in everything}
    everything.sort(key=lambda r: (r.line.booked_on, *order[id(r)]))
    lines = [(f"TX{k + 1:07d}", r) for k, r in enumerate(everything)]
    labeller = Labeller(Book(book))
    labeller.run(lines)
    return Corpus(seed, book, lines, labeller.expected, labeller.outcomes)


def _text(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def write(corpus: Corpus, out: Path | str) -> dict[str, Path]:
    """transactions.csv and receivables.csv (the CLI's formats), labels_allocations.csv and
    labels_transactions.csv (the answer key)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / f"{name}.csv" for name in ("transactions", "receivables", "labels_allocations",
                                                     "labels_transactions")}
    with paths["transactions"].open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["txn_id", "source", "booked_on", "amount", "currency", "fee", "reference", "counterparty",
                    "description"])
        for txn_id, r in corpus.lines:
            ln = r.line
            w.writerow([txn_id, ln.source, ln.booked_on.isoformat(), _text(ln.amount), ln.currency,
                        "" if ln.fee is None else _text(ln.fee), ln.reference, ln.counterparty, ln.description])
    with paths["receivables"].open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["invoice_number", "booking_ref", "agency", "customer_name", "amount_due", "currency", "issued_on",
                    "due_on"])
        for i in corpus.invoices:
            w.writerow([i.number, i.booking_ref, i.agency.legal_name, i.customer_name, _text(i.amount), i.currency,
                        i.issued.isoformat(), i.due.isoformat()])
    with paths["labels_allocations"].open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["txn_id", "invoice_number", "amount_applied", "amount_low", "amount_high", "currency"])
        for e in corpus.expected:
            w.writerow([e.txn_id, e.invoice, _text(e.amount), _text(e.low), _text(e.high), e.currency])
    with paths["labels_transactions"].open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["txn_id", "kind", "tags", "outcome", "reason", "suggest"])
        for o in corpus.outcomes:
            w.writerow([o.txn_id, o.kind, ";".join(sorted(o.tags)), o.outcome, o.reason, ";".join(o.suggest)])
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write one seed of the independent remittance corpus.")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--invoices", type=int, default=3000)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    corpus = generate(args.seed, args.invoices)
    paths = write(corpus, args.out)
    print(f"{len(corpus.invoices):,} invoices, {len(corpus.lines):,} transactions, "
          f"{len(corpus.expected):,} expected allocations -> {paths['transactions'].parent}")
    return 0
