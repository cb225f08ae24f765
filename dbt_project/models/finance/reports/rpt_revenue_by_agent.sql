{# Monthly revenue per agency and agent from the ledger's revenue accounts (base currency, net of tax). #}

with

lines as (

    select
        cast({{ dbt.date_trunc('month', 'lines.entry_date') }} as date) as month_start,
        lines.agency_id,
        lines.booking_id,
        lines.event_type,
        accounts.account_role,
        -lines.net_amount_base as revenue_base
    from {{ ref('fct_journal_lines') }} as lines
    inner join {{ ref('chart_of_accounts') }} as accounts
        on lines.account_code = accounts.account_code
    where accounts.account_type = 'revenue'

),

bookings as (

    select booking_id, agent_id from {{ ref('fct_bookings') }}

),

agencies as (

    select agency_id, agency_name from {{ ref('dim_agencies') }}

),

agents as (

    select agent_id, agent_name from {{ ref('dim_agents') }}

),

grouped as (

    select
        lines.month_start,
        lines.agency_id,
        bookings.agent_id,
        sum(case when lines.event_type = 'invoice_issued' then lines.revenue_base else 0 end) as invoiced_revenue_base,
        sum(case when lines.event_type in ('invoice_voided', 'credit_note_issued') then -lines.revenue_base else 0 end) as reversed_revenue_base,
        sum(case when lines.account_role = 'refunds' then -lines.revenue_base else 0 end) as refunds_base,
        sum(case when lines.account_role = 'cancellation_income' then lines.revenue_base else 0 end) as cancellation_income_base,
        sum(lines.revenue_base) as net_revenue_base,
        count(distinct case when lines.event_type = 'invoice_issued' then lines.booking_id end) as invoiced_bookings_count
    from lines
    left join bookings
        on lines.booking_id = bookings.booking_id
    group by lines.month_start, lines.agency_id, bookings.agent_id

)

select
    grouped.month_start,
    cast(grouped.agency_id as bigint) as agency_id,
    cast(agencies.agency_name as {{ dbt.type_string() }}) as agency_name,
    cast(grouped.agent_id as bigint) as agent_id,
    cast(agents.agent_name as {{ dbt.type_string() }}) as agent_name,
    cast(grouped.invoiced_bookings_count as integer) as invoiced_bookings_count,
    cast(grouped.invoiced_revenue_base as numeric(18, 2)) as invoiced_revenue_base,
    cast(grouped.reversed_revenue_base as numeric(18, 2)) as reversed_revenue_base,
    cast(grouped.refunds_base as numeric(18, 2)) as refunds_base,
    cast(grouped.cancellation_income_base as numeric(18, 2)) as cancellation_income_base,
    cast(grouped.net_revenue_base as numeric(18, 2)) as net_revenue_base
from grouped
left join agencies
    on grouped.agency_id = agencies.agency_id
left join agents
    on grouped.agent_id = agents.agent_id
