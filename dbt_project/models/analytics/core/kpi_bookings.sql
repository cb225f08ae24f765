{#
    One row per live booking (soft-deleted bookings excluded) with the attributes every KPI
    mart slices by and the booking's revenue beside the cash received for it, all in base
    currency.

    Revenue: total_sell_amount_base of bookings not cancelled (cancelled bookings carry 0),
    dated by booked_date; recognised revenue is the same amount dated by travel_start.
    Cash received (the reconciled share of revenue): succeeded payments (amount_base, at the
    rate of the payment date) minus succeeded refunds and minus lost disputes (chargebacks),
    each reversal converted at the rate of the payment it reverses, so a full reversal nets to
    exactly 0. The same "received money" the payment plans allocate to installments
    (docs/payments.md); pending refunds and open or won disputes do not reduce it.
#}

with

bookings as (

    select * from {{ ref('fct_bookings') }}
    where not is_deleted

),

destinations as (

    select * from {{ ref('dim_destinations') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

payments as (

    select * from {{ ref('fct_payments') }}
    where is_succeeded

),

refunds as (

    select * from {{ ref('stg_refunds') }}
    where status = 'succeeded'

),

disputes as (

    select * from {{ ref('stg_disputes') }}
    where status = 'lost'

),

refunds_base as (

    select
        refunds.payment_id,
        sum({{ to_base('refunds.amount', 'payments.fx_rate') }}) as refunded_base
    from refunds
    inner join payments
        on refunds.payment_id = payments.payment_id
    group by refunds.payment_id

),

disputes_base as (

    select
        disputes.payment_id,
        sum({{ to_base('disputes.amount', 'payments.fx_rate') }}) as disputed_lost_base
    from disputes
    inner join payments
        on disputes.payment_id = payments.payment_id
    group by disputes.payment_id

),

cash as (

    select
        payments.booking_id,
        sum(payments.amount_base) as paid_base,
        sum(coalesce(refunds_base.refunded_base, 0)) as refunded_base,
        sum(coalesce(disputes_base.disputed_lost_base, 0)) as disputed_lost_base,
        min(payments.payment_date) as first_payment_date
    from payments
    left join refunds_base
        on payments.payment_id = refunds_base.payment_id
    left join disputes_base
        on payments.payment_id = disputes_base.payment_id
    where payments.booking_id is not null
    group by payments.booking_id

),

enriched as (

    select
        bookings.*,
        not bookings.is_cancelled as is_revenue,
        destinations.destination_name,
        destinations.country_code as destination_country_code,
        destinations.country_name as destination_country_name,
        destinations.region as destination_region,
        customers.acquisition_channel,
        coalesce(cash.paid_base, 0) as paid_base,
        coalesce(cash.refunded_base, 0) as refunded_base,
        coalesce(cash.disputed_lost_base, 0) as disputed_lost_base,
        cash.first_payment_date
    from bookings
    left join destinations
        on bookings.destination_id = destinations.destination_id
    left join customers
        on bookings.customer_id = customers.customer_id
    left join cash
        on bookings.booking_id = cash.booking_id

),

sequenced as (

    select
        enriched.*,
        case
            when is_revenue and customer_id is not null then
                row_number() over (
                    partition by customer_id, is_revenue
                    order by booked_at, booking_id
                )
        end as customer_booking_number
    from enriched

)

select
    cast(booking_id as bigint) as booking_id,
    cast(booking_ref as {{ dbt.type_string() }}) as booking_ref,
    cast(agency_id as bigint) as agency_id,
    cast(agent_id as bigint) as agent_id,
    cast(customer_id as bigint) as customer_id,
    cast(quote_id as bigint) as quote_id,
    cast(destination_id as bigint) as destination_id,
    cast(destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(destination_country_code as {{ dbt.type_string() }}) as destination_country_code,
    cast(destination_country_name as {{ dbt.type_string() }}) as destination_country_name,
    cast(destination_region as {{ dbt.type_string() }}) as destination_region,
    cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
    cast(status as {{ dbt.type_string() }}) as status,
    is_cancelled,
    is_revenue,
    cast(booked_at as {{ dbt.type_timestamp() }}) as booked_at,
    cast(booked_date as date) as booked_date,
    cast({{ dbt.date_trunc('month', 'booked_date') }} as date) as booked_month,
    cast(travel_start as date) as recognition_date,
    cast({{ dbt.date_trunc('month', 'travel_start') }} as date) as recognition_month,
    cast(travellers as integer) as travellers,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(case when is_revenue then total_sell_amount else 0 end as numeric(18, 3)) as revenue_amount,
    cast(case when is_revenue then total_sell_amount_base else 0 end as numeric(18, 3)) as revenue_base,
    cast(case when is_revenue then margin_amount_base else 0 end as numeric(18, 3)) as margin_base,
    cast(total_sell_amount_base as numeric(18, 3)) as sell_amount_base,
    cast(paid_base as numeric(18, 3)) as paid_base,
    cast(refunded_base as numeric(18, 3)) as refunded_base,
    cast(disputed_lost_base as numeric(18, 3)) as disputed_lost_base,
    cast(paid_base - refunded_base - disputed_lost_base as numeric(18, 3)) as cash_received_base,
    cast(first_payment_date as date) as first_payment_date,
    paid_base - refunded_base - disputed_lost_base > 0 as is_paid,
    is_revenue and total_sell_amount_base is not null
        and paid_base - refunded_base - disputed_lost_base >= total_sell_amount_base as is_fully_paid,
    cast(customer_booking_number as integer) as customer_booking_number,
    coalesce(customer_booking_number > 1, false) as is_repeat_booking,
    cast(fx_rate as numeric(18, 8)) as fx_rate
from sequenced
