"""Ledger statements as of a date: trial balance, profit and loss, cash flow.

Everything is computed from marts.fct_journal_lines with entries dated on or before `as_of`,
so a report for a past date shows what the ledger held then (the monthly marts rpt_* show
the same figures for whole months).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from tourstack.tables import Column, Table
from tourstack.warehouse import query

ZERO = Decimal("0.00")
MONTH = "cast(date_trunc('month', lines.entry_date) as date)"

_TB_SQL = """
select accounts.account_code, accounts.account_name, accounts.account_type,
       coalesce(sum(lines.debit_base), 0), coalesce(sum(lines.credit_base), 0)
from finance.chart_of_accounts as accounts
left join marts.fct_journal_lines as lines
    on lines.account_code = accounts.account_code and lines.entry_date <= ?
group by accounts.account_code, accounts.account_name, accounts.account_type
order by accounts.account_code
"""

_BY_ROLE_SQL = f"""
select {MONTH} as month_start, accounts.account_role, lines.event_type,
       sum(lines.debit_base), sum(lines.credit_base)
from marts.fct_journal_lines as lines
inner join finance.chart_of_accounts as accounts on lines.account_code = accounts.account_code
where lines.entry_date <= ?
group by {MONTH}, accounts.account_role, lines.event_type
order by 1
"""

PNL_LINES = [  # column, account roles, sign applied to (debit - credit)
    ("tour_revenue_base", ("revenue",), -1),
    ("cancellation_income_base", ("cancellation_income",), -1),
    ("refunds_base", ("refunds",), 1),
    ("cost_of_tours_base", ("cost_of_tours",), 1),
    ("gateway_fees_base", ("gateway_fees",), 1),
    ("commissions_base", ("commission_expense",), 1),
    ("chargeback_losses_base", ("chargeback_losses",), 1),
    ("fx_gain_loss_base", ("fx_gain_loss",), -1),
]
PNL_LABELS = {
    "tour_revenue_base": "Tour revenue", "cancellation_income_base": "Cancellation income",
    "refunds_base": "Refunds", "net_revenue_base": "Net revenue",
    "cost_of_tours_base": "Cost of tours", "gross_margin_base": "Gross margin",
    "gateway_fees_base": "Gateway fees", "commissions_base": "Agent commissions",
    "chargeback_losses_base": "Chargeback losses", "fx_gain_loss_base": "FX gain/loss",
    "net_income_base": "Net income",
}


def trial_balance(conn: Any, as_of: dt.date) -> Table:
    cols = [Column("account_code", "Account", "text"), Column("account_name", "Name", "text"),
            Column("account_type", "Type", "text"), Column("debit_base", "Debits"),
            Column("credit_base", "Credits"), Column("balance_base", "Balance (Dr+)")]
    rows = [
        {"account_code": code, "account_name": name, "account_type": kind,
         "debit_base": dr, "credit_base": cr, "balance_base": dr - cr}
        for code, name, kind, dr, cr in query(conn, _TB_SQL, [as_of])
    ]
    return Table.from_records("trial-balance", "Trial balance", as_of, cols, rows)


def _by_month(conn: Any, as_of: dt.date) -> dict[dt.date, list[tuple]]:
    months: dict[dt.date, list[tuple]] = defaultdict(list)
    for month, role, event, dr, cr in query(conn, _BY_ROLE_SQL, [as_of]):
        months[month].append((role, event, dr, cr))
    return months


def profit_and_loss(conn: Any, as_of: dt.date) -> Table:
    cols = [Column("month_start", "Month", "date")] + [
        Column(key, label) for key, label in PNL_LABELS.items()
    ]
    rows = []
    for month, lines in sorted(_by_month(conn, as_of).items()):
        row: dict[str, Any] = {"month_start": month}
        for key, roles, sign in PNL_LINES:
            row[key] = sum((sign * (dr - cr) for role, _, dr, cr in lines if role in roles), ZERO)
        row["net_revenue_base"] = (row["tour_revenue_base"] + row["cancellation_income_base"]
                                   - row["refunds_base"])
        row["gross_margin_base"] = row["net_revenue_base"] - row["cost_of_tours_base"]
        row["net_income_base"] = (row["gross_margin_base"] - row["gateway_fees_base"]
                                  - row["commissions_base"] - row["chargeback_losses_base"]
                                  + row["fx_gain_loss_base"])
        rows.append(row)
    return Table.from_records("profit-and-loss", "Profit and loss", as_of, cols, rows)


CASH_LINES = [  # column, event types, sign applied to (debit - credit)
    ("gateway_settlements_base", ("settlement",), 1),
    ("bank_transfer_receipts_base", ("payment_received",), 1),
    ("refunds_paid_base", ("refund",), -1),
    ("supplier_payments_base", ("supplier_payout",), -1),
]


def cash_flow(conn: Any, as_of: dt.date) -> Table:
    cols = [Column("month_start", "Month", "date"), Column("opening_cash_base", "Opening cash")]
    cols += [Column(key, key.removesuffix("_base").replace("_", " ").capitalize())
             for key, *_ in CASH_LINES]
    cols += [Column("other_net_base", "Other (net)"), Column("total_inflows_base", "Inflows"),
             Column("total_outflows_base", "Outflows"),
             Column("net_change_in_cash_base", "Net change in cash"),
             Column("closing_cash_base", "Closing cash")]
    known = {event for _, events, _ in CASH_LINES for event in events}
    cash, rows = ZERO, []
    for month, lines in sorted(_by_month(conn, as_of).items()):
        bank = [(event, dr, cr) for role, event, dr, cr in lines if role == "bank"]
        row: dict[str, Any] = {"month_start": month, "opening_cash_base": cash}
        for key, events, sign in CASH_LINES:
            row[key] = sum((sign * (dr - cr) for event, dr, cr in bank if event in events), ZERO)
        row["other_net_base"] = sum((dr - cr for e, dr, cr in bank if e not in known), ZERO)
        row["total_inflows_base"] = sum((dr for _, dr, _ in bank), ZERO)
        row["total_outflows_base"] = sum((cr for _, _, cr in bank), ZERO)
        row["net_change_in_cash_base"] = row["total_inflows_base"] - row["total_outflows_base"]
        cash += row["net_change_in_cash_base"]
        row["closing_cash_base"] = cash
        rows.append(row)
    return Table.from_records("cash-flow", "Cash flow", as_of, cols, rows)
