{#
    Agent commissions (fct_agent_commissions).
      commission_accrual   Dr agent commission expense / Cr agent commissions payable
      commission_clawback  the accrual reversed when a paid booking is cancelled
    Commission payouts to agencies are not recorded operationally: the payable stays open.
#}

with

commissions as (

    select * from {{ ref('fct_agent_commissions') }}
    where commission_amount_base <> 0

),

lines as (

    select {{ journal_line("'commission_' || commission_event_id", 'event_date',
        "'commission_' || event_type", "'bookings'", 'booking_id', account('commission_expense'),
        'commission_amount_base', "'" ~ var('base_currency') ~ "'", 'commission_amount_base',
        agency_id='agency_id', booking_id='booking_id', invoice_id='invoice_id') }}
    from commissions

    union all

    select {{ journal_line("'commission_' || commission_event_id", 'event_date',
        "'commission_' || event_type", "'bookings'", 'booking_id', account('commission_payable'),
        '-commission_amount_base', "'" ~ var('base_currency') ~ "'", '-commission_amount_base',
        agency_id='agency_id', booking_id='booking_id', invoice_id='invoice_id') }}
    from commissions

)

select * from lines
