with

source as (

    select * from {{ source('raw', 'staff_users') }}

),

renamed as (

    select
        id as staff_user_id,
        name as staff_user_name,
        email,
        role,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
