{#
    Revenue per booked month and booking currency: the original-currency total (only additive
    within one currency) beside its base-currency conversion and the cash received.
#}

with

bookings as (

    select * from {{ ref('kpi_bookings') }}
    where is_revenue

),

aggregated as (

    select
        booked_month as month_start,
        currency,
        count(*) as bookings_count,
        sum(revenue_amount) as revenue_amount,
        sum(revenue_base) as revenue_base,
        sum(cash_received_base) as cash_received_base
    from bookings
    group by booked_month, currency

)

select
    cast(month_start as date) as month_start,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(bookings_count as bigint) as bookings_count,
    cast(revenue_amount as numeric(18, 3)) as revenue_amount,
    cast(revenue_base as numeric(18, 3)) as revenue_base,
    cast(cash_received_base as numeric(18, 3)) as cash_received_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as cash_received_share
from aggregated
