with

source as (

    select * from {{ source('raw', 'supplier_payout_items') }}

),

renamed as (

    select
        id as supplier_payout_item_id,
        supplier_payout_id,
        booking_item_id,
        amount_minor,
        live_booking_item_id,
        live_booking_item_id is not null as is_live,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
