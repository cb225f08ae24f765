"""The general ledger on a PostgreSQL warehouse: the same models and report SQL as on DuckDB,
double entry holds, and the AR/AP agings tie to their control accounts (the session's tiny book,
built once into each warehouse)."""

from __future__ import annotations

import datetime as dt

import duckdb
import psycopg
import pytest

from tests.pipeline_helpers import AS_OF
from tourstack.finance import ap_aging, ar_aging, control_balance, run_statement
from tourstack.warehouse import query

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.xdist_group("dbt_postgres")]


LEDGER_MARTS = {  # mart -> money columns compared across warehouses
    "fct_journal_lines": ["debit_base", "credit_base", "amount"],
    "fct_trial_balance": ["closing_balance_base", "debit_base"],
    "fct_agent_commissions": ["commission_amount_base"],
    "rpt_profit_and_loss": ["net_income_base", "fx_gain_loss_base"],
    "rpt_cash_flow": ["closing_cash_base"],
    "rpt_revenue_by_agent": ["net_revenue_base"],
    "rpt_tax_summary": ["total_tax_base", "taxable_value_base"],
    "rpt_commission_summary": ["net_commission_base"],
}


def _profile(conn) -> dict[str, tuple]:
    return {mart: tuple(query(conn, f"select count(*), {', '.join(f'sum({c})' for c in cols)}"
                                    f" from marts.{mart}")[0])
            for mart, cols in LEDGER_MARTS.items()}


def test_ledger_balances_and_agings_tie_on_postgres(pg_tiny_warehouse, tiny_warehouse):
    pg = pg_tiny_warehouse.url
    with duckdb.connect(str(tiny_warehouse.duckdb_path), read_only=True) as con:
        on_duckdb = _profile(con)

    with psycopg.connect(pg) as conn:
        assert _profile(conn) == on_duckdb
        assert query(conn, "select count(*) from marts.fct_journal_lines")[0][0] > 1000
        assert query(conn, """select entry_id from marts.fct_journal_lines group by entry_id
                              having sum(debit_base) <> sum(credit_base)""") == []
        debits, credits = query(
            conn, "select sum(debit_base), sum(credit_base) from marts.fct_journal_lines")[0]
        assert debits == credits
        for as_of in (dt.date(2025, 6, 30), AS_OF):
            ar = ar_aging(conn, as_of)
            assert sum(r["total"] for r in ar) == control_balance(conn, "accounts_receivable", as_of)
            ap = ap_aging(conn, as_of)
            assert sum(r["total"] for r in ap) == -control_balance(conn, "accounts_payable", as_of)
        tb = run_statement("trial-balance", AS_OF, conn)
        assert sum(r["balance_base"] for r in tb.records()) == 0
        pnl = run_statement("profit-and-loss", AS_OF, conn)
        assert pnl.records() and pnl.records()[-1]["month_start"] <= AS_OF
