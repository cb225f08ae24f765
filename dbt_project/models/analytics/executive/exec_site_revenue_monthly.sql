{#
    Revenue per booked month, destination and catalogue site: the third level under
    exec_destination_monthly. Same revenue as that model (revenue_base of kpi_bookings'
    revenue bookings, by booked month and the booking's destination), split per booking:

    - to each site, the base sell amount of the booking's live (not cancelled) activity items at
      that site, converted as fct_booking_items converts them;
    - the rest of the booking's revenue (hotels, transport, guides, activities without a site,
      and the cents by which per-item conversion rounds differently from the booking total) to
      one '(other services)' row per month and destination, site_id null.

    The remainder is computed per booking as revenue - attributed, so the rows of a month and
    destination add up exactly to its exec_destination_monthly revenue.

    Cash received follows the revenue: each site item gets its booking's cash in proportion to
    its share of the booking's revenue (item sell x booking cash / booking revenue, rounded once
    to 2 decimals: macro cash_share_of), the remainder row the rest of the booking's cash, so the
    cash of a month and destination also adds up exactly to exec_destination_monthly.
#}

with

bookings as (

    select
        booking_id,
        booked_month,
        destination_id,
        revenue_base,
        cash_received_base
    from {{ ref('kpi_bookings') }}
    where is_revenue

),

items as (

    select
        booking_item_id,
        booking_id,
        service_type,
        site_id,
        sell_amount_base
    from {{ ref('fct_booking_items') }}
    where status != 'cancelled'

),

destinations as (

    select destination_id, destination_name, country_code, country_name
    from {{ ref('dim_destinations') }}

),

sites as (

    select site_id, site_name from {{ ref('dim_sites') }}

),

site_items as (

    select
        bookings.booking_id,
        bookings.booked_month,
        bookings.destination_id,
        items.booking_item_id,
        items.site_id,
        items.sell_amount_base,
        {{ cash_share_of('items.sell_amount_base', 'bookings.cash_received_base', 'bookings.revenue_base') }}
            as cash_received_base
    from items
    inner join bookings
        on items.booking_id = bookings.booking_id
    where items.service_type = 'activity'
        and items.site_id is not null

),

attributed as (

    select
        booking_id,
        sum(sell_amount_base) as site_revenue_base,
        sum(cash_received_base) as site_cash_received_base,
        count(*) as site_items
    from site_items
    group by booking_id

),

item_counts as (

    select booking_id, count(*) as live_items
    from items
    group by booking_id

),

remainders as (

    select
        bookings.booking_id,
        bookings.booked_month,
        bookings.destination_id,
        bookings.revenue_base - coalesce(attributed.site_revenue_base, 0) as other_revenue_base,
        bookings.cash_received_base - coalesce(attributed.site_cash_received_base, 0) as other_cash_received_base,
        coalesce(item_counts.live_items, 0) - coalesce(attributed.site_items, 0) as other_items
    from bookings
    left join attributed
        on bookings.booking_id = attributed.booking_id
    left join item_counts
        on bookings.booking_id = item_counts.booking_id

),

site_rows as (

    select
        booked_month as month_start,
        destination_id,
        site_id,
        sum(sell_amount_base) as revenue_base,
        sum(cash_received_base) as cash_received_base,
        count(distinct booking_id) as bookings_count,
        count(*) as items_count
    from site_items
    group by booked_month, destination_id, site_id

),

other_rows as (

    -- One per month and destination, also when every cent went to sites, so the tree always
    -- has the same shape.
    select
        booked_month as month_start,
        destination_id,
        cast(null as bigint) as site_id,
        sum(other_revenue_base) as revenue_base,
        sum(other_cash_received_base) as cash_received_base,
        count(distinct case when other_revenue_base != 0 then booking_id end) as bookings_count,
        sum(other_items) as items_count
    from remainders
    group by booked_month, destination_id

),

unioned as (

    select * from site_rows
    union all
    select * from other_rows

)

select
    cast(unioned.month_start as date) as month_start,
    cast(destinations.country_code as {{ dbt.type_string() }}) as country_code,
    cast(destinations.country_name as {{ dbt.type_string() }}) as country_name,
    cast(unioned.destination_id as bigint) as destination_id,
    cast(destinations.destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(unioned.site_id as bigint) as site_id,
    cast(
        case when unioned.site_id is null then '(other services)' else sites.site_name end
        as {{ dbt.type_string() }}
    ) as site_name,
    unioned.site_id is null as is_other_services,
    cast(unioned.revenue_base as numeric(18, 3)) as revenue_base,
    cast(unioned.cash_received_base as numeric(18, 3)) as cash_received_base,
    {{ kpi_ratio('unioned.cash_received_base', 'unioned.revenue_base') }} as cash_received_share,
    cast(unioned.bookings_count as bigint) as bookings_count,
    cast(unioned.items_count as bigint) as items_count
from unioned
left join destinations
    on unioned.destination_id = destinations.destination_id
left join sites
    on unioned.site_id = sites.site_id
