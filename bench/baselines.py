"""A floor to read the matcher's figures against: the "first match" rule engine.

The simplest reconciliation most rule engines ship (Blnk's first-match rules, a spreadsheet
VLOOKUP): for each credit in booking order,
  1. the first open invoice whose number (letters and digits only, case-insensitive) occurs in
     the reference or description gets min(amount + fee, open amount);
  2. else the first open invoice (issue order) of the same currency whose open amount equals
     the amount (or amount + fee) is settled;
  3. else the line is an exception. Refunds and duplicates get no special treatment: a negative
     line is an exception, a second payment of a settled invoice finds nothing open.
No FX, no name matching, no typo tolerance, no TDS or charges. Same input frames as
`tourstack.reconcile.reconcile`; the result is a `bench.scoring.Made`.
"""

from __future__ import annotations

import re

import polars as pl

from bench.scoring import Made


def _norm(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())


def first_match(transactions: pl.DataFrame, receivables: pl.DataFrame) -> Made:
    inv = receivables.sort("issued_on", "invoice_number")
    numbers = inv["invoice_number"].to_list()
    keys = [_norm(n) for n in numbers]
    currency = inv["currency"].to_list()
    remaining = dict(zip(numbers, inv["amount_due"].to_list(), strict=True))
    by_amount: dict[tuple[str, int], list[str]] = {}
    for n, c, a in zip(numbers, currency, inv["amount_due"].to_list(), strict=True):
        by_amount.setdefault((c, a), []).append(n)
    cur_of = dict(zip(numbers, currency, strict=True))
    matches: list[tuple[str, str, int, str]] = []
    exceptions: dict[str, list] = {}
    txn = transactions.sort("booked_on", "txn_id")
    for row in txn.select("txn_id", "amount", "fee", "currency", "reference", "description").iter_rows():
        txn_id, amount, fee, cur, ref, desc = row
        fee = fee or 0
        if amount <= 0:
            exceptions[txn_id] = [("no_match", [])]
            continue
        text = _norm(ref) + " " + _norm(desc)
        hit = next((n for n, k in zip(numbers, keys, strict=True) if len(k) >= 6 and k in text
                    and remaining[n] > 0 and cur_of[n] == cur), None)
        if hit is not None:
            take = min(amount + fee, remaining[hit])
            remaining[hit] -= take
            matches.append((txn_id, hit, take, cur))
            continue
        found = None
        for value in (amount, amount + fee) if fee else (amount,):
            found = next((n for n in by_amount.get((cur, value), []) if remaining[n] == value), None)
            if found:
                break
        if found is not None:
            matches.append((txn_id, found, remaining[found], cur))
            remaining[found] = 0
            continue
        exceptions[txn_id] = [("no_match", [])]
    return Made(matches, exceptions)
