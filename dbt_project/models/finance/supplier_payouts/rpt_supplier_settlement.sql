{#
    Supplier settlement per supplier, currency and calendar month, in the supplier's currency
    and in the base currency.

    Two views of a month side by side:
    - the month's services (by service date, from fct_supplier_dues): cost incurred, how much of
      it is settled, in payment and still outstanding;
    - the month's cash: paid_out, the payouts paid (by paid_on) in the month.
    Base amounts use one rate per currency and month: the last rate published on or before the
    month's last day (the latest available for a month still running), recorded with its date
    and source.
#}

with

dues as (

    select * from {{ ref('fct_supplier_dues') }}

),

paid_payouts as (

    select * from {{ ref('stg_supplier_payouts') }}
    where status = 'paid' and paid_on is not null

),

suppliers as (

    select supplier_id, supplier_name from {{ ref('dim_suppliers') }}

),

incurred as (

    select
        supplier_id,
        currency,
        cast({{ dbt.date_trunc('month', 'service_date') }} as date) as month_start,
        count(*) as item_count,
        sum(cost_minor) as cost_incurred_minor,
        sum(settled_minor) as settled_minor,
        sum(in_payment_minor) as in_payment_minor,
        sum(outstanding_minor) as outstanding_minor
    from dues
    group by 1, 2, 3

),

cash as (

    select
        supplier_id,
        currency,
        cast({{ dbt.date_trunc('month', 'paid_on') }} as date) as month_start,
        count(*) as payout_count,
        sum(amount_minor) as paid_out_minor
    from paid_payouts
    group by 1, 2, 3

),

months as (

    select supplier_id, currency, month_start from incurred
    union
    select supplier_id, currency, month_start from cash

),

combined as (

    select
        months.supplier_id,
        months.currency,
        months.month_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'months.month_start')) }} as date) as month_end,
        coalesce(incurred.item_count, 0) as item_count,
        coalesce(incurred.cost_incurred_minor, 0) as cost_incurred_minor,
        coalesce(incurred.settled_minor, 0) as settled_minor,
        coalesce(incurred.in_payment_minor, 0) as in_payment_minor,
        coalesce(incurred.outstanding_minor, 0) as outstanding_minor,
        coalesce(cash.payout_count, 0) as payout_count,
        coalesce(cash.paid_out_minor, 0) as paid_out_minor
    from months
    left join incurred
        on months.supplier_id = incurred.supplier_id
        and months.currency = incurred.currency
        and months.month_start = incurred.month_start
    left join cash
        on months.supplier_id = cash.supplier_id
        and months.currency = cash.currency
        and months.month_start = cash.month_start

),

amounts as (

    select
        combined.*,
        {{ minor_to_major('cost_incurred_minor', 'currency') }} as cost_incurred_amount,
        {{ minor_to_major('settled_minor', 'currency') }} as settled_amount,
        {{ minor_to_major('in_payment_minor', 'currency') }} as in_payment_amount,
        {{ minor_to_major('outstanding_minor', 'currency') }} as outstanding_amount,
        {{ minor_to_major('paid_out_minor', 'currency') }} as paid_out_amount
    from combined

),

converted as (

    select
        amounts.*,
        suppliers.supplier_name,
        {{ fx_columns('fx') }}
    from amounts
    left join suppliers
        on amounts.supplier_id = suppliers.supplier_id
    {{ fx_join('fx', 'amounts.currency', 'amounts.month_end') }}

)

select
    cast(supplier_id as bigint) as supplier_id,
    cast(supplier_name as {{ dbt.type_string() }}) as supplier_name,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(month_start as date) as month_start,
    cast(item_count as bigint) as item_count,
    cast(payout_count as bigint) as payout_count,
    cast(cost_incurred_amount as numeric(18, 3)) as cost_incurred_amount,
    cast(settled_amount as numeric(18, 3)) as settled_amount,
    cast(in_payment_amount as numeric(18, 3)) as in_payment_amount,
    cast(outstanding_amount as numeric(18, 3)) as outstanding_amount,
    cast(paid_out_amount as numeric(18, 3)) as paid_out_amount,
    cast('{{ var("base_currency") }}' as {{ dbt.type_string() }}) as base_currency,
    {{ fx_typed_columns('fx') }},
    cast({{ to_base('cost_incurred_amount', 'fx_rate') }} as numeric(18, 3)) as cost_incurred_base,
    cast({{ to_base('settled_amount', 'fx_rate') }} as numeric(18, 3)) as settled_base,
    cast({{ to_base('in_payment_amount', 'fx_rate') }} as numeric(18, 3)) as in_payment_base,
    cast({{ to_base('outstanding_amount', 'fx_rate') }} as numeric(18, 3)) as outstanding_base,
    cast({{ to_base('paid_out_amount', 'fx_rate') }} as numeric(18, 3)) as paid_out_base
from converted
