with

source as (

    select * from {{ source('raw', 'invoices') }}

),

renamed as (

    select
        id as invoice_id,
        invoice_number,
        series,
        fiscal_year,
        sequence_number,
        booking_id,
        agency_id,
        issued_on,
        due_on,
        currency,
        subtotal_minor,
        {{ minor_to_major('subtotal_minor', 'currency') }} as subtotal_amount,
        tax_minor,
        {{ minor_to_major('tax_minor', 'currency') }} as tax_amount,
        total_minor,
        {{ minor_to_major('total_minor', 'currency') }} as total_amount,
        status,
        kind,
        credited_invoice_id,
        tax_regime,
        place_of_supply,
        cgst_minor,
        {{ minor_to_major('cgst_minor', 'currency') }} as cgst_amount,
        sgst_minor,
        {{ minor_to_major('sgst_minor', 'currency') }} as sgst_amount,
        igst_minor,
        {{ minor_to_major('igst_minor', 'currency') }} as igst_amount,
        vat_minor,
        {{ minor_to_major('vat_minor', 'currency') }} as vat_amount,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
