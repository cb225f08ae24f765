{#- The raw table's columns: source_or_empty reads an empty relation of this shape while the
    gateway feed has never run in this warehouse. -#}
{%- set raw_columns = [
    ('id', dbt.type_string()), ('amount_minor', dbt.type_bigint()), ('currency', dbt.type_string()),
    ('status', dbt.type_string()), ('method', dbt.type_string()), ('created_at', dbt.type_timestamp()),
    ('arrival_on', 'date'), ('balance_transaction_id', dbt.type_string()), ('destination', dbt.type_string()),
    ('source', dbt.type_string()), ('_extracted_at', dbt.type_timestamp()),
] -%}

with

source as (

    {{ source_or_empty('gateways', 'gateway_stripe_payouts', raw_columns) }}

),

renamed as (

    select
        id as payout_id,
        cast(amount_minor as {{ dbt.type_bigint() }}) as amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        status,
        method as payout_method,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(arrival_on as date) as arrival_on,
        balance_transaction_id,
        destination,
        source as record_source,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
