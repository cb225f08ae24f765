{#
    The rows an incremental fact re-processes, as a `where` clause (nothing on a full refresh).
    One rule for fct_bookings, fct_booking_items, fct_invoices and fct_payments, so that an
    incremental run equals a full refresh in all four (README, "Incremental facts"). A row is
    re-processed when:

    - its source_updated_at (the latest updated_at of the row and of the booking it depends on)
      is at or after the latest one already loaded;
    - its business date is after the latest rate date already used (a rate published since may
      now apply); with several rates (sell and cost) the earliest of their latest dates, so no
      leg misses a new rate;
    - it is loaded without one of its rates yet.

    unique_key: the fact's key. updated_at: the expression compared with the loaded
    source_updated_at. business_date: the date the rates are looked up on. rates: the prefixes
    of the rate columns in the fact, as fx_columns() names them ('fx' -> fx_rate, fx_rate_date).
#}
{% macro incremental_changed_rows(unique_key, business_date, updated_at='source_updated_at', rates=['fx']) -%}
    {%- if is_incremental() %}
    where {{ updated_at }} >= (
            select coalesce(max(source_updated_at), cast('1900-01-01' as {{ dbt.type_timestamp() }})) from {{ this }}
        )
        or {{ business_date }} > (
            select coalesce(min(latest_rate_date), cast('1900-01-01' as date))
            from (
                {%- for rate in rates %}
                select max({{ rate }}_rate_date) as latest_rate_date from {{ this }}
                {%- if not loop.last %}
                union all
                {%- endif %}
                {%- endfor %}
            ) as latest
        )
        or {{ unique_key }} in (
            select {{ unique_key }} from {{ this }}
            where {% for rate in rates %}{{ rate }}_rate is null{{ " or " if not loop.last }}{% endfor %}
        )
    {%- endif %}
{%- endmacro %}
