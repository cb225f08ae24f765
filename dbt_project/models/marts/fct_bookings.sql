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

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

changed as (

    select * from bookings
    {% if is_incremental() %}
    where updated_at >= (
            select coalesce(max(source_updated_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
        )
        or booked_date > (
            select coalesce(max(fx_rate_date), cast('1900-01-01' as date)) from {{ this }}
        )
        or booking_id in (select booking_id from {{ this }} where fx_rate is null)
    {% endif %}

),

converted as (

    select
        changed.*,
        changed.total_sell_amount - changed.total_cost_amount as margin_amount,
        fx.rate_to_base as fx_rate,
        fx.rate_date as fx_rate_date,
        fx.fx_source
    from changed
    left join fx
        on changed.currency = fx.currency
        and changed.booked_date >= fx.valid_from
        and changed.booked_date < fx.valid_to

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
    cast(fx_rate as numeric(18, 8)) as fx_rate,
    cast(fx_rate_date as date) as fx_rate_date,
    cast(fx_source as {{ dbt.type_string() }}) as fx_source,
    is_deleted,
    cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from converted
