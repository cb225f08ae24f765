"""Refunds that name the payment they return: linked to it, and allocated to where it went.

Why links: a gateway refund quotes the charge (`ch_...`, `pay_...`), not the invoice, so matching
it by its own reference finds nothing; and the refund of a duplicate payment must not reduce the
invoice the first payment settled. What the refunded payment was applied to is what the refund
reverses.

Where a link comes from:
  explicit   the transaction frame's optional `refund_of` column (the daily run fills it from
             refunds.payment_id: `refund:<id>` -> `payment:<payment_id>`);
  txn id     a refund whose reference is another (positive) transaction's txn_id;
  reference  a refund whose reference equals the reference of exactly one positive transaction.
The first two are strong and always win; a shared reference is weaker: when the refund also
quotes an invoice number or booking ref, the receivable evidence decides as before (allocate.py).

Allocation: the refund (negative) is applied to the invoices the original was applied to, in
the order it was, never more than the original put on each invoice (less what earlier refunds of
it returned) nor more than the invoice holds. An original that was not allocated (a duplicate,
an unmatched payment) leaves the refund as exception `refund_of_unallocated`; what exceeds the
original is `refund_exceeds_payments`.
"""

from __future__ import annotations

import polars as pl

from tourstack.reconcile.scoring import FX_TOLERANCE_BPS

LINKED_STRONG = 99
LINKED_REFERENCE = 95


def refund_links(txn: pl.DataFrame) -> dict[int, tuple[int, bool]]:
    """refund row t -> (original row t0, strong) for the frame `txn` (with its row index "t")."""
    refunds = txn.filter(pl.col("amount") < 0).select("t", "reference", *(
        ["refund_of"] if "refund_of" in txn.columns else []))
    if refunds.is_empty():
        return {}
    positive = txn.filter(pl.col("amount") > 0).select("t", "txn_id", "reference")
    ids = positive.select(pl.col("txn_id").alias("key"), pl.col("t").alias("t0"))
    links: dict[int, tuple[int, bool]] = {}
    # weakest first, so a stronger link overwrites it
    by_ref = (positive.filter(pl.col("reference") != "").group_by("reference")
              .agg(pl.col("t").first().alias("t0"), pl.len().alias("n")).filter(pl.col("n") == 1))
    for t, t0 in refunds.join(by_ref, on="reference").select("t", "t0").iter_rows():
        links[t] = (t0, False)
    for t, t0 in refunds.join(ids, left_on="reference", right_on="key").select("t", "t0").iter_rows():
        links[t] = (t0, True)
    if "refund_of" in refunds.columns:
        explicit = refunds.filter(pl.col("refund_of").is_not_null() & (pl.col("refund_of") != ""))
        for t, t0 in explicit.join(ids, left_on="refund_of", right_on="key").select("t", "t0").iter_rows():
            links[t] = (t0, True)
    return links


def allocate_linked(led, t: int, t0: int, strong: bool, original_id: str) -> None:
    """Apply refund `t` negatively to the invoices original `t0` was applied to."""
    from tourstack.reconcile.allocate import _apply  # the one place money is applied

    paid = [p for p in led.paid_by.get(t0, []) if (t, p[0]) not in led.excluded]
    if not paid:
        led.exceptions.append((t, "refund_of_unallocated", f"refund of {original_id}"[:200], led.t_amount[t]))
        return
    cur, day = led.t_currency[t], led.t_day[t]
    left = -led.t_amount[t]  # positive, transaction currency
    conf = LINKED_STRONG if strong else LINKED_REFERENCE
    for entry in paid:
        if left <= 0:
            break
        i, put, returned = entry
        cap = min(put - returned, led.allocated[i])
        if cap <= 0:
            continue
        i_cur = led.i_currency[i]
        fx = i_cur != cur
        want = led.fx_minor(left, cur, i_cur, day) if fx else left
        if want is None:
            continue
        if want <= cap or (fx and abs(want - cap) * 10_000 <= cap * FX_TOLERANCE_BPS):
            take, left = min(want, cap), 0
        else:
            take = cap
            back = led.fx_minor(take, i_cur, cur, day) if fx else take
            left = max(left - (back or 0), 0)
        entry[2] += take
        _apply(led, t, i, -take, "refund_of_payment" + ("+fx" if fx else ""), conf, -take)
    if left > 0:  # the original (less what earlier refunds of it returned) does not cover it
        led.exceptions.append((t, "refund_exceeds_payments", f"refund of {original_id}"[:200], -left))
