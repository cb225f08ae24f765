{#
    Output tax per month and tax regime in base currency, from the ledger: invoices issued add,
    voided invoices and credit notes subtract (netted in the month they are posted).
#}

with

lines as (

    select
        cast({{ dbt.date_trunc('month', 'lines.entry_date') }} as date) as month_start,
        lines.source_id as document_id,
        lines.event_type,
        accounts.account_role,
        -lines.net_amount_base as credit_amount_base
    from {{ ref('fct_journal_lines') }} as lines
    inner join {{ ref('chart_of_accounts') }} as accounts
        on lines.account_code = accounts.account_code
    where lines.event_type in ('invoice_issued', 'invoice_voided', 'credit_note_issued')

),

documents as (

    select invoice_id, tax_regime from {{ ref('fct_invoices') }}

),

grouped as (

    select
        lines.month_start,
        coalesce(documents.tax_regime, 'none') as tax_regime,
        count(distinct case when lines.event_type = 'invoice_issued' then lines.document_id end) as invoices_count,
        count(distinct case when lines.event_type <> 'invoice_issued' then lines.document_id end) as reversals_count,
        {% for column, role in [('taxable_value_base', 'revenue'), ('cgst_base', 'tax_cgst'),
                                ('sgst_base', 'tax_sgst'), ('igst_base', 'tax_igst'), ('vat_base', 'tax_vat')] %}
        sum(case when lines.account_role = '{{ role }}' then lines.credit_amount_base else 0 end) as {{ column }},
        {% endfor %}
        sum(case when lines.account_role like 'tax_%' then lines.credit_amount_base else 0 end) as total_tax_base
    from lines
    left join documents
        on lines.document_id = documents.invoice_id
    group by lines.month_start, coalesce(documents.tax_regime, 'none')

)

select
    month_start,
    cast(tax_regime as {{ dbt.type_string() }}) as tax_regime,
    cast(invoices_count as integer) as invoices_count,
    cast(reversals_count as integer) as reversals_count,
    cast(taxable_value_base as numeric(18, 2)) as taxable_value_base,
    cast(cgst_base as numeric(18, 2)) as cgst_base,
    cast(sgst_base as numeric(18, 2)) as sgst_base,
    cast(igst_base as numeric(18, 2)) as igst_base,
    cast(vat_base as numeric(18, 2)) as vat_base,
    cast(total_tax_base as numeric(18, 2)) as total_tax_base
from grouped
