{#- The raw table's columns: source_or_empty reads an empty relation of this shape while the
    gateway feed has never run in this warehouse. -#}
{%- set raw_columns = [
    ('id', dbt.type_string()), ('amount_minor', dbt.type_bigint()), ('fees_minor', dbt.type_bigint()),
    ('tax_minor', dbt.type_bigint()), ('currency', dbt.type_string()), ('status', dbt.type_string()),
    ('utr', dbt.type_string()), ('created_at', dbt.type_timestamp()), ('source', dbt.type_string()),
    ('_extracted_at', dbt.type_timestamp()),
] -%}

with

source as (

    {{ source_or_empty('gateways', 'gateway_razorpay_settlements', raw_columns) }}

),

renamed as (

    select
        id as settlement_id,
        cast(amount_minor as {{ dbt.type_bigint() }}) as amount_minor,
        cast(fees_minor as {{ dbt.type_bigint() }}) as fees_minor,
        cast(tax_minor as {{ dbt.type_bigint() }}) as tax_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        status,
        utr,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        source as record_source,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
