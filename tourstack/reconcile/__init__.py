"""Payment reconciliation: matching gateway and bank transactions to invoices.

    from tourstack.reconcile import read_transactions, read_receivables, reconcile
    result = reconcile(read_transactions("t.csv"), read_receivables("r.csv"), rates=EcbOfflineSource())

Modules: io (strict CSV in/out), text (normalisation, typo index), candidates (vectorised pair
generation), scoring (confidence), allocate (the sequential, never-twice allocation), refunds
(which payment a refund returns), engine; for the operational database:
operational (the daily run), targets, payouts, decisions (manual match, split, unmatch,
write-off) and audit (the queue, the decision trail and current matches).
"""

from tourstack.reconcile.engine import ReconcileResult, reconcile
from tourstack.reconcile.io import InputFileError, read_receivables, read_transactions, write_outputs
from tourstack.reconcile.scoring import AUTO_MATCH

__all__ = ["AUTO_MATCH", "InputFileError", "ReconcileResult", "read_receivables", "read_transactions",
           "reconcile", "write_outputs"]
