with

source as (

    select * from {{ source('raw', 'quote_requests') }}

),

renamed as (

    select
        id as quote_request_id,
        agency_id,
        agent_id,
        customer_id,
        destination_id,
        itinerary_id,
        cast(requested_at as {{ dbt.type_timestamp() }}) as requested_at,
        travel_start,
        travel_end,
        adults,
        children,
        budget_level,
        currency,
        notes,
        status,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
