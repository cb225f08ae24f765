with

source as (

    select * from {{ source('raw', 'fx_rates') }}

),

renamed as (

    select
        id as fx_rate_id,
        rate_date,
        base_currency,
        quote_currency,
        cast(rate as numeric(18, 8)) as rate,
        source as rate_source,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
