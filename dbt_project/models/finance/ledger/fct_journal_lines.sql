{#
    The general ledger: every journal line of every business event (the int_journal_* models),
    in base currency. Each entry (entry_id) balances exactly: whatever its lines leave over --
    realised FX on settling a foreign-currency receivable or payable, or a cent of rounding -- is
    posted as one more line to the realised FX gain/loss account. Zero lines are dropped.
#}

with

posted as (

    select * from {{ ref('int_journal_invoices') }}
    union all
    select * from {{ ref('int_journal_receipts') }}
    union all
    select * from {{ ref('int_journal_gateways') }}
    union all
    select * from {{ ref('int_journal_suppliers') }}
    union all
    select * from {{ ref('int_journal_commissions') }}

),

residues as (

    select
        entry_id,
        min(entry_date) as entry_date,
        min(event_type) as event_type,
        min(source_table) as source_table,
        min(source_id) as source_id,
        -sum(amount_base) as amount_base,
        min(agency_id) as agency_id,
        min(booking_id) as booking_id,
        min(invoice_id) as invoice_id,
        min(supplier_id) as supplier_id
    from posted
    group by entry_id
    having sum(amount_base) <> 0

),

balanced as (

    select * from posted
    where amount_base <> 0

    union all

    select {{ journal_line('entry_id', 'entry_date', 'event_type', 'source_table', 'source_id',
        account('fx_gain_loss'), 'amount_base', "'" ~ var('base_currency') ~ "'", 'amount_base',
        agency_id='agency_id', booking_id='booking_id', invoice_id='invoice_id',
        supplier_id='supplier_id') }}
    from residues

),

accounts as (

    select account_code, account_name, account_type from {{ ref('chart_of_accounts') }}

),

numbered as (

    select
        balanced.*,
        accounts.account_name,
        accounts.account_type,
        row_number() over (
            partition by balanced.entry_id
            order by case when balanced.amount_base > 0 then 0 else 1 end, balanced.account_code,
                balanced.amount_base
        ) as line_number
    from balanced
    left join accounts
        on balanced.account_code = accounts.account_code

)

select
    cast(entry_id || '#' || cast(line_number as {{ dbt.type_string() }}) as {{ dbt.type_string() }}) as journal_line_id,
    entry_id,
    cast(line_number as integer) as line_number,
    entry_date,
    event_type,
    source_table,
    source_id,
    account_code,
    cast(account_name as {{ dbt.type_string() }}) as account_name,
    cast(account_type as {{ dbt.type_string() }}) as account_type,
    cast(case when amount_base > 0 then amount_base else 0 end as numeric(18, 2)) as debit_base,
    cast(case when amount_base < 0 then -amount_base else 0 end as numeric(18, 2)) as credit_base,
    amount_base as net_amount_base,
    cast('{{ var("base_currency") }}' as {{ dbt.type_string() }}) as base_currency,
    currency,
    amount,
    fx_rate,
    fx_rate_date,
    fx_source,
    agency_id,
    booking_id,
    invoice_id,
    supplier_id
from numbered
