with

source as (

    select * from {{ source('raw', 'bookings') }}

),

renamed as (

    select
        id as booking_id,
        booking_ref,
        agency_id,
        agent_id,
        customer_id,
        quote_id,
        destination_id,
        cast(booked_at as {{ dbt.type_timestamp() }}) as booked_at,
        travel_start,
        travel_end,
        travellers,
        currency,
        total_sell_minor,
        {{ minor_to_major('total_sell_minor', 'currency') }} as total_sell_amount,
        total_cost_minor,
        {{ minor_to_major('total_cost_minor', 'currency') }} as total_cost_amount,
        status,
        cast(cancelled_at as {{ dbt.type_timestamp() }}) as cancelled_at,
        cancellation_reason,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
