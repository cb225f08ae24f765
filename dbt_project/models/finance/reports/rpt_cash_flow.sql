{#
    Monthly cash flow in base currency from the ledger's bank accounts (direct method):
    inflows are debits to bank accounts, outflows credits, split by the event that moved the cash.
#}

with

lines as (

    select
        cast({{ dbt.date_trunc('month', 'lines.entry_date') }} as date) as month_start,
        lines.event_type,
        lines.debit_base,
        lines.credit_base
    from {{ ref('fct_journal_lines') }} as lines
    inner join {{ ref('chart_of_accounts') }} as accounts
        on lines.account_code = accounts.account_code
    where accounts.account_role = 'bank'

),

months as (

    select distinct cast({{ dbt.date_trunc('month', 'entry_date') }} as date) as month_start
    from {{ ref('fct_journal_lines') }}

),

by_month as (

    select
        months.month_start,
        cast(coalesce(sum(case when lines.event_type = 'settlement' then lines.debit_base - lines.credit_base end), 0) as numeric(18, 2)) as gateway_settlements_base,
        cast(coalesce(sum(case when lines.event_type = 'payment_received' then lines.debit_base - lines.credit_base end), 0) as numeric(18, 2)) as bank_transfer_receipts_base,
        cast(coalesce(sum(case when lines.event_type = 'refund' then lines.credit_base - lines.debit_base end), 0) as numeric(18, 2)) as refunds_paid_base,
        cast(coalesce(sum(case when lines.event_type = 'supplier_payout' then lines.credit_base - lines.debit_base end), 0) as numeric(18, 2)) as supplier_payments_base,
        cast(coalesce(sum(case when lines.event_type not in ('settlement', 'payment_received', 'refund', 'supplier_payout') then lines.debit_base - lines.credit_base end), 0) as numeric(18, 2)) as other_net_base,
        cast(coalesce(sum(lines.debit_base), 0) as numeric(18, 2)) as total_inflows_base,
        cast(coalesce(sum(lines.credit_base), 0) as numeric(18, 2)) as total_outflows_base
    from months
    left join lines
        on months.month_start = lines.month_start
    group by months.month_start

),

running as (

    select
        by_month.*,
        cast(total_inflows_base - total_outflows_base as numeric(18, 2)) as net_change_in_cash_base,
        sum(total_inflows_base - total_outflows_base) over (
            order by month_start rows between unbounded preceding and current row
        ) as closing_cash_base
    from by_month

)

select
    month_start,
    gateway_settlements_base,
    bank_transfer_receipts_base,
    refunds_paid_base,
    supplier_payments_base,
    other_net_base,
    total_inflows_base,
    total_outflows_base,
    net_change_in_cash_base,
    cast(closing_cash_base - net_change_in_cash_base as numeric(18, 2)) as opening_cash_base,
    cast(closing_cash_base as numeric(18, 2)) as closing_cash_base
from running
