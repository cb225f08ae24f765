with

source as (

    select * from {{ source('raw', 'itinerary_revisions') }}

),

renamed as (

    select
        id as itinerary_revision_id,
        itinerary_id,
        agency_id,
        kind as revision_kind,
        provider,
        model,
        item_count,
        edit_distance,
        edit_ratio_bps,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
