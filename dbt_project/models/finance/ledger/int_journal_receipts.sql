{#
    Money received from and returned to agencies.
      payment_received       Dr gateway clearing (bank for bank transfers) at the payment-date
                             rate / Cr AR at the invoice's carrying rate (difference: realised FX)
      gateway_fee            Dr gateway fees / Cr gateway clearing (payment-date rate)
      refund                 Cr clearing (bank for bank transfers) at the refund-date rate;
                             Dr AR when the invoice was voided (the refund pays back the credit
                             the voiding left), else Dr refunds and allowances (contra-revenue)
      cancellation_retained  what stays paid on a voided invoice after its refunds:
                             Dr AR / Cr cancellation fee income (invoice carrying rate)
    Failed and pending payments and refunds post nothing.
#}

with

ar as (

    select * from {{ ref('int_ar_movements') }}

),

payments as (

    select * from {{ ref('fct_payments') }}
    where status = 'succeeded'

),

refunds as (

    select
        refunds.refund_id,
        refunds.amount,
        refunds.currency,
        cast(refunds.refunded_at as date) as refunded_on,
        payments.gateway,
        payments.agency_id,
        payments.booking_id,
        payments.invoice_id,
        fx.rate_to_base as fx_rate,
        fx.rate_date as fx_rate_date,
        fx.fx_source
    from {{ ref('stg_refunds') }} as refunds
    inner join payments
        on refunds.payment_id = payments.payment_id
    {{ fx_join('fx', 'refunds.currency', 'cast(refunds.refunded_at as date)') }}
    where refunds.status = 'succeeded'

),

refund_ar as (

    select
        refunds.*,
        {{ entry_key('refund', 'refunds.refund_id') }} as entry_id,
        ar.ar_amount_base,
        ar.ar_amount,
        ar.fx_rate as ar_fx_rate,
        ar.fx_rate_date as ar_fx_rate_date,
        ar.fx_source as ar_fx_source
    from refunds
    left join ar
        on ar.entry_id = {{ entry_key('refund', 'refunds.refund_id') }}

),

payment_ar as (

    select
        payments.*,
        {{ entry_key('payment_received', 'payments.payment_id') }} as entry_id,
        ar.ar_amount_base,
        ar.fx_rate as ar_fx_rate,
        ar.fx_rate_date as ar_fx_rate_date,
        ar.fx_source as ar_fx_source
    from payments
    left join ar
        on ar.entry_id = {{ entry_key('payment_received', 'payments.payment_id') }}

),

lines as (

    select {{ journal_line('entry_id', 'payment_date', "'payment_received'", "'payments'", 'payment_id',
        cash_account_code('gateway', 'currency'), 'amount_base', 'currency', 'amount', 'fx_rate',
        'fx_rate_date', 'fx_source', 'agency_id', 'booking_id', 'invoice_id') }}
    from payment_ar

    union all

    select {{ journal_line('entry_id', 'payment_date', "'payment_received'", "'payments'", 'payment_id',
        account('accounts_receivable'), 'coalesce(ar_amount_base, -amount_base)', 'currency',
        '-amount', 'coalesce(ar_fx_rate, fx_rate)', 'coalesce(ar_fx_rate_date, fx_rate_date)',
        'coalesce(ar_fx_source, fx_source)', 'agency_id', 'booking_id', 'invoice_id') }}
    from payment_ar

    union all

    select {{ journal_line(entry_key('gateway_fee', 'payment_id'), 'payment_date', "'gateway_fee'",
        "'payments'", 'payment_id', account('gateway_fees'), 'fee_amount_base', 'currency',
        'fee_amount', 'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id', 'booking_id', 'invoice_id') }}
    from payments
    where fee_amount <> 0

    union all

    select {{ journal_line(entry_key('gateway_fee', 'payment_id'), 'payment_date', "'gateway_fee'",
        "'payments'", 'payment_id', cash_account_code('gateway', 'currency'), '-fee_amount_base',
        'currency', '-fee_amount', 'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id', 'booking_id',
        'invoice_id') }}
    from payments
    where fee_amount <> 0

    union all

    select {{ journal_line('entry_id', 'refunded_on', "'refund'", "'refunds'", 'refund_id',
        cash_account_code('gateway', 'currency'), '-' ~ to_base('amount', 'fx_rate'), 'currency',
        '-amount', 'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id', 'booking_id', 'invoice_id') }}
    from refund_ar

    union all

    select {{ journal_line('entry_id', 'refunded_on', "'refund'", "'refunds'", 'refund_id',
        'case when ar_amount_base is null then ' ~ account('refunds') ~ ' else '
            ~ account('accounts_receivable') ~ ' end',
        'coalesce(ar_amount_base, ' ~ to_base('amount', 'fx_rate') ~ ')', 'currency', 'amount',
        'coalesce(ar_fx_rate, fx_rate)', 'coalesce(ar_fx_rate_date, fx_rate_date)',
        'coalesce(ar_fx_source, fx_source)', 'agency_id', 'booking_id', 'invoice_id') }}
    from refund_ar

    union all

    select {{ journal_line('entry_id', 'entry_date', "'cancellation_retained'", "'invoices'",
        'invoice_id', account('accounts_receivable'), 'ar_amount_base', 'currency', 'ar_amount',
        'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id', 'booking_id', 'invoice_id') }}
    from ar
    where event_type = 'cancellation_retained'

    union all

    select {{ journal_line('entry_id', 'entry_date', "'cancellation_retained'", "'invoices'",
        'invoice_id', account('cancellation_income'), '-ar_amount_base', 'currency', '-ar_amount',
        'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id', 'booking_id', 'invoice_id') }}
    from ar
    where event_type = 'cancellation_retained'

)

select * from lines
