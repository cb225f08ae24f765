with

source as (

    select * from {{ source('raw', 'ai_generations') }}

),

renamed as (

    select
        id as ai_generation_id,
        request_id,
        agency_id,
        itinerary_id,
        purpose,
        attempt,
        provider,
        model,
        outcome,
        prompt_tokens,
        completion_tokens,
        cost_usd_micros,
        cast(cast(cost_usd_micros as numeric(38, 0)) / cast(1000000 as numeric(38, 0)) as numeric(18, 6)) as cost_usd,
        latency_ms,
        error,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
