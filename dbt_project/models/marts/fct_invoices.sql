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

bookings as (

    select booking_id, is_deleted, updated_at
    from {{ ref('stg_bookings') }}

),

fx as (

    select * from {{ ref('int_fx_rates_daily') }}

),

joined as (

    select
        invoices.*,
        coalesce(bookings.is_deleted, false) as is_booking_deleted,
        case
            when bookings.updated_at > invoices.updated_at then bookings.updated_at
            else invoices.updated_at
        end as source_updated_at
    from invoices
    left join bookings
        on invoices.booking_id = bookings.booking_id

),

changed as (

    select * from joined
    {% if is_incremental() %}
    where source_updated_at >= (
            select coalesce(max(source_updated_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
        )
        or fx_date > (
            select coalesce(max(fx_rate_date), cast('1900-01-01' as date)) from {{ this }}
        )
        or invoice_id in (select invoice_id from {{ this }} where fx_rate is null)
    {% endif %}

),

converted as (

    select
        changed.*,
        fx.rate_to_base as fx_rate,
        fx.rate_date as fx_rate_date,
        fx.fx_source
    from changed
    left join fx
        on changed.currency = fx.currency
        and changed.fx_date >= fx.valid_from
        and changed.fx_date < fx.valid_to

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
    cast(fx_rate as numeric(18, 8)) as fx_rate,
    cast(fx_rate_date as date) as fx_rate_date,
    cast(fx_source as {{ dbt.type_string() }}) as fx_source,
    is_booking_deleted,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
    cast(source_updated_at as {{ dbt.type_timestamp() }}) as source_updated_at
from converted
