{#
    Every movement of accounts receivable, per invoice, in the invoice currency and in base.
    AR is carried at the invoice's own rate (issue date): each movement is converted at that rate
    by telescoping the running balance, base_i = round(balance_i * rate) - round(balance_(i-1) * rate),
    so an invoice whose currency balance returns to zero leaves exactly zero in base. The journal
    entries book the other side at the event date's rate; the difference is realised FX.
#}

with

invoices as (

    select * from {{ ref('fct_invoices') }}

),

bookings as (

    select booking_id, cancelled_at from {{ ref('fct_bookings') }}

),

payments as (

    select * from {{ ref('fct_payments') }}
    where status = 'succeeded' and invoice_id is not null

),

refunds as (

    select * from {{ ref('stg_refunds') }}
    where status = 'succeeded'

),

posted_invoices as (

    select
        invoices.*,
        case
            when invoices.status = 'void' then
                greatest(
                    invoices.issued_on,
                    coalesce(cast(bookings.cancelled_at as date), cast(invoices.updated_at as date))
                )
        end as voided_on
    from invoices
    left join bookings
        on invoices.booking_id = bookings.booking_id
    where invoices.kind = 'invoice'
        and invoices.issued_on is not null
        and invoices.status not in ('draft', 'pending_approval', 'approved')

),

credit_notes as (

    select * from invoices
    where kind = 'credit_note' and is_issued and credited_invoice_id is not null

),

void_refunds as (

    select
        refunds.refund_id,
        refunds.amount,
        cast(refunds.refunded_at as date) as refunded_on,
        payments.invoice_id
    from refunds
    inner join payments
        on refunds.payment_id = payments.payment_id
    inner join posted_invoices
        on payments.invoice_id = posted_invoices.invoice_id
    where posted_invoices.status = 'void'

),

retained as (

    select
        posted_invoices.invoice_id,
        paid.paid_amount - coalesce(refunded.refunded_amount, 0) as retained_amount,
        greatest(
            posted_invoices.voided_on,
            paid.last_paid_on,
            coalesce(refunded.last_refunded_on, posted_invoices.voided_on)
        ) as retained_on
    from posted_invoices
    inner join (
        select invoice_id, sum(amount) as paid_amount, max(payment_date) as last_paid_on
        from payments
        group by invoice_id
    ) as paid
        on posted_invoices.invoice_id = paid.invoice_id
    left join (
        select invoice_id, sum(amount) as refunded_amount, max(refunded_on) as last_refunded_on
        from void_refunds
        group by invoice_id
    ) as refunded
        on posted_invoices.invoice_id = refunded.invoice_id
    where posted_invoices.status = 'void'

),

movements as (

    select {{ entry_key('invoice_issued', 'invoice_id') }} as entry_id, 'invoice_issued' as event_type,
        invoice_id as source_id, invoice_id, issued_on as entry_date, 1 as sort_order, total_amount as ar_amount
    from posted_invoices

    union all

    select {{ entry_key('invoice_voided', 'invoice_id') }}, 'invoice_voided',
        invoice_id, invoice_id, voided_on, 3, -total_amount
    from posted_invoices
    where status = 'void'

    union all

    select {{ entry_key('credit_note_issued', 'invoice_id') }}, 'credit_note_issued',
        invoice_id, credited_invoice_id, issued_on, 2, -total_amount
    from credit_notes

    union all

    select {{ entry_key('payment_received', 'payment_id') }}, 'payment_received',
        payment_id, invoice_id, payment_date, 2, -amount
    from payments

    union all

    select {{ entry_key('refund', 'refund_id') }}, 'refund',
        refund_id, invoice_id, refunded_on, 2, amount
    from void_refunds

    union all

    select {{ entry_key('cancellation_retained', 'invoice_id') }}, 'cancellation_retained',
        invoice_id, invoice_id, retained_on, 4, retained_amount
    from retained
    where retained_amount > 0

),

running as (

    select
        movements.*,
        sum(movements.ar_amount) over (
            partition by movements.invoice_id
            order by movements.entry_date, movements.sort_order, movements.entry_id
            rows between unbounded preceding and current row
        ) as balance_after
    from movements

),

renamed as (

    select
        running.entry_id,
        running.event_type,
        running.source_id,
        running.entry_date,
        running.invoice_id,
        invoices.agency_id,
        invoices.booking_id,
        invoices.due_on,
        invoices.currency,
        running.ar_amount,
        invoices.fx_rate,
        invoices.fx_rate_date,
        invoices.fx_source,
        {{ to_base('running.balance_after', 'invoices.fx_rate') }}
            - {{ to_base('running.balance_after - running.ar_amount', 'invoices.fx_rate') }} as ar_amount_base
    from running
    inner join invoices
        on running.invoice_id = invoices.invoice_id

)

select * from renamed
