{#
    KPI helpers for the analytics marts.

    kpi_ratio: numerator / denominator as numeric(18, 8) rounded half up at the 8th decimal
    (exact_ratio, same digits on DuckDB and PostgreSQL); null when the denominator is null or 0.
    Meant for non-negative numerators (rates, shares, averages).

    kpi_growth: current / previous - 1 as numeric(18, 8) (0.1 = +10 %); null without a positive
    previous value. Computed from the exact ratio so both adapters agree to the last digit.
#}

{% macro kpi_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 or {{ numerator }} is null then null
        else {{ exact_ratio(numerator, denominator) }}
    end
{%- endmacro %}

{% macro kpi_growth(current, previous) -%}
    case
        when {{ previous }} is null or {{ previous }} <= 0 or {{ current }} is null then null
        else cast({{ exact_ratio(current, previous) }} - 1 as numeric(18, 8))
    end
{%- endmacro %}

{# Average money amount rounded to 2 decimals (half up), numeric(18, 3). #}
{% macro kpi_average(total, count) -%}
    cast(round({{ kpi_ratio(total, count) }}, 2) as numeric(18, 3))
{%- endmacro %}

{# Integer date part (year, month, ...) of a date, same on both adapters. #}
{% macro date_part_int(part, date_col) -%}
    cast(extract({{ part }} from {{ date_col }}) as integer)
{%- endmacro %}

{#
    Whole seconds from timestamp a to timestamp b (both truncated to the second first), as a
    bigint: the same number on both adapters, unlike datediff('hour'), which counts hour
    boundaries on DuckDB but elapsed hours on PostgreSQL.
#}
{% macro seconds_between(a, b) -%}
    {{ return(adapter.dispatch('seconds_between')(a, b)) }}
{%- endmacro %}

{% macro default__seconds_between(a, b) -%}
    cast(extract(epoch from (date_trunc('second', {{ b }}) - date_trunc('second', {{ a }}))) as bigint)
{%- endmacro %}

{% macro duckdb__seconds_between(a, b) -%}
    cast(date_diff('second', date_trunc('second', {{ a }}), date_trunc('second', {{ b }})) as bigint)
{%- endmacro %}

{# Average hours from a total of seconds over a count, rounded to 2 decimals, numeric(18, 3). #}
{% macro avg_hours(total_seconds, count) -%}
    cast(round({{ kpi_ratio(total_seconds, count ~ ' * 3600') }}, 2) as numeric(18, 3))
{%- endmacro %}

{# The analytics reference date: var analytics_as_of (YYYY-MM-DD) or today. #}
{% macro analytics_as_of() -%}
    {%- if var('analytics_as_of', none) -%}
        cast('{{ var("analytics_as_of") }}' as date)
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as date)
    {%- endif -%}
{%- endmacro %}
