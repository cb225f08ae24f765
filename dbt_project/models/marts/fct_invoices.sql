{{
    config(
        materialized='incremental',
        unique_key='invoice_id',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns'
    )
}}

{#
    One row per invoice or credit note (kind; credit notes carry positive amounts, amount_sign
    says which way they count), converted to the base currency at the issue date (drafts, which have no
    issue date yet, at their creation date). Invoices are legal documents and are never dropped;
    is_booking_deleted flags invoices whose booking was soft-deleted.
#}

with

invoices as (

    select
        *,
        coalesce(issued_on, cast(created_at as date)) as fx_date
    from {{ ref('stg_invoices') }}

),

joined as (

    {{ with_booking_state('invoices') }}

),

changed as (

    select * from joined
    {{ incremental_changed_rows('invoice_id', business_date='fx_date') }}

),

converted as (

    select
        changed.*,
        {{ fx_columns('fx') }}
    from changed
    {{ fx_join('fx', 'changed.currency', 'changed.fx_date') }}

)

select
    cast(invoice_id as bigint) as invoice_id,
    cast(invoice_number as {{ dbt.type_string() }}) as invoice_number,
    cast(kind as {{ dbt.type_string() }}) as kind,
    cast(case when kind = 'credit_note' then -1 else 1 end as integer) as amount_sign,
    cast(credited_invoice_id as bigint) as credited_invoice_id,
    cast(series as {{ dbt.type_string() }}) as series,
    cast(fiscal_year as integer) as fiscal_year,
    cast(sequence_number as integer) as sequence_number,
    cast(booking_id as bigint) as booking_id,
    cast(agency_id as bigint) as agency_id,
    cast(status as {{ dbt.type_string() }}) as status,
    status not in ('draft', 'pending_approval', 'approved', 'void') as is_issued,
    cast(issued_on as date) as issued_on,
    cast(due_on as date) as due_on,
    cast({{ dbt.datediff('issued_on', 'due_on', 'day') }} as integer) as payment_terms_days,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(subtotal_amount as numeric(18, 3)) as subtotal_amount,
    cast(tax_amount as numeric(18, 3)) as tax_amount,
    cast(total_amount as numeric(18, 3)) as total_amount,
    cast(tax_regime as {{ dbt.type_string() }}) as tax_regime,
    cast(place_of_supply as {{ dbt.type_string() }}) as place_of_supply,
    cast(cgst_amount as numeric(18, 3)) as cgst_amount,
    cast(sgst_amount as numeric(18, 3)) as sgst_amount,
    cast(igst_amount as numeric(18, 3)) as igst_amount,
    cast(vat_amount as numeric(18, 3)) as vat_amount,
    cast('{{ var("base_currency") }}' as {{ dbt.type_string() }}) as base_currency,
    {{ to_base('subtotal_amount', 'fx_rate') }} as subtotal_amount_base,
    {{ to_base('tax_amount', 'fx_rate') }} as tax_amount_base,
    {{ to_base('total_amount', 'fx_rate') }} as total_amount_base,
    {{ fx_typed_columns('fx') }},
    is_booking_deleted,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(source_updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from converted
