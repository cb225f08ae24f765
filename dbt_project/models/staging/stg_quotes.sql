with

source as (

    select * from {{ source('raw', 'quotes') }}

),

renamed as (

    select
        id as quote_id,
        quote_number,
        quote_request_id,
        agency_id,
        agent_id,
        prepared_by_staff_id,
        cast(requested_at as {{ dbt.type_timestamp() }}) as requested_at,
        cast(sent_at as {{ dbt.type_timestamp() }}) as sent_at,
        cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
        valid_until,
        currency,
        total_minor,
        {{ minor_to_major('total_minor', 'currency') }} as total_amount,
        cost_minor,
        {{ minor_to_major('cost_minor', 'currency') }} as cost_amount,
        status,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
        deleted_at is not null as is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
