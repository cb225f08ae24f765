{{
    config(
        materialized='incremental',
        unique_key='booking_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns'
    )
}}

{#
    One row per booking, soft-deleted bookings included and flagged (is_deleted), converted to
    the base currency at the booked date.

    Incremental: re-processes bookings changed since the last run, plus recent bookings whose
    FX rate may since have been published (booked after the latest rate date already used).
#}

with

bookings as (

    select
        *,
        cast(booked_at as date) as booked_date
    from {{ ref('stg_bookings') }}

),

changed as (

    select * from bookings
    {{ incremental_changed_rows('booking_id', business_date='booked_date', updated_at='updated_at') }}

),

converted as (

    select
        changed.*,
        changed.total_sell_amount - changed.total_cost_amount as margin_amount,
        {{ fx_columns('fx') }}
    from changed
    {{ fx_join('fx', 'changed.currency', 'changed.booked_date') }}

)

select
    cast(booking_id as bigint) as booking_id,
    cast(booking_ref as {{ dbt.type_string() }}) as booking_ref,
    cast(agency_id as bigint) as agency_id,
    cast(agent_id as bigint) as agent_id,
    cast(customer_id as bigint) as customer_id,
    cast(quote_id as bigint) as quote_id,
    cast(destination_id as bigint) as destination_id,
    cast(booked_at as {{ dbt.type_timestamp() }}) as booked_at,
    cast(booked_date as date) as booked_date,
    cast(travel_start as date) as travel_start,
    cast(travel_end as date) as travel_end,
    cast({{ dbt.datediff('travel_start', 'travel_end', 'day') }} as integer) as trip_nights,
    cast({{ dbt.datediff('booked_date', 'travel_start', 'day') }} as integer) as lead_time_days,
    cast(travellers as integer) as travellers,
    cast(status as {{ dbt.type_string() }}) as status,
    status = 'cancelled' as is_cancelled,
    cast(cancelled_at as {{ dbt.type_timestamp() }}) as cancelled_at,
    cast(cancellation_reason as {{ dbt.type_string() }}) as cancellation_reason,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(total_sell_amount as numeric(18, 3)) as total_sell_amount,
    cast(total_cost_amount as numeric(18, 3)) as total_cost_amount,
    cast(margin_amount as numeric(18, 3)) as margin_amount,
    cast('{{ var("base_currency") }}' as {{ dbt.type_string() }}) as base_currency,
    {{ to_base('total_sell_amount', 'fx_rate') }} as total_sell_amount_base,
    {{ to_base('total_cost_amount', 'fx_rate') }} as total_cost_amount_base,
    {{ to_base('margin_amount', 'fx_rate') }} as margin_amount_base,
    {{ fx_typed_columns('fx') }},
    is_deleted,
    cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from converted
