with

source as (

    select * from {{ source('raw', 'itineraries') }}

),

renamed as (

    select
        id as itinerary_id,
        agency_id,
        destination_id,
        title,
        days_count,
        start_date,
        budget_level,
        travel_style,
        status,
        source as generation_source,
        currency,
        estimated_cost_minor,
        {{ minor_to_major('estimated_cost_minor', 'currency') }} as estimated_cost_amount,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
