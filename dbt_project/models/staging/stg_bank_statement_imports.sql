with

source as (

    select * from {{ source('raw', 'bank_statement_imports') }}

),

renamed as (

    select
        id as bank_statement_import_id,
        file_name,
        sha256,
        format as file_format,
        bank_account,
        period_start,
        period_end,
        line_count,
        lines_imported,
        cast(imported_at as {{ dbt.type_timestamp() }}) as imported_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
