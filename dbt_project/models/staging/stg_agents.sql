with

source as (

    select * from {{ source('raw', 'agents') }}

),

renamed as (

    select
        id as agent_id,
        agency_id,
        name as agent_name,
        email,
        phone,
        is_active,
        joined_on,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
