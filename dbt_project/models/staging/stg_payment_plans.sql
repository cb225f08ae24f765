with

source as (

    select * from {{ source('raw', 'payment_plans') }}

),

renamed as (

    select
        id as payment_plan_id,
        booking_id,
        kind,
        currency,
        total_minor,
        {{ minor_to_major('total_minor', 'currency') }} as total_amount,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
