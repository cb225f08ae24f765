with

source as (

    select * from {{ source('raw', 'destinations') }}

),

renamed as (

    select
        id as destination_id,
        name as destination_name,
        country_code,
        country_name,
        region,
        city,
        latitude,
        longitude,
        timezone,
        currency,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
