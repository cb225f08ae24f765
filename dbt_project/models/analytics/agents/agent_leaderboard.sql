{#
    One row per agent (soft-deleted agents excluded): lifetime bookings, revenue and cash
    received (base), average booking value, quotes and their acceptance and conversion rates,
    customer satisfaction (average rating of the agent's bookings), the trailing-90-day revenue
    to the analytics reference date (var analytics_as_of, else the build date), and revenue
    ranks overall and within the agency. Each revenue figure has the cash received for the same
    bookings and its share beside it; averages are exact quotients rounded once to 2 decimals.
#}

with

agents as (

    select * from {{ ref('dim_agents') }}
    where not is_deleted

),

bookings as (

    select * from {{ ref('kpi_bookings') }}
    where is_revenue

),

quotes as (

    select * from {{ ref('fct_quotes') }}
    where not is_deleted

),

ratings as (

    select * from {{ ref('stg_customer_ratings') }}
    where not is_deleted

),

booking_stats as (

    select
        agent_id,
        count(*) as bookings_count,
        sum(revenue_base) as revenue_base,
        sum(cash_received_base) as cash_received_base,
        sum(
            case when booked_date > cast({{ dbt.dateadd('day', -90, analytics_as_of()) }} as date)
                and booked_date <= {{ analytics_as_of() }}
                then revenue_base else 0
            end
        ) as revenue_90d_base,
        sum(
            case when booked_date > cast({{ dbt.dateadd('day', -90, analytics_as_of()) }} as date)
                and booked_date <= {{ analytics_as_of() }}
                then cash_received_base else 0
            end
        ) as cash_received_90d_base,
        min(booked_date) as first_booked_date,
        max(booked_date) as last_booked_date,
        count(distinct customer_id) as customers_count
    from bookings
    group by agent_id

),

quote_stats as (

    select
        agent_id,
        count(*) as quotes_count,
        sum(case when sent_at is not null then 1 else 0 end) as quotes_sent,
        sum(case when status = 'accepted' then 1 else 0 end) as quotes_accepted,
        sum(case when is_converted then 1 else 0 end) as quotes_converted
    from quotes
    group by agent_id

),

rating_stats as (

    select
        bookings.agent_id,
        count(*) as ratings_count,
        sum(ratings.score) as ratings_score_total
    from ratings
    inner join bookings
        on ratings.booking_id = bookings.booking_id
    group by bookings.agent_id

),

joined as (

    select
        agents.agent_id,
        agents.agent_name,
        agents.agency_id,
        agents.agency_name,
        agents.is_active,
        agents.joined_on,
        coalesce(booking_stats.bookings_count, 0) as bookings_count,
        coalesce(booking_stats.revenue_base, 0) as revenue_base,
        coalesce(booking_stats.cash_received_base, 0) as cash_received_base,
        coalesce(booking_stats.revenue_90d_base, 0) as revenue_90d_base,
        coalesce(booking_stats.cash_received_90d_base, 0) as cash_received_90d_base,
        booking_stats.first_booked_date,
        booking_stats.last_booked_date,
        coalesce(booking_stats.customers_count, 0) as customers_count,
        coalesce(quote_stats.quotes_count, 0) as quotes_count,
        coalesce(quote_stats.quotes_sent, 0) as quotes_sent,
        coalesce(quote_stats.quotes_accepted, 0) as quotes_accepted,
        coalesce(quote_stats.quotes_converted, 0) as quotes_converted,
        coalesce(rating_stats.ratings_count, 0) as ratings_count,
        rating_stats.ratings_score_total
    from agents
    left join booking_stats on agents.agent_id = booking_stats.agent_id
    left join quote_stats on agents.agent_id = quote_stats.agent_id
    left join rating_stats on agents.agent_id = rating_stats.agent_id

)

select
    cast(agent_id as bigint) as agent_id,
    cast(agent_name as {{ dbt.type_string() }}) as agent_name,
    cast(agency_id as bigint) as agency_id,
    cast(agency_name as {{ dbt.type_string() }}) as agency_name,
    is_active,
    cast(joined_on as date) as joined_on,
    cast(bookings_count as bigint) as bookings_count,
    cast(revenue_base as numeric(18, 3)) as revenue_base,
    cast(cash_received_base as numeric(18, 3)) as cash_received_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as cash_received_share,
    {{ kpi_average('revenue_base', 'bookings_count') }} as avg_booking_value_base,
    cast(revenue_90d_base as numeric(18, 3)) as revenue_90d_base,
    cast(cash_received_90d_base as numeric(18, 3)) as cash_received_90d_base,
    {{ kpi_ratio('cash_received_90d_base', 'revenue_90d_base') }} as cash_received_90d_share,
    cast(first_booked_date as date) as first_booked_date,
    cast(last_booked_date as date) as last_booked_date,
    cast(customers_count as bigint) as customers_count,
    cast(quotes_count as bigint) as quotes_count,
    cast(quotes_accepted as bigint) as quotes_accepted,
    cast(quotes_converted as bigint) as quotes_converted,
    {{ kpi_ratio('quotes_accepted', 'quotes_sent') }} as quote_acceptance_rate,
    {{ kpi_ratio('quotes_converted', 'quotes_count') }} as quote_conversion_rate,
    cast(ratings_count as bigint) as ratings_count,
    {{ kpi_average('ratings_score_total', 'ratings_count') }} as avg_rating,
    cast(rank() over (order by revenue_base desc) as integer) as revenue_rank,
    cast(rank() over (partition by agency_id order by revenue_base desc) as integer) as agency_revenue_rank,
    cast(rank() over (order by revenue_90d_base desc) as integer) as revenue_90d_rank
from joined
