{#
    Trial balance per account and month over the whole ledger: every account of the chart for
    every month with entries. Balances are signed debit-positive (debit minus credit); the sum of
    closing balances over all accounts is zero in every month.
#}

with

lines as (

    select
        cast({{ dbt.date_trunc('month', 'entry_date') }} as date) as month_start,
        account_code,
        debit_base,
        credit_base
    from {{ ref('fct_journal_lines') }}

),

accounts as (

    select account_code, account_name, account_type, normal_balance
    from {{ ref('chart_of_accounts') }}

),

months as (

    select distinct month_start from lines

),

movements as (

    select
        month_start,
        account_code,
        sum(debit_base) as debit_base,
        sum(credit_base) as credit_base
    from lines
    group by month_start, account_code

),

grid as (

    select
        months.month_start,
        accounts.account_code,
        accounts.account_name,
        accounts.account_type,
        accounts.normal_balance,
        coalesce(movements.debit_base, 0) as debit_base,
        coalesce(movements.credit_base, 0) as credit_base
    from months
    cross join accounts
    left join movements
        on months.month_start = movements.month_start
        and accounts.account_code = movements.account_code

),

running as (

    select
        grid.*,
        sum(debit_base - credit_base) over (
            partition by account_code
            order by month_start
            rows between unbounded preceding and current row
        ) as closing_balance_base
    from grid

)

select
    month_start,
    cast(account_code as {{ dbt.type_string() }}) as account_code,
    cast(account_name as {{ dbt.type_string() }}) as account_name,
    cast(account_type as {{ dbt.type_string() }}) as account_type,
    cast(normal_balance as {{ dbt.type_string() }}) as normal_balance,
    cast(closing_balance_base - debit_base + credit_base as numeric(18, 2)) as opening_balance_base,
    cast(debit_base as numeric(18, 2)) as debit_base,
    cast(credit_base as numeric(18, 2)) as credit_base,
    cast(closing_balance_base as numeric(18, 2)) as closing_balance_base
from running
