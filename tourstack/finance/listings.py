"""Monthly breakdowns as of a date: revenue by agent, commission summary, tax summary, and the
aging reports in report form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tourstack.finance.aging import BUCKETS, ap_aging, ar_aging
from tourstack.tables import Column, Table
from tourstack.warehouse import query

MONTH = "cast(date_trunc('month', lines.entry_date) as date)"

_REVENUE_SQL = f"""
select {MONTH}, lines.agency_id, agencies.agency_name, bookings.agent_id, agents.agent_name,
       sum(case when lines.event_type = 'invoice_issued' then lines.credit_base - lines.debit_base else 0 end),
       sum(case when lines.event_type in ('invoice_voided', 'credit_note_issued')
                then lines.debit_base - lines.credit_base else 0 end),
       sum(case when accounts.account_role = 'refunds' then lines.debit_base - lines.credit_base else 0 end),
       sum(case when accounts.account_role = 'cancellation_income'
                then lines.credit_base - lines.debit_base else 0 end),
       sum(lines.credit_base - lines.debit_base)
from marts.fct_journal_lines as lines
inner join finance.chart_of_accounts as accounts on lines.account_code = accounts.account_code
left join marts.fct_bookings as bookings on lines.booking_id = bookings.booking_id
left join marts.dim_agencies as agencies on lines.agency_id = agencies.agency_id
left join marts.dim_agents as agents on bookings.agent_id = agents.agent_id
where accounts.account_type = 'revenue' and lines.entry_date <= ?
group by {MONTH}, lines.agency_id, agencies.agency_name, bookings.agent_id, agents.agent_name
order by 1, 2, 4
"""

_COMMISSION_SQL = """
select cast(date_trunc('month', c.event_date) as date), c.agency_id, agencies.agency_name,
       c.agent_id, agents.agent_name,
       sum(case when c.event_type = 'accrual' then 1 else 0 end),
       sum(case when c.event_type = 'accrual' then c.commission_amount_base else 0 end),
       sum(case when c.event_type = 'clawback' then -c.commission_amount_base else 0 end),
       sum(c.commission_amount_base)
from marts.fct_agent_commissions as c
left join marts.dim_agencies as agencies on c.agency_id = agencies.agency_id
left join marts.dim_agents as agents on c.agent_id = agents.agent_id
where c.event_date <= ?
group by cast(date_trunc('month', c.event_date) as date), c.agency_id, agencies.agency_name,
         c.agent_id, agents.agent_name
order by 1, 2, 4
"""

_TAX_SQL = f"""
select {MONTH}, coalesce(invoices.tax_regime, 'none'),
       count(distinct case when lines.event_type = 'invoice_issued' then lines.source_id end),
       count(distinct case when lines.event_type <> 'invoice_issued' then lines.source_id end),
       sum(case when accounts.account_role = 'revenue' then lines.credit_base - lines.debit_base else 0 end),
       sum(case when accounts.account_role = 'tax_cgst' then lines.credit_base - lines.debit_base else 0 end),
       sum(case when accounts.account_role = 'tax_sgst' then lines.credit_base - lines.debit_base else 0 end),
       sum(case when accounts.account_role = 'tax_igst' then lines.credit_base - lines.debit_base else 0 end),
       sum(case when accounts.account_role = 'tax_vat' then lines.credit_base - lines.debit_base else 0 end)
from marts.fct_journal_lines as lines
inner join finance.chart_of_accounts as accounts on lines.account_code = accounts.account_code
left join marts.fct_invoices as invoices on lines.source_id = invoices.invoice_id
where lines.event_type in ('invoice_issued', 'invoice_voided', 'credit_note_issued')
    and lines.entry_date <= ?
group by {MONTH}, coalesce(invoices.tax_regime, 'none')
order by 1, 2
"""

_WHO = [Column("month_start", "Month", "date"), Column("agency_id", "Agency id", "integer"),
        Column("agency_name", "Agency", "text"), Column("agent_id", "Agent id", "integer"),
        Column("agent_name", "Agent", "text")]


def _rows(conn: Any, sql: str, as_of: dt.date, cols: list[Column]) -> list[dict[str, Any]]:
    return [dict(zip((c.name for c in cols), values, strict=True))
            for values in query(conn, sql, [as_of])]


def revenue_by_agent(conn: Any, as_of: dt.date) -> Table:
    cols = _WHO + [Column("invoiced_revenue_base", "Invoiced"),
                   Column("reversed_revenue_base", "Voided / credited"),
                   Column("refunds_base", "Refunds"),
                   Column("cancellation_income_base", "Cancellation income"),
                   Column("net_revenue_base", "Net revenue")]
    return Table.from_records("revenue-by-agent", "Revenue by agent", as_of, cols,
                  _rows(conn, _REVENUE_SQL, as_of, cols))


def commission_summary(conn: Any, as_of: dt.date) -> Table:
    cols = _WHO + [Column("accrued_bookings_count", "Bookings", "integer"),
                   Column("accrued_base", "Accrued"), Column("clawed_back_base", "Clawed back"),
                   Column("net_commission_base", "Net commission")]
    return Table.from_records("commission-summary", "Agent commission summary", as_of, cols,
                  _rows(conn, _COMMISSION_SQL, as_of, cols))


def tax_summary(conn: Any, as_of: dt.date) -> Table:
    cols = [Column("month_start", "Month", "date"), Column("tax_regime", "Regime", "text"),
            Column("invoices_count", "Invoices", "integer"),
            Column("reversals_count", "Voids / credit notes", "integer"),
            Column("taxable_value_base", "Taxable value"), Column("cgst_base", "CGST"),
            Column("sgst_base", "SGST"), Column("igst_base", "IGST"), Column("vat_base", "VAT")]
    rows = _rows(conn, _TAX_SQL, as_of, cols)
    for row in rows:
        row["total_tax_base"] = row["cgst_base"] + row["sgst_base"] + row["igst_base"] + row["vat_base"]
    cols.append(Column("total_tax_base", "Total tax"))
    return Table.from_records("tax-summary", "Output tax summary", as_of, cols, rows)


_BUCKET_COLS = [Column("current", "Current"), Column("days_1_30", "1-30 days"),
                Column("days_31_60", "31-60 days"), Column("days_61_90", "61-90 days"),
                Column("days_over_90", "90+ days"), Column("total", "Total")]
assert [c.name for c in _BUCKET_COLS[:-1]] == list(BUCKETS)


def ar_aging_report(conn: Any, as_of: dt.date) -> Table:
    cols = [Column("id", "Agency id", "integer"), Column("name", "Agency", "text"), *_BUCKET_COLS]
    return Table.from_records("ar-aging", "Accounts receivable aging", as_of, cols, ar_aging(conn, as_of))


def ap_aging_report(conn: Any, as_of: dt.date) -> Table:
    cols = [Column("id", "Supplier id", "integer"), Column("name", "Supplier", "text"), *_BUCKET_COLS]
    return Table.from_records("ap-aging", "Accounts payable aging", as_of, cols, ap_aging(conn, as_of))
