{# Day time spine for MetricFlow (cumulative metrics, offsets, conversion windows): 2015-2035. #}

with

days as (

    {{ day_spine("'2015-01-01'", "'2035-12-31'") }}

)

select
    cast(date_day as date) as date_day
from days
