{#
    Sales funnel per month of the quote request (a cohort view): requests received, requests
    quoted (at least one quote), sent, accepted, booked (a live booking made from one of its
    quotes, cancelled or not), paid (net cash received > 0) and fully paid; each stage counts
    requests, so the stages are nested and the step rates are shares of the previous stage.
    The cohort's booked revenue has the cash received for the same bookings beside it.
#}

with

requests as (

    select * from {{ ref('stg_quote_requests') }}
    where not is_deleted

),

quotes as (

    select * from {{ ref('stg_quotes') }}
    where not is_deleted

),

bookings as (

    select * from {{ ref('kpi_bookings') }}

),

per_request as (

    select
        requests.quote_request_id,
        cast({{ dbt.date_trunc('month', 'requests.requested_at') }} as date) as month_start,
        max(case when quotes.quote_id is not null then 1 else 0 end) as is_quoted,
        max(case when quotes.sent_at is not null then 1 else 0 end) as is_sent,
        max(case when quotes.status = 'accepted' or bookings.booking_id is not null then 1 else 0 end) as is_accepted,
        max(case when bookings.booking_id is not null then 1 else 0 end) as is_booked,
        max(case when bookings.is_paid then 1 else 0 end) as is_paid,
        max(case when bookings.is_fully_paid then 1 else 0 end) as is_fully_paid,
        sum(coalesce(bookings.revenue_base, 0)) as revenue_base,
        sum(case when bookings.is_revenue then bookings.cash_received_base else 0 end) as cash_received_base
    from requests
    left join quotes
        on requests.quote_request_id = quotes.quote_request_id
    left join bookings
        on quotes.quote_id = bookings.quote_id
    group by requests.quote_request_id, {{ dbt.date_trunc('month', 'requests.requested_at') }}

),

monthly as (

    select
        month_start,
        count(*) as requests_count,
        sum(is_quoted) as quoted_count,
        sum(is_sent) as sent_count,
        sum(is_accepted) as accepted_count,
        sum(is_booked) as booked_count,
        sum(is_paid) as paid_count,
        sum(is_fully_paid) as fully_paid_count,
        sum(revenue_base) as revenue_base,
        sum(cash_received_base) as cash_received_base
    from per_request
    group by month_start

)

select
    cast(month_start as date) as month_start,
    cast(requests_count as bigint) as requests_count,
    cast(quoted_count as bigint) as quoted_count,
    cast(sent_count as bigint) as sent_count,
    cast(accepted_count as bigint) as accepted_count,
    cast(booked_count as bigint) as booked_count,
    cast(paid_count as bigint) as paid_count,
    cast(fully_paid_count as bigint) as fully_paid_count,
    cast(revenue_base as numeric(18, 3)) as revenue_base,
    cast(cash_received_base as numeric(18, 3)) as cash_received_base,
    {{ kpi_ratio('cash_received_base', 'revenue_base') }} as cash_received_share,
    {{ kpi_ratio('quoted_count', 'requests_count') }} as quoted_rate,
    {{ kpi_ratio('accepted_count', 'sent_count') }} as acceptance_rate,
    {{ kpi_ratio('booked_count', 'accepted_count') }} as booking_rate,
    {{ kpi_ratio('paid_count', 'booked_count') }} as payment_rate,
    {{ kpi_ratio('booked_count', 'requests_count') }} as request_to_booking_rate
from monthly
