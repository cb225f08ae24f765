{#
    Money helpers. Amounts arrive as integer minor units beside an ISO 4217 currency; they are
    scaled by an exact decimal factor (never through floating point), so DuckDB and PostgreSQL
    return identical values. The exponent lists mirror tourstack/money.py.
#}

{% macro zero_decimal_currencies() -%}
    ('JPY', 'KRW', 'VND', 'CLP', 'ISK')
{%- endmacro %}

{% macro three_decimal_currencies() -%}
    ('KWD', 'BHD', 'OMR', 'JOD', 'TND', 'LYD', 'IQD')
{%- endmacro %}

{# ISO 4217 minor-unit exponent of a currency column: 0, 2 (default) or 3. #}
{% macro currency_exponent(currency_col) -%}
    case
        when {{ currency_col }} in {{ zero_decimal_currencies() }} then 0
        when {{ currency_col }} in {{ three_decimal_currencies() }} then 3
        else 2
    end
{%- endmacro %}

{# Integer minor units -> exact decimal amount, numeric(18, 3). #}
{% macro minor_to_major(minor_col, currency_col) -%}
    cast(
        cast({{ minor_col }} as numeric(38, 0))
        * case
            when {{ currency_col }} in {{ zero_decimal_currencies() }} then cast(1 as numeric(38, 3))
            when {{ currency_col }} in {{ three_decimal_currencies() }} then cast(0.001 as numeric(38, 3))
            else cast(0.01 as numeric(38, 3))
        end
        as numeric(18, 3)
    )
{%- endmacro %}

{# Basis points -> fraction (1800 -> 0.1800), exact. #}
{% macro bps_to_rate(bps_col) -%}
    cast(cast({{ bps_col }} as numeric(38, 0)) * cast(0.0001 as numeric(38, 4)) as numeric(18, 4))
{%- endmacro %}

{#
    Amount in its own currency -> base currency at `rate` (base units per 1 unit), rounded to
    2 decimals (half away from zero on both adapters) and typed numeric(18, 3).
#}
{% macro to_base(amount_col, rate_col) -%}
    cast(round(cast({{ amount_col }} as numeric(38, 3)) * cast({{ rate_col }} as numeric(38, 8)), 2) as numeric(18, 3))
{%- endmacro %}
