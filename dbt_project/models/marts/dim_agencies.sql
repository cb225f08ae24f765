{#
    One row per agency, soft-deleted agencies kept and flagged so that historical facts still
    resolve their agency.
#}

with

agencies as (

    select * from {{ ref('stg_agencies') }}

),

agents as (

    select
        agency_id,
        count(*) as agents_count
    from {{ ref('stg_agents') }}
    where not is_deleted
    group by agency_id

)

select
    cast(agencies.agency_id as bigint) as agency_id,
    cast(agencies.agency_code as {{ dbt.type_string() }}) as agency_code,
    cast(agencies.agency_name as {{ dbt.type_string() }}) as agency_name,
    cast(agencies.country_code as {{ dbt.type_string() }}) as country_code,
    cast(agencies.state_code as {{ dbt.type_string() }}) as state_code,
    cast(agencies.city as {{ dbt.type_string() }}) as city,
    cast(agencies.email as {{ dbt.type_string() }}) as email,
    cast(agencies.currency as {{ dbt.type_string() }}) as currency,
    cast(agencies.commission_tier as {{ dbt.type_string() }}) as commission_tier,
    cast(agencies.tax_id as {{ dbt.type_string() }}) as tax_id,
    cast(agencies.onboarded_on as date) as onboarded_on,
    cast(coalesce(agents.agents_count, 0) as integer) as agents_count,
    agencies.is_deleted,
    cast(agencies.deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(agencies.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(agencies.updated_at as {{ dbt.type_timestamp() }}) as updated_at
from agencies
left join agents
    on agencies.agency_id = agents.agency_id
