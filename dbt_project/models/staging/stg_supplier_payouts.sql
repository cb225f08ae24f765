with

source as (

    select * from {{ source('raw', 'supplier_payouts') }}

),

renamed as (

    select
        id as supplier_payout_id,
        supplier_id,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        period_start,
        period_end,
        status,
        approved_by_staff_id,
        cast(approved_at as {{ dbt.type_timestamp() }}) as approved_at,
        paid_on,
        reference,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
