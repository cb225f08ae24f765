{{ config(materialized='table', schema='marts') }}

{#
    One row per supplier (soft-deleted suppliers excluded), from the items of live bookings:
    response time (item requested -> confirmed), fulfilment rate (confirmed / requested, items
    not cancelled), revenue contribution (sell and margin base, share of all item revenue),
    price competitiveness (average cost per unit in base vs the average of suppliers of the same
    kind and destination: < 1 is cheaper than peers), ratings, and a reliability score 0-100:
    50 x fulfilment rate + 25 x on-time share (confirmed within 48 h) + 25 x (avg rating / 5),
    missing parts counting 0.
#}

with

suppliers as (

    select * from {{ ref('dim_suppliers') }}
    where not is_deleted

),

items as (

    select * from {{ ref('fct_booking_items') }}
    where not is_deleted

),

ratings as (

    select * from {{ ref('stg_customer_ratings') }}
    where not is_deleted and supplier_id is not null

),

item_stats as (

    select
        supplier_id,
        count(*) as items_count,
        sum(case when status = 'cancelled' then 1 else 0 end) as items_cancelled,
        sum(case when status <> 'cancelled' and supplier_requested_at is not null then 1 else 0 end)
            as items_requested,
        sum(case when status <> 'cancelled' and supplier_confirmed_at is not null then 1 else 0 end)
            as items_confirmed,
        sum(
            case when status <> 'cancelled' and supplier_confirmed_at is not null
                and {{ seconds_between('supplier_requested_at', 'supplier_confirmed_at') }} <= 172800
                then 1 else 0
            end
        ) as items_confirmed_on_time,
        sum(
            case when status <> 'cancelled' and supplier_confirmed_at is not null
                then {{ seconds_between('supplier_requested_at', 'supplier_confirmed_at') }} else 0
            end
        ) as response_seconds,
        sum(case when status <> 'cancelled' then coalesce(sell_amount_base, 0) else 0 end) as revenue_base,
        sum(case when status <> 'cancelled' then coalesce(margin_amount_base, 0) else 0 end) as margin_base,
        sum(case when status <> 'cancelled' then coalesce(cost_amount_base, 0) else 0 end) as cost_base,
        sum(case when status <> 'cancelled' and cost_amount_base is not null then quantity else 0 end) as units
    from items
    group by supplier_id

),

rating_stats as (

    select
        supplier_id,
        count(*) as ratings_count,
        sum(score) as ratings_score_total
    from ratings
    group by supplier_id

),

joined as (

    select
        suppliers.supplier_id,
        suppliers.supplier_name,
        suppliers.kind,
        suppliers.destination_id,
        suppliers.destination_name,
        coalesce(item_stats.items_count, 0) as items_count,
        coalesce(item_stats.items_requested, 0) as items_requested,
        coalesce(item_stats.items_confirmed, 0) as items_confirmed,
        coalesce(item_stats.items_confirmed_on_time, 0) as items_confirmed_on_time,
        coalesce(item_stats.response_seconds, 0) as response_seconds,
        coalesce(item_stats.revenue_base, 0) as revenue_base,
        coalesce(item_stats.margin_base, 0) as margin_base,
        coalesce(item_stats.cost_base, 0) as cost_base,
        coalesce(item_stats.units, 0) as units,
        coalesce(rating_stats.ratings_count, 0) as ratings_count,
        rating_stats.ratings_score_total
    from suppliers
    left join item_stats on suppliers.supplier_id = item_stats.supplier_id
    left join rating_stats on suppliers.supplier_id = rating_stats.supplier_id

),

measured as (

    select
        joined.*,
        {{ kpi_ratio('items_confirmed', 'items_requested') }} as fulfilment_rate,
        {{ kpi_ratio('items_confirmed_on_time', 'items_confirmed') }} as on_time_rate,
        {{ kpi_ratio('ratings_score_total', 'ratings_count') }} as avg_rating_exact,
        {{ kpi_ratio('cost_base', 'units') }} as unit_cost_base,
        sum(revenue_base) over () as total_revenue_base
    from joined

),

peers as (

    select
        measured.*,
        {{ kpi_ratio('sum(cost_base) over (partition by kind, destination_id)',
                     'sum(units) over (partition by kind, destination_id)') }} as peer_unit_cost_base,
        count(*) over (partition by kind, destination_id) as peers_count
    from measured

)

select
    cast(supplier_id as bigint) as supplier_id,
    cast(supplier_name as {{ dbt.type_string() }}) as supplier_name,
    cast(kind as {{ dbt.type_string() }}) as kind,
    cast(destination_id as bigint) as destination_id,
    cast(destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(items_count as bigint) as items_count,
    cast(items_requested as bigint) as items_requested,
    cast(items_confirmed as bigint) as items_confirmed,
    {{ avg_hours('response_seconds', 'items_confirmed') }} as avg_response_hours,
    fulfilment_rate,
    on_time_rate,
    cast(revenue_base as numeric(18, 3)) as revenue_base,
    cast(margin_base as numeric(18, 3)) as margin_base,
    {{ kpi_ratio('revenue_base', 'total_revenue_base') }} as revenue_share,
    cast(round(unit_cost_base, 2) as numeric(18, 3)) as unit_cost_base,
    cast(round(peer_unit_cost_base, 2) as numeric(18, 3)) as peer_unit_cost_base,
    {{ kpi_ratio('unit_cost_base', 'peer_unit_cost_base') }} as price_index_vs_peers,
    cast(peers_count as integer) as peers_count,
    cast(ratings_count as bigint) as ratings_count,
    cast(round(avg_rating_exact, 2) as numeric(18, 3)) as avg_rating,
    cast(round(
        50 * coalesce(fulfilment_rate, 0)
        + 25 * coalesce(on_time_rate, 0)
        + 5 * coalesce(avg_rating_exact, 0),
        2) as numeric(18, 3)) as reliability_score
from peers
