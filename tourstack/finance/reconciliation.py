"""Reconciliation status for finance, from marts.rpt_reconciliation: one row per currency.

The mart holds the latest reconciliation run (the matcher replaces its results daily) plus
people's standing decisions; there is no history to rebuild an earlier day from, so the report
shows that state and `as_of` only dates the report. Amounts stay in each row's own currency
(converted from minor units with the currency's ISO 4217 places, never to a base currency): the
mart's currency basis is kept as is, see its model documentation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tourstack.tables import Column, Table
from tourstack.money import from_minor
from tourstack.warehouse import query

# (mart column, report column, label, kind); *_minor columns become decimal amounts
COLUMNS = [
    ("currency", "currency", "Currency", "text"),
    ("transactions_matched", "transactions_matched", "Matched", "integer"),
    ("transactions_unmatched", "transactions_unmatched", "Unmatched", "integer"),
    ("match_rate", "match_rate", "Match rate", "ratio"),
    ("outflows_unmatched", "refunds_unmatched", "Refunds unmatched", "integer"),
    ("duplicates_found", "duplicates_found", "Duplicates", "integer"),
    ("matched_minor", "matched", "Allocated to invoices", "amount"),
    ("refunded_minor", "refunded", "Refunds allocated", "amount"),
    ("unallocated_inflow_minor", "unallocated_inflow", "Unallocated received", "amount"),
    ("unallocated_0_7_minor", "unallocated_0_7", "0-7 days", "amount"),
    ("unallocated_8_30_minor", "unallocated_8_30", "8-30 days", "amount"),
    ("unallocated_31_90_minor", "unallocated_31_90", "31-90 days", "amount"),
    ("unallocated_over_90_minor", "unallocated_over_90", "90+ days", "amount"),
    ("unallocated_outflow_minor", "unallocated_outflow", "Unallocated refunds", "amount"),
    ("duplicates_minor", "duplicates", "Duplicate payments", "amount"),
    ("written_off_minor", "written_off", "Written off", "amount"),
    ("manual_allocations", "manual_allocations", "Manual allocations", "integer"),
    ("payouts_matched", "payouts_matched", "Payouts matched", "integer"),
    ("payouts_mismatched", "payouts_mismatched", "Payouts mismatched", "integer"),
    ("payouts_missing", "payouts_missing", "Payouts missing", "integer"),
    ("payouts_missing_minor", "payouts_missing_amount", "Missing payouts", "amount"),
    ("accounting_only", "accounting_only", "Recorded in accounting only", "integer"),
    ("accounting_only_minor", "accounting_only_amount", "Recorded in accounting only (amount)", "amount"),
]

_SQL = f"select {', '.join(c[0] for c in COLUMNS)} from marts.rpt_reconciliation order by currency"


def reconciliation_status(conn: Any, as_of: dt.date) -> Table:
    cols = [Column(key, label, kind) for _, key, label, kind in COLUMNS]
    rows = []
    for values in query(conn, _SQL):
        raw = dict(zip((c[0] for c in COLUMNS), values, strict=True))
        currency = raw["currency"]
        rows.append({key: (from_minor(int(raw[src]), currency) if kind == "amount" else raw[src])
                     for src, key, _, kind in COLUMNS})
    return Table.from_records("reconciliation", "Reconciliation status (latest run)", as_of, cols, rows)
