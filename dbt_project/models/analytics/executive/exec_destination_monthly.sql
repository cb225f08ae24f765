{#
    Revenue per booked month and destination (with its country), ranked within the month
    (top destinations: revenue_rank <= N) and within the country, with the cash received.
    month_number supports seasonal comparisons across years.
#}

with

bookings as (

    select * from {{ ref('kpi_bookings') }}
    where is_revenue

),

aggregated as (

    select
        booked_month as month_start,
        destination_id,
        min(destination_name) as destination_name,
        min(destination_country_code) as country_code,
        min(destination_country_name) as country_name,
        count(*) as bookings_count,
        sum(travellers) as travellers,
        sum(revenue_base) as revenue_base,
        sum(cash_received_base) as cash_received_base
    from bookings
    group by booked_month, destination_id

),

ranked as (

    select
        aggregated.*,
        rank() over (partition by month_start order by revenue_base desc) as revenue_rank,
        sum(revenue_base) over (partition by month_start) as month_revenue_base,
        sum(revenue_base) over (partition by month_start, country_code) as country_revenue_base
    from aggregated

)

select
    cast(month_start as date) as month_start,
    cast({{ date_part_int('month', 'month_start') }} as integer) as month_number,
    cast(destination_id as bigint) as destination_id,
    cast(destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(country_code as {{ dbt.type_string() }}) as country_code,
    cast(country_name as {{ dbt.type_string() }}) as country_name,
    cast(bookings_count as bigint) as bookings_count,
    cast(travellers as bigint) as travellers,
    cast(revenue_base as numeric(18, 3)) as revenue_base,
    cast(cash_received_base as numeric(18, 3)) as cash_received_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as cash_received_share,
    cast(revenue_rank as integer) as revenue_rank,
    {{ kpi_ratio('revenue_base', 'month_revenue_base') }} as revenue_share_of_month,
    cast(country_revenue_base as numeric(18, 3)) as country_revenue_base
from ranked
