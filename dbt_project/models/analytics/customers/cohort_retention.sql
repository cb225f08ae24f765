{#
    Cohort retention of customers and agents (entity_kind): a cohort is the month of the first
    live, non-cancelled booking; for each later month up to the last booked month, how many of
    the cohort booked again in that month (active) and the share of the cohort that is.
#}

with

bookings as (

    select * from {{ ref('kpi_bookings') }}
    where is_revenue

),

activity as (

    select distinct 'customer' as entity_kind, customer_id as entity_id, booked_month
    from bookings
    where customer_id is not null
    union all
    select distinct 'agent' as entity_kind, agent_id as entity_id, booked_month
    from bookings
    where agent_id is not null

),

cohorts as (

    select entity_kind, entity_id, min(booked_month) as cohort_month
    from activity
    group by entity_kind, entity_id

),

cohort_sizes as (

    select entity_kind, cohort_month, count(*) as cohort_size
    from cohorts
    group by entity_kind, cohort_month

),

months as (

    select distinct booked_month as month_start from bookings

),

grid as (

    select
        cohort_sizes.entity_kind,
        cohort_sizes.cohort_month,
        cohort_sizes.cohort_size,
        months.month_start
    from cohort_sizes
    inner join months
        on months.month_start >= cohort_sizes.cohort_month

),

active as (

    select
        cohorts.entity_kind,
        cohorts.cohort_month,
        activity.booked_month as month_start,
        count(*) as active_count
    from activity
    inner join cohorts
        on activity.entity_kind = cohorts.entity_kind
        and activity.entity_id = cohorts.entity_id
    group by cohorts.entity_kind, cohorts.cohort_month, activity.booked_month

)

select
    cast(grid.entity_kind as {{ dbt.type_string() }}) as entity_kind,
    cast(grid.cohort_month as date) as cohort_month,
    cast(grid.month_start as date) as month_start,
    cast({{ dbt.datediff('grid.cohort_month', 'grid.month_start', 'month') }} as integer) as months_since_first,
    cast(grid.cohort_size as bigint) as cohort_size,
    cast(coalesce(active.active_count, 0) as bigint) as active_count,
    {{ kpi_ratio('coalesce(active.active_count, 0)', 'grid.cohort_size') }} as retention_rate
from grid
left join active
    on grid.entity_kind = active.entity_kind
    and grid.cohort_month = active.cohort_month
    and grid.month_start = active.month_start
