with

source as (

    select * from {{ source('raw', 'site_crowd_levels') }}

),

renamed as (

    select
        id as site_crowd_level_id,
        site_id,
        weekday,
        hour as hour_of_day,
        crowd_level,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
