{{
    config(
        materialized='incremental',
        unique_key='payment_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns'
    )
}}

{#
    One row per payment attempt (succeeded, failed or pending), converted to the base currency
    at the attempt date. Refunds and disputes stay in their own staging models. Payments are
    never dropped; is_booking_deleted flags payments whose booking was soft-deleted.
#}

with

payments as (

    select
        *,
        cast(attempted_at as date) as payment_date
    from {{ ref('stg_payments') }}

),

bookings as (

    select booking_id, agency_id, is_deleted, updated_at
    from {{ ref('stg_bookings') }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

joined as (

    select
        payments.*,
        bookings.agency_id,
        coalesce(bookings.is_deleted, false) as is_booking_deleted,
        case
            when bookings.updated_at > payments.updated_at then bookings.updated_at
            else payments.updated_at
        end as source_updated_at
    from payments
    left join bookings
        on payments.booking_id = bookings.booking_id

),

changed as (

    select * from joined
    {% if is_incremental() %}
    where source_updated_at >= (
            select coalesce(max(source_updated_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
        )
        or payment_date > (
            select coalesce(max(fx_rate_date), cast('1900-01-01' as date)) from {{ this }}
        )
        or payment_id in (select payment_id from {{ this }} where fx_rate is null)
    {% endif %}

),

converted as (

    select
        changed.*,
        changed.amount - changed.fee_amount as net_amount,
        fx.rate_to_base as fx_rate,
        fx.rate_date as fx_rate_date,
        fx.fx_source
    from changed
    left join fx
        on changed.currency = fx.currency
        and changed.payment_date >= fx.valid_from
        and changed.payment_date < fx.valid_to

)

select
    cast(payment_id as bigint) as payment_id,
    cast(booking_id as bigint) as booking_id,
    cast(invoice_id as bigint) as invoice_id,
    cast(installment_id as bigint) as installment_id,
    cast(agency_id as bigint) as agency_id,
    cast(settlement_batch_id as bigint) as settlement_batch_id,
    cast(gateway as {{ dbt.type_string() }}) as gateway,
    cast(gateway_reference as {{ dbt.type_string() }}) as gateway_reference,
    cast(method as {{ dbt.type_string() }}) as method,
    cast(status as {{ dbt.type_string() }}) as status,
    status = 'succeeded' as is_succeeded,
    cast(failure_code as {{ dbt.type_string() }}) as failure_code,
    cast(attempted_at as {{ dbt.type_timestamp() }}) as attempted_at,
    cast(payment_date as date) as payment_date,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(amount as numeric(18, 3)) as amount,
    cast(fee_amount as numeric(18, 3)) as fee_amount,
    cast(net_amount as numeric(18, 3)) as net_amount,
    cast('{{ var("base_currency") }}' as {{ dbt.type_string() }}) as base_currency,
    {{ to_base('amount', 'fx_rate') }} as amount_base,
    {{ to_base('fee_amount', 'fx_rate') }} as fee_amount_base,
    {{ to_base('net_amount', 'fx_rate') }} as net_amount_base,
    cast(fx_rate as numeric(18, 8)) as fx_rate,
    cast(fx_rate_date as date) as fx_rate_date,
    cast(fx_source as {{ dbt.type_string() }}) as fx_source,
    is_booking_deleted,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(source_updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from converted
