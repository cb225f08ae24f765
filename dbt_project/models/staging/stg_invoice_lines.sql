with

source as (

    select * from {{ source('raw', 'invoice_lines') }}

),

invoices as (

    -- line amounts are in the currency of their invoice
    select id, currency from {{ source('raw', 'invoices') }}

),

renamed as (

    select
        invoice_lines.id as invoice_line_id,
        invoice_lines.invoice_id,
        invoice_lines.line_number,
        invoice_lines.description,
        invoice_lines.quantity,
        invoice_lines.unit_price_minor,
        {{ minor_to_major('invoice_lines.unit_price_minor', 'invoices.currency') }} as unit_price_amount,
        invoice_lines.tax_rate_bps,
        {{ bps_to_rate('invoice_lines.tax_rate_bps') }} as tax_rate,
        invoice_lines.tax_minor,
        {{ minor_to_major('invoice_lines.tax_minor', 'invoices.currency') }} as tax_amount,
        invoice_lines.amount_minor,
        {{ minor_to_major('invoice_lines.amount_minor', 'invoices.currency') }} as amount,
        invoice_lines.sac_code,
        invoice_lines.booking_item_id,
        invoice_lines.credited_line_id,
        invoice_lines.cgst_minor,
        {{ minor_to_major('invoice_lines.cgst_minor', 'invoices.currency') }} as cgst_amount,
        invoice_lines.sgst_minor,
        {{ minor_to_major('invoice_lines.sgst_minor', 'invoices.currency') }} as sgst_amount,
        invoice_lines.igst_minor,
        {{ minor_to_major('invoice_lines.igst_minor', 'invoices.currency') }} as igst_amount,
        invoice_lines.vat_minor,
        {{ minor_to_major('invoice_lines.vat_minor', 'invoices.currency') }} as vat_amount,
        invoices.currency as currency,
        cast(invoice_lines.created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(invoice_lines.updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(invoice_lines._extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source as invoice_lines
    left join invoices
        on invoice_lines.invoice_id = invoices.id

)

select * from renamed
