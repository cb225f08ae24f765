"""Confidence of a candidate match, in hundredths (0-99), from its static evidence.

Why additive evidence rather than a first-rule-wins cascade: a typo in a sequential invoice
number can land exactly on another, existing invoice; the exact reference then points at the
wrong invoice while a one-edit neighbour agrees on amount and payer. Scoring reference, amount
and name together lets the neighbour win, which a cascade cannot do.

  reference      invoice number 85, booking ref / virtual account 83, one-edit typo 75
  amount         equal to the amount due +14 (+10 across currencies: within the FX tolerance
                 is weaker evidence); less than due (a deposit, an installment, a partial
                 refund) +5; more than due 0
  name           counterparty vs agency or customer: 0 below 60% similarity, up to +10 at 100%
  no reference   amount equal to the due, same currency, in the date window: 60, plus up to
                 +35 from the name, so a payment without reference auto-matches only when the
                 payer's name agrees; -10 when the payment predates the invoice

  other agency   -20 when the payer is recognised as an agency and the invoice is another's:
                 a sequential number one keystroke from the payer's own is someone else's
  not issued yet -20 when the payment was booked before the invoice's issue date

AUTO_MATCH = 85: an exact invoice number alone, or a typo'd reference confirmed by the amount or
the payer, or amount + date window + a near-identical payer name. A typo'd reference that agrees
on amount and payer (99) outranks an exact reference that agrees on neither (85).
"""

from __future__ import annotations

import polars as pl

AUTO_MATCH = 85
SUGGEST = 50
FX_TOLERANCE_BPS = 150  # a cross-currency payment within 1.5% of the due settles it
REF_BASE = {3: 85, 2: 83, 1: 75, 4: 75}  # 4: partial reading (mentions.py)
UNISSUED_PENALTY = 20  # a reference to an invoice issued after the payment was booked
OTHER_AGENCY_PENALTY = 20  # the payer is recognised as another agency than the invoice's


def within_bps(value: pl.Expr, target: pl.Expr, bps: int) -> pl.Expr:
    return (value - target).abs() * 10_000 <= target.abs() * bps


def score(cand: pl.DataFrame, inv: pl.DataFrame, txn: pl.DataFrame) -> pl.DataFrame:
    """Adds amount_flag (2 exact, 1 less than due, 0 more) and confidence."""
    frame = cand.join(inv.select("i", "amount_due", "issued_on", "agency_idx"), on="i").join(
        txn.select("t", "amount", "booked_on", "t_agency"), on="t")
    due = pl.col("amount_due")
    gross, amt = pl.col("gross_inv"), pl.col("amt_inv")
    exact_same = (gross.abs() == due) | (amt.abs() == due)
    exact_fx = within_bps(gross.abs(), due, FX_TOLERANCE_BPS) | within_bps(amt.abs(), due, FX_TOLERANCE_BPS)
    exact = pl.when(pl.col("fx")).then(exact_fx).otherwise(exact_same)
    flag = pl.when(exact).then(2).when(gross.abs() < due).then(1).otherwise(0).cast(pl.Int8)
    frame = frame.with_columns(flag.alias("amount_flag"))
    sim = pl.col("name_sim").clip(0, 100)
    name_pts = pl.when(sim >= 60).then((sim - 60) * 10 // 40).otherwise(0)
    amount_pts = (pl.col("amount_flag").replace_strict({2: 14, 1: 5, 0: 0}, return_dtype=pl.Int32)
                  - pl.when(pl.col("fx") & (pl.col("amount_flag") == 2)).then(4).otherwise(0))
    ref_pts = pl.col("ref_kind").replace_strict(REF_BASE, default=0, return_dtype=pl.Int32)
    with_ref = ref_pts + amount_pts + name_pts
    early = pl.when(pl.col("booked_on") < pl.col("issued_on")).then(10).otherwise(0)
    no_ref = pl.when(pl.col("amount_flag") == 2).then(
        60 + pl.when(sim >= 60).then((sim - 60) * 35 // 40).otherwise(0) - early).otherwise(0)
    # A recognised agency quoting another agency's invoice has most likely mistyped its own.
    foreign = pl.when((pl.col("t_agency") >= 0) & (pl.col("agency_idx") != pl.col("t_agency"))).then(
        OTHER_AGENCY_PENALTY).otherwise(0)
    # A number we had not issued yet on the booking date is a typo or a pro-forma: a person checks.
    unissued = pl.when(pl.col("booked_on") < pl.col("issued_on")).then(UNISSUED_PENALTY).otherwise(0)
    conf = pl.when(pl.col("ref_kind") > 0).then(with_ref - foreign - unissued).otherwise(no_ref).clip(0, 99)
    return frame.with_columns(conf.cast(pl.Int32).alias("confidence")).drop(
        "amount_due", "amount", "issued_on", "booked_on", "agency_idx", "t_agency")
