{#
    The as-of FX join, written once. Every model that converts to the base currency takes the
    last rate published on or before its business date from int_fx_rates_daily (one row per
    currency and publication date, valid_from <= date < valid_to). One join for the facts,
    reports and journal models, so that they cannot disagree on which rate applies.

    fx_join(alias, currency_col, date_col): a left join of int_fx_rates_daily as `alias`, so a
    row without a rate on or before its date keeps null rate columns (and null base amounts).

    fx_columns(alias): the rate, its publication date and its source under the names the facts
    use: alias 'fx' gives fx_rate, fx_rate_date, fx_source; 'sell_fx' gives sell_fx_rate,
    sell_fx_rate_date, sell_fx_source.
#}
{% macro fx_join(alias, currency_col, date_col) -%}
    left join {{ ref('int_fx_rates_daily') }} as {{ alias }}
        on {{ alias }}.currency = {{ currency_col }}
        and {{ date_col }} >= {{ alias }}.valid_from
        and {{ date_col }} < {{ alias }}.valid_to
{%- endmacro %}

{% macro fx_columns(alias) -%}
    {{ alias }}.rate_to_base as {{ alias }}_rate,
    {{ alias }}.rate_date as {{ alias }}_rate_date,
    {{ alias }}.fx_source as {{ alias }}_source
{%- endmacro %}

{#
    The same three columns typed for a mart's final select (contract types: numeric(18, 8),
    date, varchar), in that order.
#}
{% macro fx_typed_columns(alias) -%}
    cast({{ alias }}_rate as numeric(18, 8)) as {{ alias }}_rate,
    cast({{ alias }}_rate_date as date) as {{ alias }}_rate_date,
    cast({{ alias }}_source as {{ dbt.type_string() }}) as {{ alias }}_source
{%- endmacro %}
