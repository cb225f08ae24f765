with

source as (

    select * from {{ source('raw', 'sites') }}

),

renamed as (

    select
        id as site_id,
        destination_id,
        name as site_name,
        category,
        latitude,
        longitude,
        typical_duration_minutes,
        price_minor,
        {{ minor_to_major('price_minor', 'price_currency') }} as price_amount,
        price_currency,
        price_level,
        best_season,
        popularity,
        description,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
