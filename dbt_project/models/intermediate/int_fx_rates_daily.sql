{#
    Rates into the base currency, one row per currency and publication date, valid from that
    date until the next publication: any business date (weekend, holiday) finds the last rate
    published on or before it with
        date >= valid_from and date < valid_to

    ECB rates are EUR-based (1 EUR = rate X), so for a base currency B:
        rate(X -> B) = rate(EUR -> B) / rate(EUR -> X),   rate(EUR -> EUR) = 1.
#}

with

rates as (

    select * from {{ ref('stg_fx_rates') }}
    where base_currency = 'EUR'

),

ranked as (

    -- one rate per date and currency: ECB first, then ECB-derived, then anything else
    select
        rate_date,
        quote_currency as currency,
        rate,
        rate_source,
        row_number() over (
            partition by rate_date, quote_currency
            order by
                case rate_source when 'ecb' then 0 when 'ecb_derived' then 1 else 2 end,
                rate_source
        ) as preference
    from rates

),

eur_legs as (

    select rate_date, currency, rate, rate_source
    from ranked
    where preference = 1 and currency <> 'EUR'

    union all

    -- EUR itself, on every publication date
    select distinct
        rate_date,
        'EUR' as currency,
        cast(1 as numeric(18, 8)) as rate,
        cast(null as {{ dbt.type_string() }}) as rate_source
    from ranked

),

base_legs as (

    select rate_date, rate, rate_source
    from eur_legs
    where currency = '{{ var("base_currency") }}'

),

cross_rates as (

    select
        eur_legs.currency,
        eur_legs.rate_date,
        case
            when eur_legs.currency = '{{ var("base_currency") }}' then cast(1 as numeric(18, 8))
            else {{ exact_ratio('base_legs.rate', 'eur_legs.rate') }}
        end as rate_to_base,
        case
            when eur_legs.rate_source is null and base_legs.rate_source is null then 'identity'
            when eur_legs.rate_source is null then base_legs.rate_source
            when base_legs.rate_source is null then eur_legs.rate_source
            when eur_legs.rate_source = base_legs.rate_source then eur_legs.rate_source
            else eur_legs.rate_source || '+' || base_legs.rate_source
        end as fx_source
    from eur_legs
    inner join base_legs
        on eur_legs.rate_date = base_legs.rate_date

),

ranged as (

    select
        currency,
        '{{ var("base_currency") }}' as base_currency,
        rate_date,
        rate_date as valid_from,
        coalesce(
            lead(rate_date) over (partition by currency order by rate_date),
            cast('9999-12-31' as date)
        ) as valid_to,
        rate_to_base,
        fx_source
    from cross_rates

)

select
    cast(currency as {{ dbt.type_string() }}) as currency,
    cast(base_currency as {{ dbt.type_string() }}) as base_currency,
    cast(rate_date as date) as rate_date,
    cast(valid_from as date) as valid_from,
    cast(valid_to as date) as valid_to,
    cast(rate_to_base as numeric(18, 8)) as rate_to_base,
    cast(fx_source as {{ dbt.type_string() }}) as fx_source
from ranged
