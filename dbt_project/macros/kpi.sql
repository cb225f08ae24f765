{#
    KPI helpers for the analytics marts.

    Rounding rule of every derived KPI figure (ratios, shares, growth, averages, scores): the
    exact quotient, rounded ONCE, half away from zero (half up for the non-negative figures the
    marts hold), to 8 decimals for ratios and to 2 decimals for averages and scores. Half up,
    not the half-even of tourstack/money.py: that policy governs amounts stored or posted in a
    currency's minor units; the warehouse's derived figures follow SQL round() on both adapters,
    as the facts' base-currency conversions (to_base) and the FX cross rates (exact_ratio) do,
    so a KPI can be recomputed from the facts without mixing two rules.

    kpi_ratio: numerator / denominator as numeric(18, 8); null when the denominator is null or 0
    or the numerator is null.

    kpi_growth: current / previous - 1 as numeric(18, 8) (0.1 = +10 %); null without a positive
    previous value.

    kpi_average: total / count as numeric(18, 3) with 2 decimals; null when count is null or 0.

    avg_hours: total seconds / (count x 3600) as numeric(18, 3) with 2 decimals.
#}

{#
    numerator / denominator rounded half away from zero to `scale` decimals, exactly: computed
    as floor((2 |n| 10^scale + |d|) / (2 |d|)) on integers, so no intermediate quotient is
    rounded first and both adapters return the same digits. Inputs may carry up to 8 decimals
    (amounts have 3, rates 8, counts none); the denominator must not be 0 (callers guard).
#}
{% macro rounded_quotient(numerator, denominator, scale) -%}
    {{ return(adapter.dispatch('rounded_quotient')(numerator, denominator, scale)) }}
{%- endmacro %}

{% macro default__rounded_quotient(numerator, denominator, scale) -%}
    cast(
        (case when (cast({{ numerator }} as numeric) < 0) <> (cast({{ denominator }} as numeric) < 0)
            then -1 else 1 end)
        * div(
            abs(cast({{ numerator }} as numeric)) * {{ 2 * 10 ** scale }} + abs(cast({{ denominator }} as numeric)),
            2 * abs(cast({{ denominator }} as numeric))
        )
        * cast({{ '%.*f' % (scale, 10 ** -scale) }} as numeric)
        as numeric(18, {{ scale }})
    )
{%- endmacro %}

{% macro duckdb__rounded_quotient(numerator, denominator, scale) -%}
    {%- set n = 'cast(round(cast(' ~ numerator ~ ' as numeric(38, 8)) * 100000000) as hugeint)' -%}
    {%- set d = 'cast(round(cast(' ~ denominator ~ ' as numeric(38, 8)) * 100000000) as hugeint)' -%}
    cast(
        cast(
            (case when ({{ n }} < 0) <> ({{ d }} < 0) then -1 else 1 end)
            * ((abs({{ n }}) * {{ 2 * 10 ** scale }} + abs({{ d }})) // (2 * abs({{ d }})))
            as numeric(38, 0)
        ) * cast({{ '%.*f' % (scale, 10 ** -scale) }} as numeric(38, {{ scale }}))
        as numeric(18, {{ scale }})
    )
{%- endmacro %}

{% macro kpi_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 or {{ numerator }} is null then null
        else {{ rounded_quotient(numerator, denominator, 8) }}
    end
{%- endmacro %}

{% macro kpi_growth(current, previous) -%}
    case
        when {{ previous }} is null or {{ previous }} <= 0 or {{ current }} is null then null
        else cast({{ rounded_quotient(current, previous, 8) }} - 1 as numeric(18, 8))
    end
{%- endmacro %}

{# Average (money, rating, count) rounded once to 2 decimals, numeric(18, 3). #}
{% macro kpi_average(total, count) -%}
    cast(
        case
            when {{ count }} is null or {{ count }} = 0 or {{ total }} is null then null
            else {{ rounded_quotient(total, count, 2) }}
        end
        as numeric(18, 3)
    )
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

{# Average hours from a total of seconds over a count: total / (count x 3600) rounded once to 2 decimals. #}
{% macro avg_hours(total_seconds, count) -%}
    {{ kpi_average(total_seconds, '(' ~ count ~ ') * 3600') }}
{%- endmacro %}

{#
    The analytics reference date: var analytics_as_of (YYYY-MM-DD) or, without it, the date the
    model is built (UTC). Every "now" of the marts (90-day windows, recency and churn, overdue
    tasks and SLA breaches) is this date, never the wall clock read anywhere else.
#}
{% macro analytics_as_of() -%}
    {%- if var('analytics_as_of', none) -%}
        cast('{{ var("analytics_as_of") }}' as date)
    {%- else -%}
        cast({{ dbt.current_timestamp() }} as date)
    {%- endif -%}
{%- endmacro %}

{#
    True when a staff task is still pending (open or in progress) and was due before the
    analytics reference date (its SLA had lapsed by 00:00 UTC of that date): overdue, and an SLA
    breach although not yet completed. A pending task due on or after that moment is not judged
    yet (neither met nor breached).
#}
{% macro task_is_overdue(status_col, sla_col) -%}
    ({{ status_col }} in ('open', 'in_progress') and {{ sla_col }} is not null
        and cast({{ sla_col }} as date) < {{ analytics_as_of() }})
{%- endmacro %}

{#
    True when a staff task breached its SLA: completed after it was due, or still pending and
    overdue (task_is_overdue). One rule for every mart that counts breaches.
#}
{% macro task_breached_sla(status_col, completed_col, sla_col) -%}
    (({{ status_col }} = 'done' and {{ completed_col }} > {{ sla_col }})
        or {{ task_is_overdue(status_col, sla_col) }})
{%- endmacro %}

{#
    The share of a booking's cash that goes to a part of its revenue (a site, a supplier's item):
    part_revenue x booking_cash / booking_revenue, rounded once to 2 decimals; 0 when the
    booking has no revenue.
#}
{% macro cash_share_of(part_revenue, booking_cash, booking_revenue) -%}
    cast(
        case
            when {{ booking_revenue }} is null or {{ booking_revenue }} = 0
                or {{ part_revenue }} is null or {{ booking_cash }} is null then 0
            else {{ rounded_quotient(
                'cast(' ~ part_revenue ~ ' as numeric(38, 3)) * cast(' ~ booking_cash ~ ' as numeric(38, 3))',
                booking_revenue, 2) }}
        end
        as numeric(18, 3)
    )
{%- endmacro %}
