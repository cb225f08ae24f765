with

source as (

    select * from {{ source('raw', 'reconciliation_decisions') }}

),

renamed as (

    select
        id as reconciliation_decision_id,
        action,
        txn_key,
        invoice_id,
        amount_minor,
        currency,
        match_id as reconciliation_match_id,
        note,
        actor_role,
        actor_key_id,
        actor_staff_user_id,
        cast(decided_at as {{ dbt.type_timestamp() }}) as decided_at,
        cast(revoked_at as {{ dbt.type_timestamp() }}) as revoked_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
