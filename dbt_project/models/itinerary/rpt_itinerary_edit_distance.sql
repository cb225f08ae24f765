{#
    How much editing generated itineraries needed before approval: one row per approved
    itinerary, comparing the approved plan with the latest generated (or regenerated) one.
    A ratio of 0 means approved as generated; 1 means every item changed.
#}

with

revisions as (

    select * from {{ ref('stg_itinerary_revisions') }}

),

approvals as (

    select *
    from (
        select
            revisions.*,
            row_number() over (partition by itinerary_id order by itinerary_revision_id desc) as rn
        from revisions
        where revision_kind = 'approved'
    ) as ranked
    where rn = 1

),

generated as (

    select
        r.itinerary_id,
        r.provider,
        r.model,
        r.item_count,
        row_number() over (partition by r.itinerary_id order by r.itinerary_revision_id desc) as rn
    from revisions as r
    inner join approvals as a
        on a.itinerary_id = r.itinerary_id
        and r.itinerary_revision_id < a.itinerary_revision_id
    where r.revision_kind in ('generated', 'regenerated')

),

history as (

    select
        r.itinerary_id,
        min(case when r.revision_kind = 'generated' then r.created_at end) as generated_at,
        sum(case when r.revision_kind = 'regenerated' then 1 else 0 end) as regenerations
    from revisions as r
    group by r.itinerary_id

),

itineraries as (

    select * from {{ ref('stg_itineraries') }}

)

select
    cast(a.itinerary_id as bigint) as itinerary_id,
    cast(a.agency_id as bigint) as agency_id,
    cast(i.destination_id as bigint) as destination_id,
    cast(i.days_count as integer) as days_count,
    cast(g.provider as {{ dbt.type_string() }}) as generated_by_provider,
    cast(g.model as {{ dbt.type_string() }}) as generated_by_model,
    cast(h.generated_at as {{ dbt.type_timestamp() }}) as generated_at,
    cast(a.created_at as {{ dbt.type_timestamp() }}) as approved_at,
    cast(h.regenerations as bigint) as regenerations,
    cast(g.item_count as bigint) as generated_items,
    cast(a.item_count as bigint) as approved_items,
    cast(a.edit_distance as bigint) as edit_distance,
    cast(cast(a.edit_ratio_bps as numeric(18, 4)) / cast(10000 as numeric(18, 4)) as numeric(9, 4)) as edit_ratio,
    a.edit_ratio_bps <= 2000 as needed_little_editing
from approvals as a
inner join generated as g on g.itinerary_id = a.itinerary_id and g.rn = 1
inner join history as h on h.itinerary_id = a.itinerary_id
left join itineraries as i on i.itinerary_id = a.itinerary_id
