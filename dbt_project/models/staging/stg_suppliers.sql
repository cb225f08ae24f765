with

source as (

    select * from {{ source('raw', 'suppliers') }}

),

renamed as (

    select
        id as supplier_id,
        destination_id,
        name as supplier_name,
        kind,
        currency,
        payment_terms_days,
        contact_name,
        contact_email,
        contact_phone,
        star_rating,
        latitude,
        longitude,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
