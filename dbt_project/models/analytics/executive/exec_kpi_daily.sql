{#
    Executive KPIs per calendar day, from the first to the last day with bookings, quotes or
    travel. Revenue by booked date with month- and year-to-date running totals, revenue
    recognised by travel date, and beside each revenue figure the cash received for the same
    bookings (kpi_bookings.cash_received_base) and its share of that revenue.
#}

with

bookings as (

    select * from {{ ref('kpi_bookings') }}

),

quotes as (

    select * from {{ ref('fct_quotes') }}
    where not is_deleted

),

bounds as (

    select
        min(d) as first_day,
        max(d) as last_day
    from (
        select booked_date as d from bookings
        union all
        select recognition_date from bookings
        union all
        select requested_date from quotes
    ) as activity

),

spine as (

    {{ day_spine('(select first_day from bounds)', '(select last_day from bounds)') }}

),

days as (

    select
        date_day,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start
    from spine

),

booked as (

    select
        booked_date as date_day,
        sum(case when is_revenue then 1 else 0 end) as bookings_count,
        sum(case when is_cancelled then 1 else 0 end) as cancelled_bookings_count,
        sum(revenue_base) as revenue_base,
        sum(case when is_revenue then cash_received_base else 0 end) as cash_received_base,
        count(distinct case when is_revenue then agent_id end) as active_agents
    from bookings
    group by booked_date

),

recognised as (

    select
        recognition_date as date_day,
        sum(revenue_base) as recognised_revenue_base,
        sum(case when is_revenue then cash_received_base else 0 end) as recognised_cash_received_base
    from bookings
    group by recognition_date

),

quoted as (

    select
        requested_date as date_day,
        count(*) as quotes_requested,
        sum(case when is_converted then 1 else 0 end) as quotes_converted
    from quotes
    group by requested_date

),

daily as (

    select
        days.date_day,
        days.month_start,
        days.year_start,
        coalesce(booked.bookings_count, 0) as bookings_count,
        coalesce(booked.cancelled_bookings_count, 0) as cancelled_bookings_count,
        coalesce(booked.revenue_base, 0) as revenue_base,
        coalesce(booked.cash_received_base, 0) as cash_received_base,
        coalesce(booked.active_agents, 0) as active_agents,
        coalesce(recognised.recognised_revenue_base, 0) as recognised_revenue_base,
        coalesce(recognised.recognised_cash_received_base, 0) as recognised_cash_received_base,
        coalesce(quoted.quotes_requested, 0) as quotes_requested,
        coalesce(quoted.quotes_converted, 0) as quotes_converted
    from days
    left join booked on days.date_day = booked.date_day
    left join recognised on days.date_day = recognised.date_day
    left join quoted on days.date_day = quoted.date_day

),

running as (

    select
        daily.*,
        sum(revenue_base) over (
            partition by month_start order by date_day rows between unbounded preceding and current row
        ) as revenue_mtd_base,
        sum(revenue_base) over (
            partition by year_start order by date_day rows between unbounded preceding and current row
        ) as revenue_ytd_base,
        sum(cash_received_base) over (
            partition by month_start order by date_day rows between unbounded preceding and current row
        ) as cash_received_mtd_base,
        sum(cash_received_base) over (
            partition by year_start order by date_day rows between unbounded preceding and current row
        ) as cash_received_ytd_base,
        sum(bookings_count) over (
            partition by month_start order by date_day rows between unbounded preceding and current row
        ) as bookings_mtd_count
    from daily

)

select
    cast(date_day as date) as date_day,
    cast(month_start as date) as month_start,
    cast(year_start as date) as year_start,
    cast(bookings_count as bigint) as bookings_count,
    cast(cancelled_bookings_count as bigint) as cancelled_bookings_count,
    cast(revenue_base as numeric(18, 3)) as revenue_base,
    cast(revenue_mtd_base as numeric(18, 3)) as revenue_mtd_base,
    cast(revenue_ytd_base as numeric(18, 3)) as revenue_ytd_base,
    cast(bookings_mtd_count as bigint) as bookings_mtd_count,
    {{ kpi_average('revenue_base', 'bookings_count') }} as avg_booking_value_base,
    cast(cash_received_base as numeric(18, 3)) as cash_received_base,
    cast(cash_received_mtd_base as numeric(18, 3)) as cash_received_mtd_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as cash_received_share,
    {{ kpi_ratio('cash_received_mtd_base', 'revenue_mtd_base') }} as cash_received_mtd_share,
    cast(cash_received_ytd_base as numeric(18, 3)) as cash_received_ytd_base,
    {{ kpi_ratio('cash_received_ytd_base', 'revenue_ytd_base') }} as cash_received_ytd_share,
    cast(recognised_revenue_base as numeric(18, 3)) as recognised_revenue_base,
    cast(recognised_cash_received_base as numeric(18, 3)) as recognised_cash_received_base,
    {{ kpi_ratio('recognised_cash_received_base', 'recognised_revenue_base') }} as recognised_cash_received_share,
    cast(quotes_requested as bigint) as quotes_requested,
    cast(quotes_converted as bigint) as quotes_converted,
    {{ kpi_ratio('quotes_converted', 'quotes_requested') }} as quote_conversion_rate,
    cast(active_agents as bigint) as active_agents
from running
