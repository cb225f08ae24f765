with

source as (

    select * from {{ source('raw', 'refunds') }}

),

renamed as (

    select
        id as refund_id,
        payment_id,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        reason,
        status,
        gateway_reference,
        cast(refunded_at as {{ dbt.type_timestamp() }}) as refunded_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
