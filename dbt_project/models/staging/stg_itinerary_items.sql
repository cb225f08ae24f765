with

source as (

    select * from {{ source('raw', 'itinerary_items') }}

),

renamed as (

    select
        id as itinerary_item_id,
        itinerary_day_id,
        position as item_position,
        slot,
        kind,
        site_id,
        supplier_id,
        description,
        starts_at,
        ends_at,
        estimated_cost_minor,
        {{ minor_to_major('estimated_cost_minor', 'currency') }} as estimated_cost_amount,
        currency,
        is_locked,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
