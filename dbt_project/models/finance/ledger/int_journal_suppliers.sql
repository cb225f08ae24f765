{#
    Supplier costs and payouts.
      supplier_bill    one per confirmed booking item: Dr cost of tours / Cr AP, the item cost in
                       the supplier currency at the service-date rate, dated on the service date
      supplier_payout  one per paid payout: Dr AP at the carrying value of the items it pays
                       (confirmed items of the supplier with a service date in the payout period)
                       / Cr bank in the payout currency at the paid-on rate; difference: realised FX.
                       When the items do not add up to the payout, AP is relieved at the paid-on rate.
    Cancelled and pending items, and payouts not (yet) paid, post nothing.
#}

with

items as (

    select
        items.booking_item_id,
        items.booking_id,
        items.supplier_id,
        items.service_date,
        items.cost_currency as currency,
        items.cost_amount as amount,
        fx.rate_to_base as fx_rate,
        fx.rate_date as fx_rate_date,
        fx.fx_source,
        {{ to_base('items.cost_amount', 'fx.rate_to_base') }} as amount_base
    from {{ ref('fct_booking_items') }} as items
    {{ fx_join('fx', 'items.cost_currency', 'items.service_date') }}
    where items.status = 'confirmed'

),

payouts as (

    select
        payouts.*,
        fx.rate_to_base as fx_rate,
        fx.rate_date as fx_rate_date,
        fx.fx_source,
        {{ to_base('payouts.amount', 'fx.rate_to_base') }} as amount_base
    from {{ ref('stg_supplier_payouts') }} as payouts
    {{ fx_join('fx', 'payouts.currency', 'payouts.paid_on') }}
    where payouts.status = 'paid' and payouts.paid_on is not null

),

paid_items as (

    select
        payouts.supplier_payout_id,
        sum(items.amount) as items_amount,
        sum(items.amount_base) as items_base
    from payouts
    inner join items
        on payouts.supplier_id = items.supplier_id
        and items.service_date >= payouts.period_start
        and items.service_date <= payouts.period_end
    group by payouts.supplier_payout_id

),

lines as (

    select {{ journal_line(entry_key('supplier_bill', 'booking_item_id'), 'service_date',
        "'supplier_bill'", "'booking_items'", 'booking_item_id', account('cost_of_tours'),
        'amount_base', 'currency', 'amount', 'fx_rate', 'fx_rate_date', 'fx_source',
        booking_id='booking_id', supplier_id='supplier_id') }}
    from items

    union all

    select {{ journal_line(entry_key('supplier_bill', 'booking_item_id'), 'service_date',
        "'supplier_bill'", "'booking_items'", 'booking_item_id', account('accounts_payable'),
        '-amount_base', 'currency', '-amount', 'fx_rate', 'fx_rate_date', 'fx_source',
        booking_id='booking_id', supplier_id='supplier_id') }}
    from items

    union all

    select {{ journal_line(entry_key('supplier_payout', 'payouts.supplier_payout_id'), 'paid_on',
        "'supplier_payout'", "'supplier_payouts'", 'payouts.supplier_payout_id',
        account('accounts_payable'),
        'case when paid_items.items_amount = payouts.amount then paid_items.items_base else payouts.amount_base end',
        'currency', 'payouts.amount', 'fx_rate', 'fx_rate_date', 'fx_source',
        supplier_id='payouts.supplier_id') }}
    from payouts
    left join paid_items
        on payouts.supplier_payout_id = paid_items.supplier_payout_id

    union all

    select {{ journal_line(entry_key('supplier_payout', 'supplier_payout_id'), 'paid_on',
        "'supplier_payout'", "'supplier_payouts'", 'supplier_payout_id',
        bank_account_code('currency'), '-amount_base', 'currency', '-amount', 'fx_rate',
        'fx_rate_date', 'fx_source', supplier_id='supplier_id') }}
    from payouts

)

select * from lines
