with

source as (

    select * from {{ source('raw', 'agencies') }}

),

renamed as (

    select
        id as agency_id,
        code as agency_code,
        name as agency_name,
        country_code,
        state_code,
        city,
        email,
        phone,
        currency,
        commission_tier,
        tax_id,
        onboarded_on,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
