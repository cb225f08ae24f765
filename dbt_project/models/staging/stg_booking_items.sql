with

source as (

    select * from {{ source('raw', 'booking_items') }}

),

renamed as (

    select
        id as booking_item_id,
        booking_id,
        supplier_id,
        service_type,
        site_id,
        description,
        service_date,
        quantity,
        cost_minor,
        {{ minor_to_major('cost_minor', 'cost_currency') }} as cost_amount,
        cost_currency,
        sell_minor,
        {{ minor_to_major('sell_minor', 'sell_currency') }} as sell_amount,
        sell_currency,
        status,
        cast(supplier_requested_at as {{ dbt.type_timestamp() }}) as supplier_requested_at,
        cast(supplier_confirmed_at as {{ dbt.type_timestamp() }}) as supplier_confirmed_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
