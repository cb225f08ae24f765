{#
    One row per supplier (soft-deleted suppliers excluded), from the items of live bookings:
    response time (item requested -> confirmed), fulfilment rate (confirmed / requested, items
    not cancelled), revenue contribution (sell and margin base, share of all item revenue) with
    the cash received for it, price competitiveness (cost per unit in base vs the cost per unit
    of all suppliers of the same kind and destination: < 1 is cheaper than peers), ratings, and
    a reliability score 0-100.

    Reliability = 100 x the weighted mean of the components the supplier can be judged on:
    fulfilment rate (weight 50) and on-time share (25; 0 when nothing was confirmed) when items
    were requested from it, average rating / 5 (25) when it has ratings. A component without
    data is left out and the others re-weighted, so an unrated supplier is scored on its
    fulfilment and punctuality alone instead of losing a quarter of the scale; a supplier with
    neither requests nor ratings has no score (null). Computed as one exact fraction, rounded
    once to 2 decimals.

    Cash received per supplier: each item of a revenue booking gets the booking's cash in
    proportion to its share of the booking's revenue (macro cash_share_of).
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

bookings as (

    select booking_id, revenue_base, cash_received_base from {{ ref('kpi_bookings') }}

),

ratings as (

    select * from {{ ref('stg_customer_ratings') }}
    where not is_deleted and supplier_id is not null

),

items_cash as (

    select
        items.*,
        case when items.status <> 'cancelled' then
            {{ cash_share_of('items.sell_amount_base', 'bookings.cash_received_base', 'bookings.revenue_base') }}
        else 0 end as cash_received_base
    from items
    left join bookings
        on items.booking_id = bookings.booking_id

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
        sum(coalesce(cash_received_base, 0)) as cash_received_base,
        sum(case when status <> 'cancelled' then coalesce(margin_amount_base, 0) else 0 end) as margin_base,
        sum(case when status <> 'cancelled' then coalesce(cost_amount_base, 0) else 0 end) as cost_base,
        sum(case when status <> 'cancelled' and cost_amount_base is not null then quantity else 0 end) as units
    from items_cash
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
        coalesce(item_stats.cash_received_base, 0) as cash_received_base,
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
        sum(revenue_base) over () as total_revenue_base
    from joined

),

peers as (

    select
        measured.*,
        sum(cost_base) over (partition by kind, destination_id) as peer_cost_base,
        sum(units) over (partition by kind, destination_id) as peer_units,
        count(*) over (partition by kind, destination_id) as peers_count
    from measured

),

{#- Integer parts of the reliability fraction (numeric, so products cannot overflow). -#}
{%- set confirmed = 'cast(items_confirmed as numeric(38, 0))' -%}
{%- set confirmed_or_1 = 'cast(case when items_confirmed = 0 then 1 else items_confirmed end as numeric(38, 0))' -%}
{%- set requested = 'cast(items_requested as numeric(38, 0))' -%}
{%- set on_time = 'cast(items_confirmed_on_time as numeric(38, 0))' -%}
{%- set rated = 'cast(ratings_count as numeric(38, 0))' -%}
{%- set score_total = 'cast(ratings_score_total as numeric(38, 0))' %}

scored as (

    select
        peers.*,
        case
            when items_requested > 0 and ratings_count > 0 then
                -- 50 F + 25 T + 25 avg / 5 over the denominator requested x confirmed x ratings
                {{ rounded_quotient(
                    '50 * ' ~ confirmed ~ ' * ' ~ confirmed_or_1 ~ ' * ' ~ rated
                    ~ ' + 25 * ' ~ on_time ~ ' * ' ~ requested ~ ' * ' ~ rated
                    ~ ' + 5 * ' ~ score_total ~ ' * ' ~ requested ~ ' * ' ~ confirmed_or_1,
                    requested ~ ' * ' ~ confirmed_or_1 ~ ' * ' ~ rated, 2) }}
            when items_requested > 0 then
                -- no ratings: (50 F + 25 T) x 100 / 75
                {{ rounded_quotient(
                    '200 * ' ~ confirmed ~ ' * ' ~ confirmed_or_1 ~ ' + 100 * ' ~ on_time ~ ' * ' ~ requested,
                    '3 * ' ~ requested ~ ' * ' ~ confirmed_or_1, 2) }}
            when ratings_count > 0 then
                -- no requests: avg / 5 x 100
                {{ rounded_quotient('20 * ' ~ score_total, rated, 2) }}
        end as reliability_score
    from peers

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
    cast(cash_received_base as numeric(18, 3)) as cash_received_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as cash_received_share,
    cast(margin_base as numeric(18, 3)) as margin_base,
    {{ kpi_ratio('revenue_base', 'total_revenue_base') }} as revenue_share,
    {{ kpi_average('cost_base', 'units') }} as unit_cost_base,
    {{ kpi_average('peer_cost_base', 'peer_units') }} as peer_unit_cost_base,
    -- (cost / units) / (peer cost / peer units) as one exact quotient
    case when units > 0 and peer_cost_base > 0 then
        {{ kpi_ratio('cost_base * peer_units', 'units * peer_cost_base') }}
    end as price_index_vs_peers,
    cast(peers_count as integer) as peers_count,
    cast(ratings_count as bigint) as ratings_count,
    {{ kpi_average('ratings_score_total', 'ratings_count') }} as avg_rating,
    cast(reliability_score as numeric(18, 3)) as reliability_score
from scored
