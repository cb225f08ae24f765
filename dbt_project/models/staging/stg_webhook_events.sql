with

source as (

    select * from {{ source('raw', 'webhook_events') }}

),

renamed as (

    -- the raw payload stays in raw: it can carry payer details and is not needed downstream
    select
        id as webhook_event_id,
        gateway,
        event_id as gateway_event_id,
        type as event_type,
        cast(signature_valid as boolean) as is_signature_valid,
        attempts,
        last_error,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(processed_at as {{ dbt.type_timestamp() }}) as processed_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
