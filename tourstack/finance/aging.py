"""AR and AP aging as of any date, computed from the general ledger (marts.fct_journal_lines).

Both totals equal the balance of their control account on the same date, by construction:
AR ages each invoice's receivable balance by its due date; AP ages each supplier's balance,
applying payouts to the oldest bills first (FIFO), each bill due `payment_terms_days` after
its service date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from tourstack.warehouse import query

BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
ZERO = Decimal("0.00")

_AR_SQL = """
select lines.invoice_id, lines.agency_id, agencies.agency_name, invoices.invoice_number,
       coalesce(invoices.due_on, invoices.issued_on, min(lines.entry_date)) as due_on,
       sum(lines.net_amount_base) as balance
from marts.fct_journal_lines as lines
inner join finance.chart_of_accounts as accounts
    on lines.account_code = accounts.account_code
left join marts.fct_invoices as invoices on lines.invoice_id = invoices.invoice_id
left join marts.dim_agencies as agencies on lines.agency_id = agencies.agency_id
where accounts.account_role = 'accounts_receivable' and lines.entry_date <= ?
group by lines.invoice_id, lines.agency_id, agencies.agency_name, invoices.invoice_number,
         invoices.due_on, invoices.issued_on
having sum(lines.net_amount_base) <> 0
"""

_AP_SQL = """
select lines.supplier_id, suppliers.supplier_name, coalesce(suppliers.payment_terms_days, 0),
       lines.entry_date, lines.net_amount_base
from marts.fct_journal_lines as lines
inner join finance.chart_of_accounts as accounts
    on lines.account_code = accounts.account_code
left join marts.dim_suppliers as suppliers on lines.supplier_id = suppliers.supplier_id
where accounts.account_role = 'accounts_payable' and lines.entry_date <= ?
order by lines.supplier_id, lines.entry_date, lines.journal_line_id
"""


def bucket(as_of: dt.date, due_on: dt.date | None) -> str:
    """Aging bucket of an amount due on `due_on`, seen on `as_of`."""
    days = (as_of - due_on).days if due_on else 0
    if days <= 0:
        return "current"
    if days <= 30:
        return "days_1_30"
    if days <= 60:
        return "days_31_60"
    if days <= 90:
        return "days_61_90"
    return "days_over_90"


def _row(key: tuple, amounts: dict[str, Decimal]) -> dict[str, Any]:
    out = dict(zip(("id", "name"), key, strict=True))
    out.update({b: amounts.get(b, ZERO) for b in BUCKETS})
    out["total"] = sum((out[b] for b in BUCKETS), ZERO)
    return out


def ar_aging(conn: Any, as_of: dt.date) -> list[dict[str, Any]]:
    """Receivables per agency on `as_of` (base currency, debit = owed to us), by days past due."""
    per_agency: dict[tuple, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for _inv, agency_id, agency_name, _number, due_on, balance in query(conn, _AR_SQL, [as_of]):
        per_agency[(agency_id, agency_name)][bucket(as_of, due_on)] += balance
    rows = [_row(key, amounts) for key, amounts in per_agency.items()]
    return sorted(rows, key=lambda r: (r["id"] is None, r["id"] or 0))


def _fifo(as_of: dt.date, terms: int, lines: list[tuple[dt.date, Decimal]]) -> dict[str, Decimal]:
    """Age one supplier's AP: credits are bills, debits pay the oldest bills first."""
    bills = [[entry_date, -amount] for entry_date, amount in lines if amount < 0]
    paid = sum((amount for _, amount in lines if amount > 0), ZERO)
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for bill in bills:
        applied = min(paid, bill[1])
        paid -= applied
        bill[1] -= applied
        if bill[1]:
            amounts[bucket(as_of, bill[0] + dt.timedelta(days=terms))] += bill[1]
    if paid:  # paid more than billed: an advance, shown as a negative current amount
        amounts["current"] -= paid
    return amounts


def ap_aging(conn: Any, as_of: dt.date) -> list[dict[str, Any]]:
    """Payables per supplier on `as_of` (base currency, positive = we owe), by days past due."""
    grouped: dict[tuple, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    terms: dict[tuple, int] = {}
    for supplier_id, name, terms_days, entry_date, amount in query(conn, _AP_SQL, [as_of]):
        grouped[(supplier_id, name)].append((entry_date, amount))
        terms[(supplier_id, name)] = int(terms_days)
    rows = [_row(key, _fifo(as_of, terms[key], lines)) for key, lines in grouped.items()]
    return sorted((r for r in rows if r["total"] or any(r[b] for b in BUCKETS)),
                  key=lambda r: (r["id"] is None, r["id"] or 0))


def control_balance(conn: Any, role: str, as_of: dt.date) -> Decimal:
    """Balance (debit minus credit) of the accounts with `role` on `as_of`."""
    sql = """
        select coalesce(sum(lines.net_amount_base), 0)
        from marts.fct_journal_lines as lines
        inner join finance.chart_of_accounts as accounts
            on lines.account_code = accounts.account_code
        where accounts.account_role = ? and lines.entry_date <= ?
    """
    return Decimal(query(conn, sql, [role, as_of])[0][0])
