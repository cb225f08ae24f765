with

source as (

    select * from {{ source('raw', 'reconciliation_matches') }}

),

renamed as (

    select
        id as reconciliation_match_id,
        txn_key,
        invoice_id,
        booking_id,
        installment_id,
        settlement_batch_id,
        amount_minor,
        {{ minor_to_major('amount_minor', 'currency') }} as amount,
        currency,
        rule,
        confidence,
        origin,
        run_id,
        decision_id as reconciliation_decision_id,
        booked_on,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
