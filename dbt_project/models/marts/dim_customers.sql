{#
    One row per traveller, soft-deleted customers kept and flagged; booking counts cover live
    bookings only.
#}

with

customers as (

    select * from {{ ref('stg_customers') }}

),

bookings as (

    select
        customer_id,
        count(*) as bookings_count,
        min(cast(booked_at as date)) as first_booked_date,
        max(cast(booked_at as date)) as last_booked_date
    from {{ ref('stg_bookings') }}
    where not is_deleted
    group by customer_id

)

select
    cast(customers.customer_id as bigint) as customer_id,
    cast(customers.agency_id as bigint) as agency_id,
    cast(customers.first_name as {{ dbt.type_string() }}) as first_name,
    cast(customers.last_name as {{ dbt.type_string() }}) as last_name,
    cast(customers.first_name || ' ' || customers.last_name as {{ dbt.type_string() }}) as full_name,
    cast(customers.email as {{ dbt.type_string() }}) as email,
    cast(customers.phone as {{ dbt.type_string() }}) as phone,
    cast(customers.country_code as {{ dbt.type_string() }}) as country_code,
    cast(customers.acquisition_channel as {{ dbt.type_string() }}) as acquisition_channel,
    cast(coalesce(bookings.bookings_count, 0) as integer) as bookings_count,
    cast(bookings.first_booked_date as date) as first_booked_date,
    cast(bookings.last_booked_date as date) as last_booked_date,
    customers.is_deleted,
    cast(customers.deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(customers.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(customers.updated_at as {{ dbt.type_timestamp() }}) as updated_at
from customers
left join bookings
    on customers.customer_id = bookings.customer_id
