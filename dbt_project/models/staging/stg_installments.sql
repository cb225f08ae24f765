with

source as (

    select * from {{ source('raw', 'installments') }}

),

renamed as (

    select
        id as installment_id,
        payment_plan_id,
        sequence as installment_sequence,
        due_on,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        status,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
