{#
    One row per live customer: lifetime value (revenue, margin and cash received, base), booking
    frequency, recency to the analytics reference date (var analytics_as_of, else the build date), RFM
    quintile scores (5 = best; ties broken by customer_id) and segment, repeat and churn flags
    (churned: no booking in the 365 days to the reference date) and booking preferences
    (most booked destination, average party size and lead time). Averages are exact quotients
    rounded once, half up, to 2 decimals.
#}

with

customers as (

    select * from {{ ref('dim_customers') }}
    where not is_deleted

),

bookings as (

    select * from {{ ref('kpi_bookings') }}
    where is_revenue and customer_id is not null

),

fact_bookings as (

    select booking_id, lead_time_days from {{ ref('fct_bookings') }}

),

stats as (

    select
        bookings.customer_id,
        count(*) as bookings_count,
        sum(bookings.revenue_base) as revenue_base,
        sum(bookings.margin_base) as margin_base,
        sum(bookings.cash_received_base) as cash_received_base,
        min(bookings.booked_date) as first_booked_date,
        max(bookings.booked_date) as last_booked_date,
        sum(bookings.travellers) as travellers_total,
        sum(fact_bookings.lead_time_days) as lead_time_days_total
    from bookings
    left join fact_bookings
        on bookings.booking_id = fact_bookings.booking_id
    group by bookings.customer_id

),

destination_counts as (

    select
        customer_id,
        destination_id,
        destination_name,
        row_number() over (
            partition by customer_id order by count(*) desc, destination_id
        ) as preference_rank
    from bookings
    group by customer_id, destination_id, destination_name

),

joined as (

    select
        customers.customer_id,
        customers.agency_id,
        customers.full_name,
        customers.country_code,
        customers.acquisition_channel,
        stats.bookings_count,
        stats.revenue_base,
        stats.margin_base,
        stats.cash_received_base,
        stats.first_booked_date,
        stats.last_booked_date,
        stats.travellers_total,
        stats.lead_time_days_total,
        {{ dbt.datediff('stats.last_booked_date', analytics_as_of(), 'day') }} as recency_days,
        destination_counts.destination_id as preferred_destination_id,
        destination_counts.destination_name as preferred_destination_name
    from customers
    left join stats
        on customers.customer_id = stats.customer_id
    left join destination_counts
        on customers.customer_id = destination_counts.customer_id
        and destination_counts.preference_rank = 1

),

scored as (

    select
        joined.*,
        case when bookings_count is not null then
            ntile(5) over (
                partition by case when bookings_count is null then 0 else 1 end
                order by recency_days desc, customer_id
            )
        end as recency_score,
        case when bookings_count is not null then
            ntile(5) over (
                partition by case when bookings_count is null then 0 else 1 end
                order by bookings_count, customer_id
            )
        end as frequency_score,
        case when bookings_count is not null then
            ntile(5) over (
                partition by case when bookings_count is null then 0 else 1 end
                order by revenue_base, customer_id
            )
        end as monetary_score
    from joined

)

select
    cast(customer_id as bigint) as customer_id,
    cast(agency_id as bigint) as agency_id,
    cast(full_name as {{ dbt.type_string() }}) as full_name,
    cast(country_code as {{ dbt.type_string() }}) as country_code,
    cast(acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
    cast(coalesce(bookings_count, 0) as bigint) as bookings_count,
    cast(coalesce(revenue_base, 0) as numeric(18, 3)) as lifetime_revenue_base,
    cast(coalesce(margin_base, 0) as numeric(18, 3)) as lifetime_margin_base,
    cast(coalesce(cash_received_base, 0) as numeric(18, 3)) as lifetime_cash_received_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as lifetime_cash_received_share,
    {{ kpi_average('revenue_base', 'bookings_count') }} as avg_booking_value_base,
    cast(first_booked_date as date) as first_booked_date,
    cast(last_booked_date as date) as last_booked_date,
    cast({{ dbt.date_trunc('month', 'first_booked_date') }} as date) as cohort_month,
    cast(recency_days as integer) as recency_days,
    cast(recency_score as integer) as recency_score,
    cast(frequency_score as integer) as frequency_score,
    cast(monetary_score as integer) as monetary_score,
    cast(
        case
            when bookings_count is null then 'prospect'
            when recency_score >= 4 and frequency_score >= 4 then 'champion'
            when frequency_score >= 4 then 'loyal'
            when recency_score >= 4 and bookings_count = 1 then 'new'
            when recency_score <= 2 and frequency_score >= 3 then 'at_risk'
            when recency_score <= 2 then 'hibernating'
            else 'promising'
        end as {{ dbt.type_string() }}
    ) as rfm_segment,
    coalesce(bookings_count >= 2, false) as is_repeat_customer,
    coalesce(recency_days > 365, false) as is_churned,
    cast(preferred_destination_id as bigint) as preferred_destination_id,
    cast(preferred_destination_name as {{ dbt.type_string() }}) as preferred_destination_name,
    {{ kpi_average('travellers_total', 'bookings_count') }} as avg_travellers,
    {{ kpi_average('lead_time_days_total', 'bookings_count') }} as avg_lead_time_days
from scored
