with

source as (

    select * from {{ source('raw', 'payments') }}

),

renamed as (

    select
        id as payment_id,
        booking_id,
        invoice_id,
        installment_id,
        gateway,
        gateway_reference,
        method,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        fee_minor,
        {{ minor_to_major('fee_minor', 'currency') }} as fee_amount,
        status,
        failure_code,
        cast(attempted_at as {{ dbt.type_timestamp() }}) as attempted_at,
        settlement_batch_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
