{# One row per agent, soft-deleted agents kept and flagged. #}

with

agents as (

    select * from {{ ref('stg_agents') }}

),

agencies as (

    select agency_id, agency_name from {{ ref('stg_agencies') }}

)

select
    cast(agents.agent_id as bigint) as agent_id,
    cast(agents.agency_id as bigint) as agency_id,
    cast(agencies.agency_name as {{ dbt.type_string() }}) as agency_name,
    cast(agents.agent_name as {{ dbt.type_string() }}) as agent_name,
    cast(agents.email as {{ dbt.type_string() }}) as email,
    cast(agents.phone as {{ dbt.type_string() }}) as phone,
    agents.is_active,
    cast(agents.joined_on as date) as joined_on,
    agents.is_deleted,
    cast(agents.deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(agents.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(agents.updated_at as {{ dbt.type_timestamp() }}) as updated_at
from agents
left join agencies
    on agents.agency_id = agencies.agency_id
