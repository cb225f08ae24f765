{#
    Agent commissions, one row per booking and event:
      accrual   when the booking's invoice becomes fully paid (the succeeded payment that brings
                the paid total to the invoice total), at the agency tier's rate on the invoice
                subtotal (revenue net of tax) in base currency
      clawback  when a booking whose commission was accrued is cancelled: the accrual reversed,
                dated on the cancellation (never before the accrual)
#}

with

invoices as (

    select * from {{ ref('fct_invoices') }}
    where kind = 'invoice'
        and issued_on is not null
        and status not in ('draft', 'pending_approval', 'approved')

),

payments as (

    select * from {{ ref('fct_payments') }}
    where status = 'succeeded'

),

bookings as (

    select * from {{ ref('fct_bookings') }}

),

agencies as (

    select agency_id, commission_tier from {{ ref('dim_agencies') }}

),

tiers as (

    select * from {{ ref('commission_tiers') }}

),

running as (

    select
        payments.invoice_id,
        payments.payment_date,
        sum(payments.amount) over (
            partition by payments.invoice_id
            order by payments.attempted_at, payments.payment_id
            rows between unbounded preceding and current row
        ) as paid_to_date
    from payments

),

fully_paid as (

    select
        invoices.invoice_id,
        invoices.booking_id,
        invoices.subtotal_amount_base,
        min(running.payment_date) as paid_on
    from invoices
    inner join running
        on invoices.invoice_id = running.invoice_id
        and running.paid_to_date >= invoices.total_amount
    group by invoices.invoice_id, invoices.booking_id, invoices.subtotal_amount_base

),

accruals as (

    select
        fully_paid.invoice_id,
        fully_paid.booking_id,
        bookings.agency_id,
        bookings.agent_id,
        coalesce(agencies.commission_tier, 'standard') as commission_tier,
        coalesce(tiers.rate_bps, 0) as rate_bps,
        fully_paid.paid_on,
        bookings.is_cancelled,
        cast(bookings.cancelled_at as date) as cancelled_on,
        fully_paid.subtotal_amount_base as commissionable_base,
        cast(round(fully_paid.subtotal_amount_base * {{ bps_to_rate('coalesce(tiers.rate_bps, 0)') }}, 2) as numeric(18, 2)) as commission_base
    from fully_paid
    inner join bookings
        on fully_paid.booking_id = bookings.booking_id
    left join agencies
        on bookings.agency_id = agencies.agency_id
    left join tiers
        on coalesce(agencies.commission_tier, 'standard') = tiers.commission_tier

),

events as (

    select *, 'accrual' as event_type, paid_on as event_date, 1 as event_sign
    from accruals

    union all

    select *, 'clawback', greatest(paid_on, coalesce(cancelled_on, paid_on)), -1
    from accruals
    where is_cancelled

),

renamed as (

    select
        cast(event_type || ':' || cast(booking_id as {{ dbt.type_string() }}) as {{ dbt.type_string() }}) as commission_event_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(event_date as date) as event_date,
        cast(booking_id as bigint) as booking_id,
        cast(invoice_id as bigint) as invoice_id,
        cast(agency_id as bigint) as agency_id,
        cast(agent_id as bigint) as agent_id,
        cast(commission_tier as {{ dbt.type_string() }}) as commission_tier,
        cast(rate_bps as integer) as rate_bps,
        cast(event_sign * commissionable_base as numeric(18, 2)) as commissionable_amount_base,
        cast(event_sign * commission_base as numeric(18, 2)) as commission_amount_base
    from events

)

select * from renamed
