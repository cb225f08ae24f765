{#- The raw table's columns: source_or_empty reads an empty relation of this shape while the
    gateway feed has never run in this warehouse. -#}
{%- set raw_columns = [
    ('id', dbt.type_string()), ('type', dbt.type_string()), ('reporting_category', dbt.type_string()),
    ('amount_minor', dbt.type_bigint()), ('fee_minor', dbt.type_bigint()), ('net_minor', dbt.type_bigint()),
    ('currency', dbt.type_string()), ('status', dbt.type_string()), ('created_at', dbt.type_timestamp()),
    ('available_at', dbt.type_timestamp()), ('source_id', dbt.type_string()), ('payout_id', dbt.type_string()),
    ('description', dbt.type_string()), ('booking_ref', dbt.type_string()), ('source', dbt.type_string()),
    ('payment_intent_id', dbt.type_string()), ('_extracted_at', dbt.type_timestamp()),
] -%}

with

source as (

    {{ source_or_empty('gateways', 'gateway_stripe_balance_transactions', raw_columns) }}

),

renamed as (

    select
        id as balance_transaction_id,
        type as transaction_type,
        reporting_category,
        cast(amount_minor as {{ dbt.type_bigint() }}) as amount_minor,
        cast(fee_minor as {{ dbt.type_bigint() }}) as fee_minor,
        cast(net_minor as {{ dbt.type_bigint() }}) as net_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        status,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(available_at as {{ dbt.type_timestamp() }}) as available_at,
        source_id as source_object_id,
        payment_intent_id,
        payout_id,
        description,
        booking_ref,
        source as record_source,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
