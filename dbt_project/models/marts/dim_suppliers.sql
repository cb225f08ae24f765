{# One row per supplier, soft-deleted suppliers kept and flagged. #}

with

suppliers as (

    select * from {{ ref('stg_suppliers') }}

),

destinations as (

    select destination_id, destination_name from {{ ref('stg_destinations') }}

)

select
    cast(suppliers.supplier_id as bigint) as supplier_id,
    cast(suppliers.destination_id as bigint) as destination_id,
    cast(destinations.destination_name as {{ dbt.type_string() }}) as destination_name,
    cast(suppliers.supplier_name as {{ dbt.type_string() }}) as supplier_name,
    cast(suppliers.kind as {{ dbt.type_string() }}) as kind,
    cast(suppliers.currency as {{ dbt.type_string() }}) as currency,
    cast(suppliers.payment_terms_days as integer) as payment_terms_days,
    cast(suppliers.contact_name as {{ dbt.type_string() }}) as contact_name,
    cast(suppliers.contact_email as {{ dbt.type_string() }}) as contact_email,
    cast(suppliers.contact_phone as {{ dbt.type_string() }}) as contact_phone,
    cast(suppliers.star_rating as integer) as star_rating,
    cast(suppliers.latitude as numeric(9, 6)) as latitude,
    cast(suppliers.longitude as numeric(9, 6)) as longitude,
    suppliers.is_deleted,
    cast(suppliers.deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(suppliers.created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(suppliers.updated_at as {{ dbt.type_timestamp() }}) as updated_at
from suppliers
left join destinations
    on suppliers.destination_id = destinations.destination_id
