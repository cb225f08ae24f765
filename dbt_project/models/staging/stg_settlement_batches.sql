with

source as (

    select * from {{ source('raw', 'settlement_batches') }}

),

renamed as (

    select
        id as settlement_batch_id,
        gateway,
        batch_reference,
        currency,
        gross_minor,
        {{ minor_to_major('gross_minor', 'currency') }} as gross_amount,
        fee_minor,
        {{ minor_to_major('fee_minor', 'currency') }} as fee_amount,
        net_minor,
        {{ minor_to_major('net_minor', 'currency') }} as net_amount,
        settled_on,
        bank_account,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
