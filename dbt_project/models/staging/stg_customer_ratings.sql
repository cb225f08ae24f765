with

source as (

    select * from {{ source('raw', 'customer_ratings') }}

),

renamed as (

    select
        id as customer_rating_id,
        booking_id,
        customer_id,
        supplier_id,
        score,
        comment,
        cast(rated_at as {{ dbt.type_timestamp() }}) as rated_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
