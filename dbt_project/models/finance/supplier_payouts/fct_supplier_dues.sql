{#
    One row per booking item the operator owes a supplier for: the supplier confirmed the item
    (confirmed or completed) and its booking is neither cancelled nor deleted. The debt is the
    item's cost in its cost currency (the supplier's), due payment_terms_days after the service.

    Coverage, as in tourstack.supplier_payouts.dues (the API answers the same numbers):
    - payouts that link the items they settle (stg_supplier_payout_items) cover the linked amount;
    - payouts without links cover the supplier's items of their currency whose service date is
      in their period, allocated in (service_date, booking_item_id) order until the amount runs out.
    Paid payouts settle; pending_approval and approved ones are in payment; rejected ones count
    for nothing. Coverage is capped at the cost, settled first. Sums run on integer minor units.
#}

with

items as (

    select * from {{ ref('stg_booking_items') }}
    where status in ('confirmed', 'completed')

),

bookings as (

    select booking_id, status, is_deleted from {{ ref('stg_bookings') }}

),

suppliers as (

    select supplier_id, payment_terms_days from {{ ref('dim_suppliers') }}

),

payouts as (

    select * from {{ ref('stg_supplier_payouts') }}
    where status in ('pending_approval', 'approved', 'paid')

),

links as (

    select * from {{ ref('stg_supplier_payout_items') }}

),

due_items as (

    select
        items.booking_item_id,
        items.booking_id,
        items.supplier_id,
        items.cost_currency as currency,
        items.service_date,
        suppliers.payment_terms_days,
        cast({{ dbt.dateadd('day', 'suppliers.payment_terms_days', 'items.service_date') }} as date) as due_on,
        items.cost_minor
    from items
    inner join bookings
        on items.booking_id = bookings.booking_id
    inner join suppliers
        on items.supplier_id = suppliers.supplier_id
    where bookings.status <> 'cancelled'
        and not coalesce(bookings.is_deleted, false)

),

linked as (

    select
        links.booking_item_id,
        sum(case when payouts.status = 'paid' then links.amount_minor else 0 end) as settled_minor,
        sum(case when payouts.status <> 'paid' then links.amount_minor else 0 end) as in_payment_minor
    from links
    inner join payouts
        on links.supplier_payout_id = payouts.supplier_payout_id
    group by links.booking_item_id

),

unlinked_payouts as (

    select payouts.*
    from payouts
    where not exists (
        select 1 from links where links.supplier_payout_id = payouts.supplier_payout_id
    )

),

allocation as (

    select
        unlinked_payouts.supplier_payout_id,
        unlinked_payouts.status,
        unlinked_payouts.amount_minor as payout_minor,
        due_items.booking_item_id,
        due_items.cost_minor,
        coalesce(
            sum(due_items.cost_minor) over (
                partition by unlinked_payouts.supplier_payout_id
                order by due_items.service_date, due_items.booking_item_id
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) as cost_before
    from unlinked_payouts
    inner join due_items
        on unlinked_payouts.supplier_id = due_items.supplier_id
        and unlinked_payouts.currency = due_items.currency
        and due_items.service_date >= unlinked_payouts.period_start
        and due_items.service_date <= unlinked_payouts.period_end

),

allocated as (

    select
        booking_item_id,
        status,
        case
            when payout_minor - cost_before <= 0 then 0
            when payout_minor - cost_before < cost_minor then payout_minor - cost_before
            else cost_minor
        end as covered_minor
    from allocation

),

by_period as (

    select
        booking_item_id,
        sum(case when status = 'paid' then covered_minor else 0 end) as settled_minor,
        sum(case when status <> 'paid' then covered_minor else 0 end) as in_payment_minor
    from allocated
    group by booking_item_id

),

covered as (

    select
        due_items.*,
        coalesce(linked.settled_minor, 0) + coalesce(by_period.settled_minor, 0) as settled_raw,
        coalesce(linked.in_payment_minor, 0) + coalesce(by_period.in_payment_minor, 0) as in_payment_raw
    from due_items
    left join linked
        on due_items.booking_item_id = linked.booking_item_id
    left join by_period
        on due_items.booking_item_id = by_period.booking_item_id

),

capped as (

    select
        covered.*,
        case when settled_raw > cost_minor then cost_minor else settled_raw end as settled_minor
    from covered

),

final as (

    select
        capped.*,
        case
            when in_payment_raw > cost_minor - settled_minor then cost_minor - settled_minor
            else in_payment_raw
        end as in_payment_minor
    from capped

)

select
    cast(booking_item_id as bigint) as booking_item_id,
    cast(booking_id as bigint) as booking_id,
    cast(supplier_id as bigint) as supplier_id,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(service_date as date) as service_date,
    cast(payment_terms_days as integer) as payment_terms_days,
    cast(due_on as date) as due_on,
    cast(cost_minor as bigint) as cost_minor,
    cast({{ minor_to_major('cost_minor', 'currency') }} as numeric(18, 3)) as cost_amount,
    cast(settled_minor as bigint) as settled_minor,
    cast({{ minor_to_major('settled_minor', 'currency') }} as numeric(18, 3)) as settled_amount,
    cast(in_payment_minor as bigint) as in_payment_minor,
    cast({{ minor_to_major('in_payment_minor', 'currency') }} as numeric(18, 3)) as in_payment_amount,
    cast(cost_minor - settled_minor as bigint) as outstanding_minor,
    cast({{ minor_to_major('cost_minor - settled_minor', 'currency') }} as numeric(18, 3)) as outstanding_amount,
    cast(cost_minor - settled_minor - in_payment_minor as bigint) as unproposed_minor,
    settled_minor = cost_minor as is_settled
from final
