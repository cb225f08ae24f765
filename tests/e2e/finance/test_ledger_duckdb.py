"""The general ledger and finance reports on a warehouse built from the tiny demo (DuckDB):
double entry holds, sub-ledgers tie to their control accounts, statements tie to each other,
and every report exports to CSV and XLSX."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from tests.pipeline_helpers import AS_OF
from tests.tiny_book import ACCOUNTING_ONLY_MINOR
from tourstack.finance import BUCKETS, STATEMENTS, ap_aging, ar_aging, control_balance, run_statement
from reports.finance.export import to_csv, write_xlsx
from tourstack.warehouse import query

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]

DATES = [dt.date(2025, 3, 31), dt.date(2025, 12, 31), AS_OF, dt.date(2027, 12, 31)]


@pytest.fixture(scope="module")
def operational(tiny_warehouse) -> str:
    """The shared tiny book (reconciled once, so rpt_reconciliation and its report have rows)."""
    return tiny_warehouse.operational_url


@pytest.fixture(scope="module")
def warehouse(tiny_warehouse):
    return tiny_warehouse.duckdb_path


@pytest.fixture(scope="module")
def conn(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    yield con
    con.close()


def _one(conn, sql, params=()):
    return query(conn, sql, params)[0][0]


def _balance(conn, where: str, as_of: dt.date) -> Decimal:
    return _one(conn, f"""
        select coalesce(sum(l.net_amount_base), 0) from marts.fct_journal_lines as l
        inner join finance.chart_of_accounts as a on l.account_code = a.account_code
        where {where} and l.entry_date <= ?""", [as_of])


def test_every_entry_and_the_whole_ledger_balance(conn):
    assert _one(conn, "select count(*) from marts.fct_journal_lines") > 1000
    unbalanced = query(conn, """select entry_id from marts.fct_journal_lines group by entry_id
                                having sum(debit_base) <> sum(credit_base)""")
    assert unbalanced == []
    debits, credits = query(conn, "select sum(debit_base), sum(credit_base) from marts.fct_journal_lines")[0]
    assert debits == credits
    events = {row[0] for row in query(conn, "select distinct event_type from marts.fct_journal_lines")}
    assert {"invoice_issued", "payment_received", "gateway_fee", "settlement", "supplier_bill",
            "supplier_payout", "commission_accrual"} <= events


@pytest.mark.parametrize("as_of", DATES)
def test_ar_aging_ties_to_the_ar_control_account(conn, as_of):
    rows = ar_aging(conn, as_of)
    assert sum(r["total"] for r in rows) == control_balance(conn, "accounts_receivable", as_of)
    for r in rows:
        assert r["total"] == sum(r[b] for b in BUCKETS)


@pytest.mark.parametrize("as_of", DATES)
def test_ap_aging_ties_to_the_ap_control_account(conn, as_of):
    rows = ap_aging(conn, as_of)
    assert sum(r["total"] for r in rows) == -control_balance(conn, "accounts_payable", as_of)


def test_paid_invoices_leave_no_receivable(conn):
    leftovers = query(conn, """
        select l.invoice_id from marts.fct_journal_lines as l
        inner join marts.fct_invoices as i on l.invoice_id = i.invoice_id
        where l.account_code = '1200' and i.status in ('paid', 'void')
        group by l.invoice_id having sum(l.net_amount_base) <> 0""")
    assert leftovers == []


@pytest.mark.parametrize(("start", "end"), [(DATES[0], DATES[1]), (DATES[1], AS_OF), (DATES[0], DATES[3])])
def test_net_income_equals_the_change_in_equity(conn, start, end):
    months = [r for r in run_statement("profit-and-loss", end, conn).records() if r["month_start"] > start]
    net_income = sum((r["net_income_base"] for r in months), Decimal(0))

    def equity(day):  # retained earnings + result to date, credit-positive
        return -_balance(conn, "a.account_type in ('equity', 'revenue', 'expense')", day)

    def net_assets(day):
        return _balance(conn, "a.account_type in ('asset', 'liability')", day)

    assert net_income == equity(end) - equity(start)
    assert net_income == net_assets(end) - net_assets(start)


@pytest.mark.parametrize(("start", "end"), [(DATES[0], DATES[1]), (DATES[1], AS_OF)])
def test_net_cash_flow_equals_the_change_in_cash(conn, start, end):
    report = run_statement("cash-flow", end, conn)
    flows = sum((r["net_change_in_cash_base"] for r in report.records() if r["month_start"] > start), Decimal(0))
    cash = lambda day: _balance(conn, "a.account_role = 'bank'", day)  # noqa: E731
    assert flows == cash(end) - cash(start)
    assert report.records()[-1]["closing_cash_base"] == cash(end)


def test_ledger_revenue_ties_to_invoices_net_of_credit_notes(conn):
    ledger = -_balance(conn, "a.account_role = 'revenue'", dt.date(9999, 12, 31))
    invoiced = _one(conn, """select sum(subtotal_amount_base * amount_sign) from marts.fct_invoices
                             where is_issued""")
    assert ledger == invoiced
    tax = -_balance(conn, "a.account_role like 'tax_%'", dt.date(9999, 12, 31))
    gross = _one(conn, "select sum(tax_amount_base * amount_sign) from marts.fct_invoices where is_issued")
    assert abs(tax - gross) <= Decimal("0.01") * _one(conn, "select count(*) from marts.fct_invoices")


def test_reports_as_of_the_end_match_the_monthly_marts(conn):
    end = dt.date(2030, 12, 31)
    pnl = run_statement("profit-and-loss", end, conn).records()
    assert sum(r["net_income_base"] for r in pnl) == _one(
        conn, "select sum(net_income_base) from marts.rpt_profit_and_loss")
    cash = run_statement("cash-flow", end, conn).records()
    assert cash[-1]["closing_cash_base"] == _one(
        conn, "select closing_cash_base from marts.rpt_cash_flow order by month_start desc limit 1")
    tax = run_statement("tax-summary", end, conn).records()
    assert sum(r["total_tax_base"] for r in tax) == _one(
        conn, "select sum(total_tax_base) from marts.rpt_tax_summary")
    revenue = run_statement("revenue-by-agent", end, conn).records()
    assert sum(r["net_revenue_base"] for r in revenue) == _one(
        conn, "select sum(net_revenue_base) from marts.rpt_revenue_by_agent")
    commissions = run_statement("commission-summary", end, conn).records()
    assert sum(r["net_commission_base"] for r in commissions) == _one(
        conn, "select sum(net_commission_base) from marts.rpt_commission_summary")
    tb = run_statement("trial-balance", end, conn).records()
    assert sum(r["balance_base"] for r in tb) == 0
    assert {r["account_code"]: r["balance_base"] for r in tb} == dict(query(conn, """
        select account_code, closing_balance_base from marts.fct_trial_balance
        where month_start = (select max(month_start) from marts.fct_trial_balance)"""))


def test_commissions_accrue_on_paid_bookings_and_claw_back_on_cancellation(conn):
    rows = query(conn, """select c.event_type, count(*), sum(c.commission_amount_base),
                                 sum(case when b.is_cancelled then 1 else 0 end)
                          from marts.fct_agent_commissions as c
                          inner join marts.fct_bookings as b on c.booking_id = b.booking_id
                          group by c.event_type""")
    by_type = {event: (n, total, cancelled) for event, n, total, cancelled in rows}
    assert by_type["accrual"][1] > 0
    if "clawback" in by_type:
        n, total, cancelled = by_type["clawback"]
        assert n == cancelled and total < 0
    ledger = _balance(conn, "a.account_role = 'commission_expense'", dt.date(9999, 12, 31))
    assert ledger == _one(conn, "select sum(commission_amount_base) from marts.fct_agent_commissions")


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_every_report_exports_to_csv_and_xlsx(conn, tmp_path, name):
    from openpyxl import load_workbook

    report = run_statement(name, AS_OF, conn)
    assert report.records(), name
    lines = to_csv(report).splitlines()
    assert lines[0].split(",")[0] == report.columns[0].label
    assert len(lines) == len(report.records()) + 1
    ws = load_workbook(write_xlsx(report, tmp_path / f"{name}.xlsx")).active
    assert [c.value for c in ws[1]] == [c.label for c in report.columns]
    assert ws.freeze_panes == "B2"
    money = [i for i, c in enumerate(report.columns) if c.kind in ("money", "amount")]
    assert money and isinstance(ws.cell(row=2, column=money[0] + 1).value, (int, float))
    assert ws.cell(row=2, column=money[0] + 1).number_format.startswith("#,##0.00")


def test_cli_writes_reports_from_the_configured_warehouse(warehouse, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from cli.app import app
    from tourstack.settings import get_settings

    monkeypatch.setenv("TOURSTACK_WAREHOUSE", "duckdb")
    monkeypatch.setenv("TOURSTACK_DUCKDB_PATH", str(warehouse))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        out = tmp_path / "tb.xlsx"
        ok = runner.invoke(app, ["report", "finance", "trial-balance", "--as-of", AS_OF.isoformat(),
                                 "--format", "xlsx", "--out", str(out)])
        assert ok.exit_code == 0, ok.output
        assert out.stat().st_size > 0
        csv = runner.invoke(app, ["report", "finance", "ar-aging", "--as-of", AS_OF.isoformat()])
        assert csv.exit_code == 0 and csv.stdout.startswith("Agency id,Agency,Current")
    finally:
        get_settings.cache_clear()


def test_reconciliation_report_ties_to_the_mart_and_the_operational_tables(conn, operational):
    """Report = mart, figure by figure; mart = the reconciliation tables it summarises, with each
    transaction counted once in its own currency and payments and refunds never netted."""
    from collections import Counter, defaultdict

    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from tourstack.db.engine import make_engine
    from tourstack.db.models import (
        BankStatementLine,
        Payment,
        ReconciliationException,
        ReconciliationMatch,
        Refund,
    )
    from tourstack.finance.reconciliation import COLUMNS
    from tourstack.money import from_minor

    report = run_statement("reconciliation", AS_OF, conn)
    mart = {row[0]: dict(zip([c[0] for c in COLUMNS], row, strict=True)) for row in query(
        conn, f"select {', '.join(c[0] for c in COLUMNS)} from marts.rpt_reconciliation")}
    assert report.records() and {r["currency"] for r in report.records()} == set(mart)
    for row in report.records():
        source = mart[row["currency"]]
        for src, key, _, kind in COLUMNS:
            expected = from_minor(source[src], row["currency"]) if kind == "amount" else source[src]
            assert row[key] == expected, (row["currency"], key)

    engine = make_engine(operational)
    with Session(engine) as session:
        txn_currency = {f"bank:{i}": (c, a) for i, c, a in session.execute(
            select(BankStatementLine.id, BankStatementLine.currency, BankStatementLine.amount_minor))}
        txn_currency |= {f"payment:{i}": (c, a) for i, c, a in session.execute(
            select(Payment.id, Payment.currency, Payment.amount_minor))}
        txn_currency |= {f"refund:{i}": (c, -a) for i, c, a in session.execute(
            select(Refund.id, Refund.currency, Refund.amount_minor))}
        matches = session.execute(select(ReconciliationMatch.txn_key, ReconciliationMatch.amount_minor,
                                         ReconciliationMatch.currency)
                                  .where(ReconciliationMatch.settlement_batch_id.is_(None))).all()
        queued = session.execute(select(ReconciliationException.txn_key, ReconciliationException.reason,
                                        ReconciliationException.amount_minor, ReconciliationException.currency)
                                 .where(ReconciliationException.reason.not_in(("payout_missing", "payout_mismatch",
                                                                                "accounting_only")))).all()
        accounting_only = session.execute(select(ReconciliationException.currency, ReconciliationException.amount_minor)
                                          .where(ReconciliationException.reason == "accounting_only")).all()
    engine.dispose()
    assert matches and queued
    # the books' word without a statement line: counted apart, never as a transaction of ours
    assert accounting_only == [("INR", ACCOUNTING_ONLY_MINOR)]
    assert (mart["INR"]["accounting_only"], mart["INR"]["accounting_only_minor"]) == (1, ACCOUNTING_ONLY_MINOR)

    matched_keys = {m.txn_key for m in matches}
    by_txn_currency = Counter(txn_currency[k][0] for k in matched_keys)
    assert {c: r["transactions_matched"] for c, r in mart.items() if r["transactions_matched"]} == dict(by_txn_currency)
    assert sum(r["transactions_matched"] for r in mart.values()) == len(matched_keys)  # each once

    allocated, refunded = defaultdict(int), defaultdict(int)
    for m in matches:
        (allocated if m.amount_minor > 0 else refunded)[m.currency] += abs(m.amount_minor)
    assert {c: r["matched_minor"] for c, r in mart.items() if r["matched_minor"]} == dict(allocated)
    assert {c: r["refunded_minor"] for c, r in mart.items() if r["refunded_minor"]} == dict(refunded)

    inflow, outflow, unmatched = defaultdict(int), defaultdict(int), Counter()
    for key, reason, amount, currency in queued:
        if reason == "duplicate":
            continue
        if txn_currency[key][1] < 0:
            outflow[currency] += -amount
        else:
            inflow[currency] += amount
        if key not in matched_keys:
            unmatched[key] = currency
    assert {c: r["unallocated_inflow_minor"] for c, r in mart.items() if r["unallocated_inflow_minor"]} == dict(inflow)
    assert {c: r["unallocated_outflow_minor"] for c, r in mart.items() if r["unallocated_outflow_minor"]} == dict(
        outflow)
    assert {c: r["transactions_unmatched"] for c, r in mart.items() if r["transactions_unmatched"]} == dict(
        Counter(unmatched.values()))
