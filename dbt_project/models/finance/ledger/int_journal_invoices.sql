{#
    Invoices, their voiding and credit notes.
      invoice_issued      Dr AR total / Cr tour revenue subtotal / Cr CGST, SGST, IGST, VAT   (issue-date rate)
      invoice_voided      the exact reverse of invoice_issued, dated when the invoice was voided
                          (the booking's cancellation date, else the invoice's last update)
      credit_note_issued  Dr revenue / Dr taxes at the credit note's rate, Cr AR of the credited
                          invoice at that invoice's carrying rate (difference: realised FX)
    Drafts, invoices awaiting approval and approved-but-unissued invoices post nothing.
#}

with

movements as (

    select * from {{ ref('int_ar_movements') }}
    where event_type in ('invoice_issued', 'invoice_voided', 'credit_note_issued')

),

invoices as (

    select * from {{ ref('fct_invoices') }}

),

documents as (

    select
        movements.entry_id,
        movements.entry_date,
        movements.event_type,
        movements.ar_amount_base,
        movements.ar_amount,
        movements.invoice_id as ar_invoice_id,
        movements.currency as ar_currency,
        movements.fx_rate as ar_fx_rate,
        movements.fx_rate_date as ar_fx_rate_date,
        movements.fx_source as ar_fx_source,
        case when movements.event_type = 'invoice_issued' then -1 else 1 end as revenue_sign,
        invoices.*
    from movements
    inner join invoices
        on movements.source_id = invoices.invoice_id

),

lines as (

    select {{ journal_line('entry_id', 'entry_date', 'event_type', "'invoices'", 'invoice_id',
        account('accounts_receivable'), 'ar_amount_base', 'ar_currency', 'ar_amount', 'ar_fx_rate',
        'ar_fx_rate_date', 'ar_fx_source', 'agency_id', 'booking_id', 'ar_invoice_id') }}
    from documents

    {% for role, column in [('revenue', 'subtotal_amount'), ('tax_cgst', 'cgst_amount'),
                            ('tax_sgst', 'sgst_amount'), ('tax_igst', 'igst_amount'),
                            ('tax_vat', 'vat_amount')] %}
    union all

    select {{ journal_line('entry_id', 'entry_date', 'event_type', "'invoices'", 'invoice_id',
        account(role), 'revenue_sign * ' ~ to_base(column, 'fx_rate'), 'currency',
        'revenue_sign * ' ~ column, 'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id',
        'booking_id', 'ar_invoice_id') }}
    from documents
    where {{ column }} <> 0
    {% endfor %}

)

select * from lines
