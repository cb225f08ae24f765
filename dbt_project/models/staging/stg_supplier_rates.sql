with

source as (

    select * from {{ source('raw', 'supplier_rates') }}

),

renamed as (

    select
        id as supplier_rate_id,
        supplier_id,
        service_name,
        unit,
        cost_minor,
        {{ minor_to_major('cost_minor', 'currency') }} as cost_amount,
        currency,
        valid_from,
        valid_to,
        season,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
