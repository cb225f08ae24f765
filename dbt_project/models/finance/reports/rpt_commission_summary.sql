{# Agent commissions per month, agency and agent: accrued, clawed back and net (base currency). #}

with

commissions as (

    select
        cast({{ dbt.date_trunc('month', 'event_date') }} as date) as month_start,
        *
    from {{ ref('fct_agent_commissions') }}

),

agencies as (

    select agency_id, agency_name from {{ ref('dim_agencies') }}

),

agents as (

    select agent_id, agent_name from {{ ref('dim_agents') }}

),

grouped as (

    select
        month_start,
        agency_id,
        agent_id,
        sum(case when event_type = 'accrual' then 1 else 0 end) as accrued_bookings_count,
        sum(case when event_type = 'accrual' then commission_amount_base else 0 end) as accrued_base,
        sum(case when event_type = 'clawback' then -commission_amount_base else 0 end) as clawed_back_base,
        sum(commission_amount_base) as net_commission_base
    from commissions
    group by month_start, agency_id, agent_id

)

select
    grouped.month_start,
    cast(grouped.agency_id as bigint) as agency_id,
    cast(agencies.agency_name as {{ dbt.type_string() }}) as agency_name,
    cast(grouped.agent_id as bigint) as agent_id,
    cast(agents.agent_name as {{ dbt.type_string() }}) as agent_name,
    cast(grouped.accrued_bookings_count as integer) as accrued_bookings_count,
    cast(grouped.accrued_base as numeric(18, 2)) as accrued_base,
    cast(grouped.clawed_back_base as numeric(18, 2)) as clawed_back_base,
    cast(grouped.net_commission_base as numeric(18, 2)) as net_commission_base
from grouped
left join agencies
    on grouped.agency_id = agencies.agency_id
left join agents
    on grouped.agent_id = agents.agent_id
