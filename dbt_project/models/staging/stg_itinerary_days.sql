with

source as (

    select * from {{ source('raw', 'itinerary_days') }}

),

renamed as (

    select
        id as itinerary_day_id,
        itinerary_id,
        day_number,
        title,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
