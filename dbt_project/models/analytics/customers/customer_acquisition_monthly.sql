{#
    Customer acquisition per channel and month: marketing spend (converted to base at the rate
    valid on the first day of the month), new customers (first live, non-cancelled booking in
    the month, by the customer's acquisition channel), their first-booking revenue with the cash
    received for it, and the acquisition cost per new customer (spend / new customers, rounded
    once to 2 decimals; null without spend or without new customers).
#}

with

spend as (

    select * from {{ ref('stg_marketing_spend') }}

),

bookings as (

    select * from {{ ref('kpi_bookings') }}
    where customer_booking_number = 1

),

spend_base as (

    select
        spend.channel,
        cast(spend.spend_month as date) as month_start,
        sum({{ to_base('spend.amount', 'fx.rate_to_base') }}) as spend_base
    from spend
    {{ fx_join('fx', 'spend.currency', 'cast(spend.spend_month as date)') }}
    group by spend.channel, cast(spend.spend_month as date)

),

acquired as (

    select
        coalesce(acquisition_channel, 'unknown') as channel,
        booked_month as month_start,
        count(*) as new_customers,
        sum(revenue_base) as first_booking_revenue_base,
        sum(cash_received_base) as first_booking_cash_received_base
    from bookings
    group by coalesce(acquisition_channel, 'unknown'), booked_month

),

keys as (

    select channel, month_start from spend_base
    union
    select channel, month_start from acquired

)

select
    cast(keys.channel as {{ dbt.type_string() }}) as channel,
    cast(keys.month_start as date) as month_start,
    cast(spend_base.spend_base as numeric(18, 3)) as spend_base,
    cast(coalesce(acquired.new_customers, 0) as bigint) as new_customers,
    cast(coalesce(acquired.first_booking_revenue_base, 0) as numeric(18, 3)) as first_booking_revenue_base,
    cast(coalesce(acquired.first_booking_cash_received_base, 0) as numeric(18, 3)) as first_booking_cash_received_base,
    {{ kpi_ratio('acquired.first_booking_cash_received_base', 'acquired.first_booking_revenue_base') }}
        as first_booking_cash_received_share,
    {{ kpi_average('spend_base.spend_base', 'acquired.new_customers') }} as acquisition_cost_base
from keys
left join spend_base
    on keys.channel = spend_base.channel and keys.month_start = spend_base.month_start
left join acquired
    on keys.channel = acquired.channel and keys.month_start = acquired.month_start
