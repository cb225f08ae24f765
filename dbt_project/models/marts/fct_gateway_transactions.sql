{#
    Every gateway money movement in one shape. Signs are the effect on the operator's money
    held at the gateway: charges positive, refunds and payouts negative; fee_minor is the fee
    charged (positive is a cost) and net_minor = gross_minor - fee_minor is the balance effect.
    Stripe comes from its balance transactions (its payouts appear there as 'payout' rows, so
    stg_gateway_stripe_payouts is not added again). A Razorpay settlement is a payout: the amount
    sent to the bank as a negative gross, the fees it withheld as its fee.
#}

with

stripe as (

    select
        'stripe' as gateway,
        balance_transaction_id as transaction_id,
        case
            when transaction_type in ('charge', 'payment') then 'charge'
            when transaction_type in ('refund', 'payment_refund', 'payment_failure_refund') then 'refund'
            when transaction_type in ('payout', 'payout_cancel', 'payout_failure') then 'payout'
            when transaction_type in ('stripe_fee', 'application_fee', 'tax_fee') then 'fee'
            else 'adjustment'
        end as transaction_type,
        amount_minor as gross_minor,
        coalesce(fee_minor, 0) as fee_minor,
        currency,
        created_at,
        payout_id,
        booking_ref,
        record_source
    from {{ ref('stg_gateway_stripe_balance_transactions') }}

),

razorpay as (

    select
        'razorpay' as gateway,
        settlement_id as transaction_id,
        'payout' as transaction_type,
        -amount_minor as gross_minor,
        coalesce(fees_minor, 0) as fee_minor,
        currency,
        created_at,
        settlement_id as payout_id,
        cast(null as {{ dbt.type_string() }}) as booking_ref,
        record_source
    from {{ ref('stg_gateway_razorpay_settlements') }}

),

paypal as (

    select
        'paypal' as gateway,
        transaction_id,
        case
            when event_code like 'T00%' then 'charge'
            when event_code like 'T11%' then 'refund'
            when event_code like 'T04%' then 'payout'
            when event_code like 'T01%' then 'fee'
            else 'adjustment'
        end as transaction_type,
        gross_minor,
        coalesce(fee_minor, 0) as fee_minor,
        currency,
        created_at,
        case when event_code like 'T04%' then transaction_id end as payout_id,
        booking_ref,
        record_source
    from {{ ref('stg_gateway_paypal_transactions') }}

),

unioned as (

    select * from stripe
    union all
    select * from razorpay
    union all
    select * from paypal

),

final as (

    select
        cast({{ dbt.concat(["gateway", "':'", "transaction_id"]) }} as {{ dbt.type_string() }}) as gateway_transaction_key,
        cast(gateway as {{ dbt.type_string() }}) as gateway,
        cast(transaction_id as {{ dbt.type_string() }}) as transaction_id,
        cast(transaction_type as {{ dbt.type_string() }}) as transaction_type,
        cast(gross_minor as {{ dbt.type_bigint() }}) as gross_minor,
        cast(fee_minor as {{ dbt.type_bigint() }}) as fee_minor,
        cast(gross_minor - fee_minor as {{ dbt.type_bigint() }}) as net_minor,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(payout_id as {{ dbt.type_string() }}) as payout_id,
        cast(booking_ref as {{ dbt.type_string() }}) as booking_ref,
        cast(record_source as {{ dbt.type_string() }}) as record_source
    from unioned

)

select * from final
