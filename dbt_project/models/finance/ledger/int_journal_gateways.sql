{#
    Gateway payouts and chargebacks.
      settlement          Dr bank (the batch's bank account) net payout at the settlement-date rate
                          / Cr gateway clearing at the carrying value of the settled payments
                          (their amount less fee, at their payment-date rates); difference: realised FX
      chargeback_opened   Dr disputed funds / Cr gateway clearing (opening-date rate)
      chargeback_won      Dr gateway clearing at the closing-date rate / Cr disputed funds at the
                          opening value (difference: realised FX)
      chargeback_lost     Dr chargeback losses / Cr disputed funds (opening value)
#}

with

batches as (

    select
        batches.*,
        fx.rate_to_base as fx_rate,
        fx.rate_date as fx_rate_date,
        fx.fx_source
    from {{ ref('stg_settlement_batches') }} as batches
    {{ fx_join('fx', 'batches.currency', 'batches.settled_on') }}

),

settled as (

    select
        settlement_batch_id,
        sum(amount_base - fee_amount_base) as carrying_base,
        sum(amount - fee_amount) as carrying_amount
    from {{ ref('fct_payments') }}
    where status = 'succeeded' and settlement_batch_id is not null
    group by settlement_batch_id

),

disputes as (

    select
        disputes.*,
        payments.gateway,
        payments.agency_id,
        payments.booking_id,
        payments.invoice_id,
        cast(disputes.opened_at as date) as opened_on,
        cast(disputes.closed_at as date) as closed_on,
        opened_fx.rate_to_base as fx_rate,
        opened_fx.rate_date as fx_rate_date,
        opened_fx.fx_source,
        {{ to_base('disputes.amount', 'opened_fx.rate_to_base') }} as opened_base,
        closed_fx.rate_to_base as closed_fx_rate,
        closed_fx.rate_date as closed_fx_rate_date,
        closed_fx.fx_source as closed_fx_source
    from {{ ref('stg_disputes') }} as disputes
    inner join {{ ref('fct_payments') }} as payments
        on disputes.payment_id = payments.payment_id
    {{ fx_join('opened_fx', 'disputes.currency', 'cast(disputes.opened_at as date)') }}
    {{ fx_join('closed_fx', 'disputes.currency', 'cast(disputes.closed_at as date)') }}

),

lines as (

    select {{ journal_line(entry_key('settlement', 'batches.settlement_batch_id'), 'settled_on',
        "'settlement'", "'settlement_batches'", 'batches.settlement_batch_id',
        bank_account_code('batches.currency', 'batches.bank_account'),
        to_base('net_amount', 'fx_rate'), 'currency', 'net_amount', 'fx_rate', 'fx_rate_date',
        'fx_source') }}
    from batches

    union all

    select {{ journal_line(entry_key('settlement', 'batches.settlement_batch_id'), 'settled_on',
        "'settlement'", "'settlement_batches'", 'batches.settlement_batch_id',
        cash_account_code('batches.gateway', 'batches.currency'),
        '-coalesce(settled.carrying_base, ' ~ to_base('net_amount', 'fx_rate') ~ ')', 'currency',
        '-net_amount', 'fx_rate', 'fx_rate_date', 'fx_source') }}
    from batches
    left join settled
        on batches.settlement_batch_id = settled.settlement_batch_id

    {% for side in ['disputed', 'clearing'] %}
    union all

    select {{ journal_line(entry_key('chargeback_opened', 'dispute_id'), 'opened_on',
        "'chargeback_opened'", "'disputes'", 'dispute_id',
        account('disputed_funds') if side == 'disputed' else cash_account_code('gateway', 'currency'),
        ('' if side == 'disputed' else '-') ~ 'opened_base', 'currency',
        ('' if side == 'disputed' else '-') ~ 'amount', 'fx_rate', 'fx_rate_date', 'fx_source',
        'agency_id', 'booking_id', 'invoice_id') }}
    from disputes
    {% endfor %}

    union all

    select {{ journal_line(entry_key('chargeback_won', 'dispute_id'), 'closed_on',
        "'chargeback_won'", "'disputes'", 'dispute_id', cash_account_code('gateway', 'currency'),
        to_base('amount', 'closed_fx_rate'), 'currency', 'amount', 'closed_fx_rate',
        'closed_fx_rate_date', 'closed_fx_source', 'agency_id', 'booking_id', 'invoice_id') }}
    from disputes
    where status = 'won' and closed_on is not null

    union all

    select {{ journal_line("'chargeback_' || status || ':' || cast(dispute_id as " ~ dbt.type_string() ~ ")", 'closed_on',
        "'chargeback_' || status", "'disputes'", 'dispute_id', account('disputed_funds'),
        '-opened_base', 'currency', '-amount', 'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id',
        'booking_id', 'invoice_id') }}
    from disputes
    where status in ('won', 'lost') and closed_on is not null

    union all

    select {{ journal_line(entry_key('chargeback_lost', 'dispute_id'), 'closed_on',
        "'chargeback_lost'", "'disputes'", 'dispute_id', account('chargeback_losses'),
        'opened_base', 'currency', 'amount', 'fx_rate', 'fx_rate_date', 'fx_source', 'agency_id',
        'booking_id', 'invoice_id') }}
    from disputes
    where status = 'lost' and closed_on is not null

)

select * from lines
