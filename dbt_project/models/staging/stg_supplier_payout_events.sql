with

source as (

    select * from {{ source('raw', 'supplier_payout_events') }}

),

renamed as (

    select
        id as supplier_payout_event_id,
        supplier_payout_id,
        action,
        from_status,
        to_status,
        actor_role,
        actor_key_id,
        actor_staff_user_id,
        cast(occurred_at as {{ dbt.type_timestamp() }}) as occurred_at,
        note,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
