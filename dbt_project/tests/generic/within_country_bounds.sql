{#
    Every located row lies inside its country's bounding box (seed country_bounds, with a
    margin for Natural Earth's generalised coastline) and is not the 0/0 placeholder. The
    country is the row's own `country_column`, or else its destination's. Rows without
    coordinates pass (a transport supplier without a depot); a country missing from the
    seed fails, so a new market cannot slip through unchecked.
#}
{% test within_country_bounds(model, column_name, longitude_column='longitude', country_column=none,
                              destination_column='destination_id', margin_deg=0.1) %}

with

located as (

    select
        m.{{ column_name }} as latitude,
        m.{{ longitude_column }} as longitude,
        {% if country_column %}m.{{ country_column }}{% else %}d.country_code{% endif %} as country_code
    from {{ model }} as m
    {% if not country_column %}
    left join {{ ref('stg_destinations') }} as d
        on m.{{ destination_column }} = d.destination_id
    {% endif %}
    where m.{{ column_name }} is not null or m.{{ longitude_column }} is not null

)

select located.*
from located
left join {{ ref('country_bounds') }} as b
    on located.country_code = b.country_code
where b.country_code is null
    or located.latitude is null
    or located.longitude is null
    or (located.latitude = 0 and located.longitude = 0)
    or located.latitude < b.min_lat - {{ margin_deg }}
    or located.latitude > b.max_lat + {{ margin_deg }}
    or located.longitude < b.min_lon - {{ margin_deg }}
    or located.longitude > b.max_lon + {{ margin_deg }}

{% endtest %}
