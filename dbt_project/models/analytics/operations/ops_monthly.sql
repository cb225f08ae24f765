{#
    Operations KPIs per calendar month: quote response time (request -> quote sent, for quotes
    requested in the month), booking processing time (booked -> last supplier confirmation, for
    bookings made in the month whose items are all confirmed), staff tasks opened, completed,
    still pending, overdue and SLA compliance (tasks opened in the month), and supplier response
    time (item requested -> confirmed, items requested in the month). Averages are exact (total
    seconds / count), rounded once to 2 decimals of an hour.

    SLA compliance = tasks met / tasks judged. Met: done at or before sla_due_at. Breached: done
    after it, or still pending (open, in progress) although due before the analytics reference
    date (var analytics_as_of, else the build date; macro task_is_overdue). Pending tasks not
    yet due and cancelled tasks are not judged.
#}

with

quotes as (

    select * from {{ ref('fct_quotes') }}
    where not is_deleted

),

items as (

    select * from {{ ref('fct_booking_items') }}
    where not is_deleted and status <> 'cancelled'

),

bookings as (

    select * from {{ ref('kpi_bookings') }}

),

tasks as (

    select * from {{ ref('stg_staff_tasks') }}

),

quote_times as (

    select
        cast({{ dbt.date_trunc('month', 'requested_date') }} as date) as month_start,
        count(*) as quotes_requested,
        sum(case when sent_at is not null then 1 else 0 end) as quotes_sent,
        sum(case when sent_at is not null then {{ seconds_between('requested_at', 'sent_at') }} else 0 end)
            as quote_response_seconds
    from quotes
    group by {{ dbt.date_trunc('month', 'requested_date') }}

),

booking_confirmations as (

    select
        items.booking_id,
        max(items.supplier_confirmed_at) as confirmed_at,
        min(case when items.supplier_confirmed_at is null then 0 else 1 end) as all_confirmed
    from items
    group by items.booking_id

),

booking_times as (

    select
        bookings.booked_month as month_start,
        count(*) as bookings_made,
        sum(case when booking_confirmations.all_confirmed = 1 then 1 else 0 end) as bookings_confirmed,
        sum(
            case when booking_confirmations.all_confirmed = 1
                then {{ seconds_between('bookings.booked_at', 'booking_confirmations.confirmed_at') }}
                else 0
            end
        ) as booking_processing_seconds
    from bookings
    left join booking_confirmations
        on bookings.booking_id = booking_confirmations.booking_id
    where bookings.is_revenue
    group by bookings.booked_month

),

task_stats as (

    select
        cast({{ dbt.date_trunc('month', 'opened_at') }} as date) as month_start,
        count(*) as tasks_opened,
        sum(case when status = 'done' then 1 else 0 end) as tasks_completed,
        sum(case when status in ('open', 'in_progress') then 1 else 0 end) as tasks_pending,
        sum(case when {{ task_is_overdue('status', 'sla_due_at') }} then 1 else 0 end) as tasks_overdue,
        sum(case when status = 'done' and completed_at <= sla_due_at then 1 else 0 end) as tasks_within_sla,
        sum(case when {{ task_breached_sla('status', 'completed_at', 'sla_due_at') }} then 1 else 0 end)
            as tasks_breached_sla,
        sum(case when status = 'done' then {{ seconds_between('opened_at', 'completed_at') }} else 0 end)
            as task_resolution_seconds
    from tasks
    group by {{ dbt.date_trunc('month', 'opened_at') }}

),

supplier_times as (

    select
        cast({{ dbt.date_trunc('month', 'supplier_requested_at') }} as date) as month_start,
        count(*) as supplier_requests,
        sum(case when supplier_confirmed_at is not null then 1 else 0 end) as supplier_confirmations,
        sum(
            case when supplier_confirmed_at is not null
                then {{ seconds_between('supplier_requested_at', 'supplier_confirmed_at') }}
                else 0
            end
        ) as supplier_response_seconds
    from items
    where supplier_requested_at is not null
    group by {{ dbt.date_trunc('month', 'supplier_requested_at') }}

),

months as (

    select month_start from quote_times
    union
    select month_start from booking_times
    union
    select month_start from task_stats
    union
    select month_start from supplier_times

)

select
    cast(months.month_start as date) as month_start,
    cast(coalesce(quote_times.quotes_requested, 0) as bigint) as quotes_requested,
    cast(coalesce(quote_times.quotes_sent, 0) as bigint) as quotes_sent,
    {{ avg_hours('quote_times.quote_response_seconds', 'quote_times.quotes_sent') }} as avg_quote_response_hours,
    cast(coalesce(booking_times.bookings_made, 0) as bigint) as bookings_made,
    cast(coalesce(booking_times.bookings_confirmed, 0) as bigint) as bookings_confirmed,
    {{ avg_hours('booking_times.booking_processing_seconds', 'booking_times.bookings_confirmed') }}
        as avg_booking_processing_hours,
    cast(coalesce(task_stats.tasks_opened, 0) as bigint) as tasks_opened,
    cast(coalesce(task_stats.tasks_completed, 0) as bigint) as tasks_completed,
    cast(coalesce(task_stats.tasks_pending, 0) as bigint) as tasks_pending,
    cast(coalesce(task_stats.tasks_overdue, 0) as bigint) as tasks_overdue,
    cast(coalesce(task_stats.tasks_within_sla, 0) as bigint) as tasks_within_sla,
    cast(coalesce(task_stats.tasks_breached_sla, 0) as bigint) as tasks_breached_sla,
    {{ kpi_ratio('task_stats.tasks_within_sla', 'task_stats.tasks_within_sla + task_stats.tasks_breached_sla') }}
        as sla_compliance_rate,
    {{ avg_hours('task_stats.task_resolution_seconds', 'task_stats.tasks_completed') }} as avg_task_resolution_hours,
    cast(coalesce(supplier_times.supplier_requests, 0) as bigint) as supplier_requests,
    cast(coalesce(supplier_times.supplier_confirmations, 0) as bigint) as supplier_confirmations,
    {{ avg_hours('supplier_times.supplier_response_seconds', 'supplier_times.supplier_confirmations') }}
        as avg_supplier_response_hours
from months
left join quote_times on months.month_start = quote_times.month_start
left join booking_times on months.month_start = booking_times.month_start
left join task_stats on months.month_start = task_stats.month_start
left join supplier_times on months.month_start = supplier_times.month_start
