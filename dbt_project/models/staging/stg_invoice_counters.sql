with

source as (

    select * from {{ source('raw', 'invoice_counters') }}

),

renamed as (

    select
        id as invoice_counter_id,
        series,
        fiscal_year,
        last_number,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
