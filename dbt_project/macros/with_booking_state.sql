{#
    Rows of a booking-dependent fact (invoices, payments, booking items) with the state of their
    booking: whether it was soft-deleted, and source_updated_at, the later of the row's and the
    booking's updated_at, so that a change to the booking (a soft delete, a cancellation)
    re-processes the rows that hang off it in an incremental run. A row whose booking is
    missing keeps its own updated_at and counts as not deleted.

    A macro rather than an intermediate model: the result feeds each fact's own incremental
    filter against {{ this }}, and the facts keep their grain (one row per invoice, payment or
    item) and columns without a shared relation in between.

    rows: the CTE to read (it must have booking_id and updated_at). booking_columns: further
    select expressions over the booking (alias `bookings`). deleted_as: the name of the flag.
#}
{% macro with_booking_state(rows, booking_columns=[], deleted_as='is_booking_deleted') -%}
    select
        {{ rows }}.*,
        {%- for column in booking_columns %}
        {{ column }},
        {%- endfor %}
        coalesce(bookings.is_deleted, false) as {{ deleted_as }},
        case
            when bookings.updated_at > {{ rows }}.updated_at then bookings.updated_at
            else {{ rows }}.updated_at
        end as source_updated_at
    from {{ rows }}
    left join {{ ref('stg_bookings') }} as bookings
        on {{ rows }}.booking_id = bookings.booking_id
{%- endmacro %}
