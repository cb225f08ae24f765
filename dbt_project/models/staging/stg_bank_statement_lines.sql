with

source as (

    select * from {{ source('raw', 'bank_statement_lines') }}

),

renamed as (

    select
        id as bank_statement_line_id,
        bank_account,
        booked_on,
        value_on,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        reference,
        counterparty,
        description,
        import_id as bank_statement_import_id,
        entry_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
