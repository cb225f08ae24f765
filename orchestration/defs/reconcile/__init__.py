"""Reconciliation definitions: the daily matching of payments and bank lines to invoices."""

from orchestration.defs.reconcile.assets import daily_reconciliation, reconciliation_job, reconciliation_run

__all__ = ["daily_reconciliation", "reconciliation_job", "reconciliation_run"]
