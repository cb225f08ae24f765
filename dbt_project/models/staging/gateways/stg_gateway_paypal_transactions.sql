{#- The raw table's columns: source_or_empty reads an empty relation of this shape while the
    gateway feed has never run in this warehouse. -#}
{%- set raw_columns = [
    ('transaction_id', dbt.type_string()), ('event_code', dbt.type_string()), ('status', dbt.type_string()),
    ('gross_minor', dbt.type_bigint()), ('fee_minor', dbt.type_bigint()), ('net_minor', dbt.type_bigint()),
    ('currency', dbt.type_string()), ('created_at', dbt.type_timestamp()), ('updated_at', dbt.type_timestamp()),
    ('invoice_id', dbt.type_string()), ('custom_field', dbt.type_string()), ('reference_id', dbt.type_string()),
    ('booking_ref', dbt.type_string()), ('source', dbt.type_string()), ('_extracted_at', dbt.type_timestamp()),
] -%}

with

source as (

    {{ source_or_empty('gateways', 'gateway_paypal_transactions', raw_columns) }}

),

renamed as (

    select
        transaction_id,
        event_code,
        status as transaction_status,
        cast(gross_minor as {{ dbt.type_bigint() }}) as gross_minor,
        cast(fee_minor as {{ dbt.type_bigint() }}) as fee_minor,
        cast(net_minor as {{ dbt.type_bigint() }}) as net_minor,
        {{ minor_to_major('gross_minor', 'currency') }} as gross_amount,
        currency,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        invoice_id,
        custom_field,
        reference_id,
        booking_ref,
        source as record_source,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
