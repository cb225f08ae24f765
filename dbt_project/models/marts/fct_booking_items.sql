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

bookings as (

    select
        booking_id,
        agency_id,
        destination_id,
        cast(booked_at as date) as booked_date,
        is_deleted,
        updated_at
    from {{ ref('stg_bookings') }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

joined as (

    select
        items.*,
        bookings.agency_id,
        bookings.destination_id,
        bookings.booked_date,
        coalesce(bookings.is_deleted, false) as is_deleted,
        case
            when bookings.updated_at > items.updated_at then bookings.updated_at
            else items.updated_at
        end as source_updated_at
    from items
    left join bookings
        on items.booking_id = bookings.booking_id

),

changed as (

    select * from joined
    {% if is_incremental() %}
    where source_updated_at >= (
            select coalesce(max(source_updated_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
        )
        or booked_date > (
            select coalesce(min(fx_rate_date), cast('1900-01-01' as date))
            from (
                select max(sell_fx_rate_date) as fx_rate_date from {{ this }}
                union all
                select max(cost_fx_rate_date) from {{ this }}
            ) as latest
        )
        or booking_item_id in (
            select booking_item_id from {{ this }} where sell_fx_rate is null or cost_fx_rate is null
        )
    {% endif %}

),

converted as (

    select
        changed.*,
        sell_fx.rate_to_base as sell_fx_rate,
        sell_fx.rate_date as sell_fx_rate_date,
        sell_fx.fx_source as sell_fx_source,
        cost_fx.rate_to_base as cost_fx_rate,
        cost_fx.rate_date as cost_fx_rate_date,
        cost_fx.fx_source as cost_fx_source
    from changed
    left join fx as sell_fx
        on changed.sell_currency = sell_fx.currency
        and changed.booked_date >= sell_fx.valid_from
        and changed.booked_date < sell_fx.valid_to
    left join fx as cost_fx
        on changed.cost_currency = cost_fx.currency
        and changed.booked_date >= cost_fx.valid_from
        and changed.booked_date < cost_fx.valid_to

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
    cast(sell_fx_rate as numeric(18, 8)) as sell_fx_rate,
    cast(sell_fx_rate_date as date) as sell_fx_rate_date,
    cast(sell_fx_source as {{ dbt.type_string() }}) as sell_fx_source,
    cast(cost_fx_rate as numeric(18, 8)) as cost_fx_rate,
    cast(cost_fx_rate_date as date) as cost_fx_rate_date,
    cast(cost_fx_source as {{ dbt.type_string() }}) as cost_fx_source,
    cast(supplier_requested_at as {{ dbt.type_timestamp() }}) as supplier_requested_at,
    cast(supplier_confirmed_at as {{ dbt.type_timestamp() }}) as supplier_confirmed_at,
    supplier_confirmed_at is not null as is_supplier_confirmed,
    is_deleted,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(source_updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from final
