{#
    Quote-to-booking conversion per request month, agent and destination: quotes requested,
    sent, accepted and converted into a live booking, with the booked revenue and the cash
    received for it (revenue bookings only, as revenue). Additive counts and amounts, so
    conversion by agent or by destination alone is sum(converted) / sum(quotes).
#}

with

quotes as (

    select * from {{ ref('fct_quotes') }}
    where not is_deleted

),

bookings as (

    select * from {{ ref('kpi_bookings') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

destinations as (

    select * from {{ ref('dim_destinations') }}

),

aggregated as (

    select
        cast({{ dbt.date_trunc('month', 'quotes.requested_date') }} as date) as month_start,
        quotes.agent_id,
        quotes.agency_id,
        quotes.destination_id,
        count(*) as quotes_count,
        sum(case when quotes.sent_at is not null then 1 else 0 end) as sent_count,
        sum(case when quotes.status = 'accepted' then 1 else 0 end) as accepted_count,
        sum(case when quotes.is_converted then 1 else 0 end) as converted_count,
        sum(coalesce(quotes.total_amount_base, 0)) as quoted_amount_base,
        sum(coalesce(bookings.revenue_base, 0)) as booked_revenue_base,
        sum(case when bookings.is_revenue then bookings.cash_received_base else 0 end) as booked_cash_received_base
    from quotes
    left join bookings
        on quotes.booking_id = bookings.booking_id
    group by
        {{ dbt.date_trunc('month', 'quotes.requested_date') }},
        quotes.agent_id,
        quotes.agency_id,
        quotes.destination_id

)

select
    cast(aggregated.month_start as date) as month_start,
    cast(aggregated.agent_id as bigint) as agent_id,
    cast(agents.agent_name as {{ dbt.type_string() }}) as agent_name,
    cast(aggregated.agency_id as bigint) as agency_id,
    cast(aggregated.destination_id as bigint) as destination_id,
    cast(destinations.destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(destinations.country_code as {{ dbt.type_string() }}) as country_code,
    cast(aggregated.quotes_count as bigint) as quotes_count,
    cast(aggregated.sent_count as bigint) as sent_count,
    cast(aggregated.accepted_count as bigint) as accepted_count,
    cast(aggregated.converted_count as bigint) as converted_count,
    {{ kpi_ratio('aggregated.converted_count', 'aggregated.quotes_count') }} as conversion_rate,
    {{ kpi_ratio('aggregated.accepted_count', 'aggregated.sent_count') }} as acceptance_rate,
    cast(aggregated.quoted_amount_base as numeric(18, 3)) as quoted_amount_base,
    cast(aggregated.booked_revenue_base as numeric(18, 3)) as booked_revenue_base,
    cast(aggregated.booked_cash_received_base as numeric(18, 3)) as booked_cash_received_base,
    {{ kpi_ratio('aggregated.booked_cash_received_base', 'aggregated.booked_revenue_base') }} as cash_received_share
from aggregated
left join agents
    on aggregated.agent_id = agents.agent_id
left join destinations
    on aggregated.destination_id = destinations.destination_id
