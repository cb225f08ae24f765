with

source as (

    select * from {{ source('raw', 'marketing_spend') }}

),

renamed as (

    select
        id as marketing_spend_id,
        channel,
        month as spend_month,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
