{#
    Executive KPIs per calendar month: revenue by booked month (base) with year-to-date total
    and month-over-month / year-over-year growth (up to the last month with bookings; later
    months exist for recognised revenue only), revenue recognised by travel month, bookings,
    average booking value, quote-to-booking conversion (quotes requested in the month that
    became a live booking), active agents, returning customers, and beside each revenue figure
    (booked, year to date, recognised) the cash received for the same bookings and its share.
#}

with

daily as (

    select * from {{ ref('exec_kpi_daily') }}

),

bookings as (

    select * from {{ ref('kpi_bookings') }}
    where is_revenue

),

sums as (

    select
        month_start,
        min(year_start) as year_start,
        sum(bookings_count) as bookings_count,
        sum(cancelled_bookings_count) as cancelled_bookings_count,
        sum(revenue_base) as revenue_base,
        sum(cash_received_base) as cash_received_base,
        sum(recognised_revenue_base) as recognised_revenue_base,
        sum(recognised_cash_received_base) as recognised_cash_received_base,
        sum(quotes_requested) as quotes_requested,
        sum(quotes_converted) as quotes_converted
    from daily
    group by month_start

),

people as (

    select
        booked_month as month_start,
        count(distinct agent_id) as active_agents,
        count(distinct customer_id) as booking_customers,
        count(distinct case when customer_booking_number = 1 then customer_id end) as new_customers
    from bookings
    group by booked_month

),

monthly as (

    select
        sums.*,
        coalesce(people.active_agents, 0) as active_agents,
        coalesce(people.booking_customers, 0) as booking_customers,
        coalesce(people.new_customers, 0) as new_customers,
        sum(sums.revenue_base) over (
            partition by sums.year_start order by sums.month_start
            rows between unbounded preceding and current row
        ) as revenue_ytd_base,
        sum(sums.cash_received_base) over (
            partition by sums.year_start order by sums.month_start
            rows between unbounded preceding and current row
        ) as cash_received_ytd_base
    from sums
    left join people
        on sums.month_start = people.month_start

),

compared as (

    select
        monthly.*,
        prev_month.revenue_base as revenue_prev_month_base,
        prev_year.revenue_base as revenue_prev_year_base,
        monthly.month_start <= (select max(booked_month) from bookings) as is_booking_period
    from monthly
    left join monthly as prev_month
        on prev_month.month_start = cast({{ dbt.dateadd('month', -1, 'monthly.month_start') }} as date)
    left join monthly as prev_year
        on prev_year.month_start = cast({{ dbt.dateadd('year', -1, 'monthly.month_start') }} as date)

)

select
    cast(month_start as date) as month_start,
    cast(year_start as date) as year_start,
    cast(bookings_count as bigint) as bookings_count,
    cast(cancelled_bookings_count as bigint) as cancelled_bookings_count,
    cast(revenue_base as numeric(18, 3)) as revenue_base,
    cast(revenue_ytd_base as numeric(18, 3)) as revenue_ytd_base,
    cast(cash_received_ytd_base as numeric(18, 3)) as cash_received_ytd_base,
    {{ kpi_ratio('cash_received_ytd_base', 'revenue_ytd_base') }} as cash_received_ytd_share,
    cast(revenue_prev_month_base as numeric(18, 3)) as revenue_prev_month_base,
    cast(revenue_prev_year_base as numeric(18, 3)) as revenue_prev_year_base,
    is_booking_period,
    case when is_booking_period then {{ kpi_growth('revenue_base', 'revenue_prev_month_base') }} end
        as revenue_growth_mom,
    case when is_booking_period then {{ kpi_growth('revenue_base', 'revenue_prev_year_base') }} end
        as revenue_growth_yoy,
    {{ kpi_average('revenue_base', 'bookings_count') }} as avg_booking_value_base,
    cast(cash_received_base as numeric(18, 3)) as cash_received_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as cash_received_share,
    cast(recognised_revenue_base as numeric(18, 3)) as recognised_revenue_base,
    cast(recognised_cash_received_base as numeric(18, 3)) as recognised_cash_received_base,
    {{ kpi_ratio('recognised_cash_received_base', 'recognised_revenue_base') }} as recognised_cash_received_share,
    cast(quotes_requested as bigint) as quotes_requested,
    cast(quotes_converted as bigint) as quotes_converted,
    {{ kpi_ratio('quotes_converted', 'quotes_requested') }} as quote_conversion_rate,
    cast(active_agents as bigint) as active_agents,
    cast(booking_customers as bigint) as booking_customers,
    cast(new_customers as bigint) as new_customers,
    cast(booking_customers - new_customers as bigint) as returning_customers,
    {{ kpi_ratio('booking_customers - new_customers', 'booking_customers') }} as repeat_customer_rate
from compared
