"""Finance reports over the warehouse ledger (marts.fct_journal_lines and friends) and the
reconciliation mart (marts.rpt_reconciliation).

Every report is computed as of a date from entries dated on or before it, on DuckDB or
PostgreSQL alike: `run_statement(name, as_of, conn)` returns a `tourstack.tables.Table`; `ar_aging` / `ap_aging`
return rows per agency / supplier in aging buckets. Render them with `reports.finance`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tourstack.finance.aging import BUCKETS, ap_aging, ar_aging, control_balance
from tourstack.finance.listings import (
    ap_aging_report,
    ar_aging_report,
    commission_summary,
    revenue_by_agent,
    tax_summary,
)
from tourstack.finance.reconciliation import reconciliation_status
from tourstack.tables import Column, Table
from tourstack.finance.statements import cash_flow, profit_and_loss, trial_balance

STATEMENTS: dict[str, Callable[[Any, dt.date], Table]] = {
    "profit-and-loss": profit_and_loss,
    "ar-aging": ar_aging_report,
    "ap-aging": ap_aging_report,
    "cash-flow": cash_flow,
    "revenue-by-agent": revenue_by_agent,
    "commission-summary": commission_summary,
    "tax-summary": tax_summary,
    "trial-balance": trial_balance,
    "reconciliation": reconciliation_status,
}


class UnknownStatementError(ValueError):
    pass


def run_statement(name: str, as_of: dt.date, warehouse: Any) -> Table:
    """Build report `name` as of `as_of` from an open duckdb or psycopg connection."""
    try:
        build = STATEMENTS[name]
    except KeyError:
        raise UnknownStatementError(
            f"unknown report {name!r}; choose one of: {', '.join(STATEMENTS)}") from None
    return build(warehouse, as_of)


__all__ = ["BUCKETS", "STATEMENTS", "Column", "Table", "UnknownStatementError", "ap_aging", "ar_aging",
           "control_balance", "run_statement"]
