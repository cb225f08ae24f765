"""Property-style: on random labelled data, no invoice receives more than it is owed (+ the FX
tolerance), no transaction gives more than it has, and precision stays high."""

from __future__ import annotations

import polars as pl
import pytest

from tourstack.reconcile import reconcile
from tourstack.reconcile.scoring import FX_TOLERANCE_BPS
from tourstack.reconcile.synthetic import generate
from tourstack.reconcile.io import read_receivables, read_transactions
from tourstack.reconcile.synthetic import write_csv


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_allocations_never_exceed_amounts(tmp_path, rates, seed):
    data = generate(3000, seed=seed, rates=rates)
    t_path, r_path = write_csv(data, tmp_path)
    txn, inv = read_transactions(t_path), read_receivables(r_path)
    result = reconcile(txn, inv, rates=rates)
    m = result.matches

    per_invoice = m.group_by("invoice_number").agg(pl.col("amount_applied").sum().alias("applied"),
                                                   pl.col("amount_applied").cum_sum().min().alias("low"))
    per_invoice = per_invoice.join(inv.select("invoice_number", "amount_due"), on="invoice_number")
    assert (per_invoice["applied"] * 10_000 <= per_invoice["amount_due"] * (10_000 + FX_TOLERANCE_BPS)).all()
    assert (per_invoice["applied"] >= 0).all()

    same = m.join(txn.select("txn_id", "amount", "fee", pl.col("currency").alias("t_cur")), on="txn_id")
    same = same.filter(pl.col("currency") == pl.col("t_cur"))
    per_txn = same.group_by("txn_id").agg(pl.col("amount_applied").sum(), pl.col("amount").first(),
                                          pl.col("fee").first())
    gross = per_txn["amount"] + per_txn["fee"]
    positive = per_txn["amount"] > 0
    assert (per_txn.filter(positive)["amount_applied"] <= gross.filter(positive)).all()
    assert (per_txn.filter(~positive)["amount_applied"] >= per_txn.filter(~positive)["amount"]).all()

    correct = m.join(data.expected, on=["txn_id", "invoice_number", "amount_applied"], how="semi")
    assert len(correct) / len(m) >= 0.995
    matchable = data.expected["txn_id"].unique()
    assert matchable.is_in(m["txn_id"].unique().implode()).mean() >= 0.98
