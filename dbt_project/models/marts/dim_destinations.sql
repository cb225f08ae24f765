{# One row per destination (destinations are never soft-deleted). #}

with

destinations as (

    select * from {{ ref('stg_destinations') }}

),

sites as (

    select
        destination_id,
        count(*) as sites_count
    from {{ ref('stg_sites') }}
    where not is_deleted
    group by destination_id

)

select
    cast(destinations.destination_id as bigint) as destination_id,
    cast(destinations.destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(destinations.country_code as {{ dbt.type_string() }}) as country_code,
    cast(destinations.country_name as {{ dbt.type_string() }}) as country_name,
    cast(destinations.region as {{ dbt.type_string() }}) as region,
    cast(destinations.city as {{ dbt.type_string() }}) as city,
    cast(destinations.latitude as numeric(9, 6)) as latitude,
    cast(destinations.longitude as numeric(9, 6)) as longitude,
    cast(destinations.timezone as {{ dbt.type_string() }}) as timezone,
    cast(destinations.currency as {{ dbt.type_string() }}) as currency,
    cast(coalesce(sites.sites_count, 0) as integer) as sites_count,
    cast(destinations.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(destinations.updated_at as {{ dbt.type_timestamp() }}) as updated_at
from destinations
left join sites
    on destinations.destination_id = sites.destination_id
