{{
    config(
        materialized='incremental',
        unique_key='booking_item_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns'
    )
}}

{#
    One row per booking item. Cost is in the supplier's currency, sell in the booking's; both
    are converted to the base currency at the booking's booked date. Items of soft-deleted
    bookings are kept and flagged (is_deleted), like fct_bookings.

    source_updated_at is the later of the item's and its booking's updated_at, so a change to
    the booking (e.g. a soft delete) re-processes its items.
#}

with

items as (

    select * from {{ ref('stg_booking_items') }}

),

joined as (

    {{ with_booking_state('items', deleted_as='is_deleted', booking_columns=[
        'bookings.agency_id',
        'bookings.destination_id',
        'cast(bookings.booked_at as date) as booked_date',
    ]) }}

),

changed as (

    select * from joined
    {{ incremental_changed_rows('booking_item_id', business_date='booked_date', rates=['sell_fx', 'cost_fx']) }}

),

converted as (

    select
        changed.*,
        {{ fx_columns('sell_fx') }},
        {{ fx_columns('cost_fx') }}
    from changed
    {{ fx_join('sell_fx', 'changed.sell_currency', 'changed.booked_date') }}
    {{ fx_join('cost_fx', 'changed.cost_currency', 'changed.booked_date') }}

),

final as (

    select
        *,
        {{ to_base('sell_amount', 'sell_fx_rate') }} as sell_amount_base,
        {{ to_base('cost_amount', 'cost_fx_rate') }} as cost_amount_base
    from converted

)

select
    cast(booking_item_id as bigint) as booking_item_id,
    cast(booking_id as bigint) as booking_id,
    cast(supplier_id as bigint) as supplier_id,
    cast(agency_id as bigint) as agency_id,
    cast(destination_id as bigint) as destination_id,
    cast(service_type as {{ dbt.type_string() }}) as service_type,
    cast(site_id as bigint) as site_id,
    cast(description as {{ dbt.type_string() }}) as description,
    cast(booked_date as date) as booked_date,
    cast(service_date as date) as service_date,
    cast(quantity as integer) as quantity,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(sell_currency as {{ dbt.type_string() }}) as sell_currency,
    cast(sell_amount as numeric(18, 3)) as sell_amount,
    cast(cost_currency as {{ dbt.type_string() }}) as cost_currency,
    cast(cost_amount as numeric(18, 3)) as cost_amount,
    cast('{{ var("base_currency") }}' as {{ dbt.type_string() }}) as base_currency,
    cast(sell_amount_base as numeric(18, 3)) as sell_amount_base,
    cast(cost_amount_base as numeric(18, 3)) as cost_amount_base,
    cast(sell_amount_base - cost_amount_base as numeric(18, 3)) as margin_amount_base,
    {{ fx_typed_columns('sell_fx') }},
    {{ fx_typed_columns('cost_fx') }},
    cast(supplier_requested_at as {{ dbt.type_timestamp() }}) as supplier_requested_at,
    cast(supplier_confirmed_at as {{ dbt.type_timestamp() }}) as supplier_confirmed_at,
    supplier_confirmed_at is not null as is_supplier_confirmed,
    is_deleted,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(source_updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from final
