with

source as (

    select * from {{ source('raw', 'site_opening_hours') }}

),

renamed as (

    select
        id as site_opening_hours_id,
        site_id,
        weekday,
        opens_at,
        closes_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
