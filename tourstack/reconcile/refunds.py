"""Refunds that name the payment they return: linked to it, and allocated to where it went.

Why links: a gateway refund quotes the charge (`ch_...`, `pay_...`), not the invoice, so matching
it by its own reference finds nothing; and the refund of a duplicate payment must not reduce the
invoice the first payment settled. What the refunded payment was applied to is what the refund
reverses.

Where a link comes from:
  explicit   the transaction frame's optional `refund_of` column (the daily run fills it from
             refunds.payment_id: `refund:<id>` -> `payment:<payment_id>`);
  txn id     a refund whose reference is another (positive) transaction's txn_id;
  reference  a refund whose reference, or a word of its description ("Refund of pay_..."),
             equals the reference of exactly one positive transaction.
The first two are strong and always win; a shared reference is weaker: when the refund also
quotes an invoice number or booking ref, the receivable evidence decides as before (allocate.py).

Allocation (allocate.py, `_linked_refund`): the refund (negative) is applied to the invoices the
original was applied to, in the order it was, never more than the original put on each invoice
(less what earlier refunds of it returned) nor more than the invoice holds. An original that was
not allocated (a duplicate, an unmatched payment) leaves the refund as exception
`refund_of_unallocated`; what exceeds the original is `refund_exceeds_payments`.
"""

from __future__ import annotations

import polars as pl


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
    # a gateway refund carries its own id (rfnd_..., re_...) and names the charge in its text:
    # "Refund of pay_0x4peBbwEjg235"
    if "description" in txn.columns:
        named = (txn.filter(pl.col("amount") < 0)
                 .select("t", pl.col("description").fill_null("").str.extract_all(r"[A-Za-z0-9_]{8,}").alias("word"))
                 .explode("word").drop_nulls("word"))
        for t, t0 in named.join(by_ref, left_on="word", right_on="reference").select("t", "t0").iter_rows():
            links[t] = (t0, False)
    for t, t0 in refunds.join(by_ref, on="reference").select("t", "t0").iter_rows():
        links[t] = (t0, False)
    for t, t0 in refunds.join(ids, left_on="reference", right_on="key").select("t", "t0").iter_rows():
        links[t] = (t0, True)
    if "refund_of" in refunds.columns:
        explicit = refunds.filter(pl.col("refund_of").is_not_null() & (pl.col("refund_of") != ""))
        for t, t0 in explicit.join(ids, left_on="refund_of", right_on="key").select("t", "t0").iter_rows():
            links[t] = (t0, True)
    return links
