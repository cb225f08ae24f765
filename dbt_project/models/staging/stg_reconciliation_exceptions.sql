with

source as (

    select * from {{ source('raw', 'reconciliation_exceptions') }}

),

renamed as (

    select
        id as reconciliation_exception_id,
        txn_key,
        reason,
        suggestions,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        booked_on,
        age_days,
        run_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
