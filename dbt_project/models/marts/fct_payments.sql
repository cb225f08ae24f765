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

joined as (

    {{ with_booking_state('payments', booking_columns=['bookings.agency_id']) }}

),

changed as (

    select * from joined
    {{ incremental_changed_rows('payment_id', business_date='payment_date') }}

),

converted as (

    select
        changed.*,
        changed.amount - changed.fee_amount as net_amount,
        {{ fx_columns('fx') }}
    from changed
    {{ fx_join('fx', 'changed.currency', 'changed.payment_date') }}

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
    {{ fx_typed_columns('fx') }},
    is_booking_deleted,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(source_updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from converted
