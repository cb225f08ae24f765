{#
    One row per calendar day, from 1 January of the earliest business date to 31 December of
    the latest (quotes, bookings, travel, invoices, payments). The fiscal year starts on
    1 April (India) and is named after the calendar year it starts in.
#}

with

business_dates as (

    select cast(requested_at as date) as business_date from {{ ref('stg_quotes') }}
    union all
    select cast(booked_at as date) from {{ ref('stg_bookings') }}
    union all
    select travel_end from {{ ref('stg_bookings') }}
    union all
    select coalesce(due_on, issued_on) from {{ ref('stg_invoices') }}
    union all
    select cast(attempted_at as date) from {{ ref('stg_payments') }}

),

bounds as (

    select
        cast({{ dbt.date_trunc('year', 'min(business_date)') }} as date) as first_day,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, dbt.date_trunc('year', 'max(business_date)'))) }}
            as date
        ) as last_day
    from business_dates

),

spine as (

    {{ day_spine('(select first_day from bounds)', '(select last_day from bounds)') }}

),

parts as (

    select
        date_day,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(quarter from date_day) as integer) as quarter_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        cast(extract(isodow from date_day) as integer) as day_of_week_iso
    from spine

)

select
    cast(date_day as date) as date_day,
    year_number,
    quarter_number,
    month_number,
    cast(
        case month_number
            when 1 then 'January' when 2 then 'February' when 3 then 'March'
            when 4 then 'April' when 5 then 'May' when 6 then 'June'
            when 7 then 'July' when 8 then 'August' when 9 then 'September'
            when 10 then 'October' when 11 then 'November' else 'December'
        end as {{ dbt.type_string() }}
    ) as month_name,
    day_of_month,
    day_of_week_iso,
    cast(
        case day_of_week_iso
            when 1 then 'Monday' when 2 then 'Tuesday' when 3 then 'Wednesday'
            when 4 then 'Thursday' when 5 then 'Friday' when 6 then 'Saturday' else 'Sunday'
        end as {{ dbt.type_string() }}
    ) as day_name,
    day_of_week_iso >= 6 as is_weekend,
    cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start,
    cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
    cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
    cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start,
    cast(case when month_number >= 4 then year_number else year_number - 1 end as integer) as fiscal_year,
    cast(
        case
            when month_number between 4 and 6 then 1
            when month_number between 7 and 9 then 2
            when month_number between 10 and 12 then 3
            else 4
        end as integer
    ) as fiscal_quarter
from parts
