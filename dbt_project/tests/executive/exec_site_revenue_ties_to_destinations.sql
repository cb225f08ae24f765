{#
    exec_site_revenue_monthly is the site level of exec_destination_monthly: for every month and
    destination its site rows plus the '(other services)' row add up exactly (no tolerance) to
    the destination's revenue, and neither model has a month and destination the other lacks.
    Returns the offending months and destinations.
#}
-- Reported in Dagster as a check on the site mart (a singular test over two models has no asset
-- of its own otherwise).
{{ config(meta={'dagster': {'ref': {'name': 'exec_site_revenue_monthly'}}}) }}


with

sites as (

    select
        month_start,
        destination_id,
        sum(revenue_base) as revenue_base,
        sum(case when is_other_services then 1 else 0 end) as other_rows
    from {{ ref('exec_site_revenue_monthly') }}
    group by month_start, destination_id

),

destinations as (

    select month_start, destination_id, revenue_base
    from {{ ref('exec_destination_monthly') }}

)

select
    coalesce(destinations.month_start, sites.month_start) as month_start,
    coalesce(destinations.destination_id, sites.destination_id) as destination_id,
    destinations.revenue_base as destination_revenue_base,
    sites.revenue_base as site_revenue_base,
    sites.other_rows
from destinations
full outer join sites
    on destinations.month_start = sites.month_start
    and destinations.destination_id = sites.destination_id
where destinations.destination_id is null
    or sites.destination_id is null
    or sites.other_rows != 1
    or not (
        destinations.revenue_base = sites.revenue_base
        or (destinations.revenue_base is null and sites.revenue_base is null)
    )
