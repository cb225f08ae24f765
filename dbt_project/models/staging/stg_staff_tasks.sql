with

source as (

    select * from {{ source('raw', 'staff_tasks') }}

),

renamed as (

    select
        id as staff_task_id,
        kind,
        staff_user_id,
        quote_request_id,
        booking_id,
        status,
        cast(opened_at as {{ dbt.type_timestamp() }}) as opened_at,
        cast(sla_due_at as {{ dbt.type_timestamp() }}) as sla_due_at,
        cast(started_at as {{ dbt.type_timestamp() }}) as started_at,
        cast(completed_at as {{ dbt.type_timestamp() }}) as completed_at,
        priority,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
