with

source as (

    select * from {{ source('raw', 'disputes') }}

),

renamed as (

    select
        id as dispute_id,
        payment_id,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        reason,
        status,
        cast(opened_at as {{ dbt.type_timestamp() }}) as opened_at,
        evidence_due_on,
        cast(closed_at as {{ dbt.type_timestamp() }}) as closed_at,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
