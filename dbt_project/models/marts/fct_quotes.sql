{#
    One row per quote, with its request and the booking it turned into (if any), converted to
    the base currency at the request date. Soft-deleted quotes are kept and flagged.
#}

with

quotes as (

    select
        *,
        cast(requested_at as date) as requested_date
    from {{ ref('stg_quotes') }}

),

requests as (

    select * from {{ ref('stg_quote_requests') }}

),

bookings as (

    -- the first live booking made from each quote
    select
        quote_id,
        min(booking_id) as booking_id
    from {{ ref('stg_bookings') }}
    where quote_id is not null
        and not is_deleted
    group by quote_id

),

joined as (

    select
        quotes.*,
        requests.customer_id,
        requests.destination_id,
        requests.itinerary_id,
        requests.travel_start,
        requests.travel_end,
        requests.adults,
        requests.children,
        requests.budget_level,
        bookings.booking_id,
        quotes.total_amount - quotes.cost_amount as margin_amount,
        {{ fx_columns('fx') }}
    from quotes
    left join requests
        on quotes.quote_request_id = requests.quote_request_id
    left join bookings
        on quotes.quote_id = bookings.quote_id
    {{ fx_join('fx', 'quotes.currency', 'quotes.requested_date') }}

)

select
    cast(quote_id as bigint) as quote_id,
    cast(quote_number as {{ dbt.type_string() }}) as quote_number,
    cast(quote_request_id as bigint) as quote_request_id,
    cast(agency_id as bigint) as agency_id,
    cast(agent_id as bigint) as agent_id,
    cast(customer_id as bigint) as customer_id,
    cast(destination_id as bigint) as destination_id,
    cast(itinerary_id as bigint) as itinerary_id,
    cast(prepared_by_staff_id as bigint) as prepared_by_staff_id,
    cast(booking_id as bigint) as booking_id,
    booking_id is not null as is_converted,
    cast(status as {{ dbt.type_string() }}) as status,
    cast(requested_at as {{ dbt.type_timestamp() }}) as requested_at,
    cast(requested_date as date) as requested_date,
    cast(sent_at as {{ dbt.type_timestamp() }}) as sent_at,
    cast(responded_at as {{ dbt.type_timestamp() }}) as responded_at,
    cast(valid_until as date) as valid_until,
    cast({{ dbt.datediff('requested_at', 'sent_at', 'hour') }} as integer) as hours_to_send,
    cast(travel_start as date) as travel_start,
    cast(travel_end as date) as travel_end,
    cast(adults as integer) as adults,
    cast(children as integer) as children,
    cast(budget_level as {{ dbt.type_string() }}) as budget_level,
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(total_amount as numeric(18, 3)) as total_amount,
    cast(cost_amount as numeric(18, 3)) as cost_amount,
    cast(margin_amount as numeric(18, 3)) as margin_amount,
    cast('{{ var("base_currency") }}' as {{ dbt.type_string() }}) as base_currency,
    {{ to_base('total_amount', 'fx_rate') }} as total_amount_base,
    {{ to_base('cost_amount', 'fx_rate') }} as cost_amount_base,
    {{ to_base('margin_amount', 'fx_rate') }} as margin_amount_base,
    {{ fx_typed_columns('fx') }},
    is_deleted,
    cast(deleted_at as {{ dbt.type_timestamp() }}) as deleted_at,
    cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
    cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
from joined
