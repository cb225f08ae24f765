{#
    numerator / denominator as numeric(18, 8), rounded half up at the 8th decimal, for positive
    decimals with at most 8 decimals (FX rates).

    PostgreSQL divides numerics exactly. DuckDB turns DECIMAL / DECIMAL into DOUBLE, so there the
    division runs on 128-bit integers instead: both adapters return the same digits.
#}
{% macro exact_ratio(numerator, denominator) -%}
    {{ return(adapter.dispatch('exact_ratio')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__exact_ratio(numerator, denominator) -%}
    cast(round(cast({{ numerator }} as numeric) / cast({{ denominator }} as numeric), 8) as numeric(18, 8))
{%- endmacro %}

{% macro duckdb__exact_ratio(numerator, denominator) -%}
    cast(
        cast(
            (
                cast(round(cast({{ numerator }} as numeric(38, 8)) * 100000000) as hugeint) * 200000000
                + cast(round(cast({{ denominator }} as numeric(38, 8)) * 100000000) as hugeint)
            )
            // (2 * cast(round(cast({{ denominator }} as numeric(38, 8)) * 100000000) as hugeint))
            as numeric(38, 0)
        ) * cast(0.00000001 as numeric(38, 8))
        as numeric(18, 8)
    )
{%- endmacro %}
