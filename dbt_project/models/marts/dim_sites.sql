{# One row per site, soft-deleted sites kept and flagged. #}

with

sites as (

    select * from {{ ref('stg_sites') }}

),

destinations as (

    select destination_id, destination_name from {{ ref('stg_destinations') }}

)

select
    cast(sites.site_id as bigint) as site_id,
    cast(sites.destination_id as bigint) as destination_id,
    cast(destinations.destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(sites.site_name as {{ dbt.type_string() }}) as site_name,
    cast(sites.category as {{ dbt.type_string() }}) as category,
    cast(sites.latitude as numeric(9, 6)) as latitude,
    cast(sites.longitude as numeric(9, 6)) as longitude,
    cast(sites.typical_duration_minutes as integer) as typical_duration_minutes,
    cast(sites.price_currency as {{ dbt.type_string() }}) as price_currency,
    cast(sites.price_amount as numeric(18, 3)) as price_amount,
    cast(sites.price_level as integer) as price_level,
    cast(sites.best_season as {{ dbt.type_string() }}) as best_season,
    cast(sites.popularity as integer) as popularity,
    cast(sites.description as {{ dbt.type_string() }}) as description,
    sites.is_deleted,
    cast(sites.deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(sites.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(sites.updated_at as {{ dbt.type_timestamp() }}) as updated_at
from sites
left join destinations
    on sites.destination_id = destinations.destination_id
