"""The matcher on a small seed of the independent remittance corpus (bench/corpora/remittance),
scored by bench/scoring.py: a regression guard on data the matcher's rules were not written from.

Seed 11 is neither a tuning seed (1-3) nor a reported held-out seed (4-8). Measured when this
test was written: precision 99.60 % (2 wrong of 499 allocations), recall 90.2 %, no
over-allocation. The product target is precision >= 99.9 %, which this seed does not reach yet
(docs/benchmarks.md, Reconciliation, lists the behaviours that cost it); the floors below are
the measured figures less a margin, so a change that loses precision or recall fails here.
"""

from __future__ import annotations

import pytest

from bench.corpora.remittance import generate, write
from bench.scoring import load_labels, score
from tourstack.reconcile import read_receivables, read_transactions, reconcile

PRECISION_FLOOR = 0.995   # measured 0.996; target 0.999 (not met yet)
RECALL_FLOOR = 0.88       # measured 0.902


@pytest.fixture(scope="module")
def scored(tmp_path_factory, rates):
    folder = tmp_path_factory.mktemp("remittance-11")
    write(generate(seed=11, invoices=600), folder)
    result = reconcile(read_transactions(folder / "transactions.csv"),
                       read_receivables(folder / "receivables.csv"), rates=rates)
    return score(result, load_labels(folder), rates)


def test_precision_and_recall_on_an_unseen_remittance_seed(scored):
    assert scored["allocations_made"] > 300
    assert scored["precision"] >= PRECISION_FLOOR, scored["by_kind"]
    assert scored["recall"] >= RECALL_FLOOR, scored["by_kind"]


def test_no_invoice_or_transaction_is_over_allocated(scored):
    assert scored["over_allocations"] == 0


def test_noise_duplicates_and_refunds_of_duplicates_are_never_allocated(scored):
    for kind, row in scored["by_kind"].items():
        if kind.startswith("noise_") or kind in ("duplicate", "refund_of_duplicate"):
            assert row["wrong"] <= 1, (kind, row)
