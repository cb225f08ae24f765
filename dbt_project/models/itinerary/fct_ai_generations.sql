{#
    AI usage and cost per month, agency, provider, model and purpose. A request is one call of
    the generation chain; its attempts are the providers tried (primary, cheaper model, offline).
    Cost is the list price recorded per attempt, failed attempts included (they are billed too).
#}

with

attempts as (

    select
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as usage_month,
        agency_id,
        provider,
        coalesce(model, 'none') as model,
        purpose,
        request_id,
        outcome,
        attempt,
        prompt_tokens,
        completion_tokens,
        cost_usd_micros,
        latency_ms
    from {{ ref('stg_ai_generations') }}

),

requests as (

    -- the provider that finally answered each request, and whether it took a fallback
    select
        request_id,
        max(case when outcome = 'ok' then attempt end) as answered_at_attempt
    from {{ ref('stg_ai_generations') }}
    group by request_id

)

select
    a.usage_month,
    cast(a.agency_id as bigint) as agency_id,
    cast(a.provider as {{ dbt.type_string() }}) as provider,
    cast(a.model as {{ dbt.type_string() }}) as model,
    cast(a.purpose as {{ dbt.type_string() }}) as purpose,
    cast(count(*) as bigint) as attempts,
    cast(count(distinct a.request_id) as bigint) as requests,
    cast(sum(case when a.outcome = 'ok' then 1 else 0 end) as bigint) as successful_attempts,
    cast(sum(case when a.outcome <> 'ok' then 1 else 0 end) as bigint) as failed_attempts,
    cast(sum(case when a.outcome = 'ok' and r.answered_at_attempt > 1 then 1 else 0 end) as bigint)
        as fallback_answers,
    cast(sum(a.prompt_tokens) as bigint) as prompt_tokens,
    cast(sum(a.completion_tokens) as bigint) as completion_tokens,
    cast(sum(a.cost_usd_micros) as bigint) as cost_usd_micros,
    cast(cast(sum(a.cost_usd_micros) as numeric(38, 0)) / cast(1000000 as numeric(38, 0)) as numeric(18, 6))
        as cost_usd,
    cast(avg(a.latency_ms) as numeric(18, 1)) as avg_latency_ms,
    cast(max(a.latency_ms) as bigint) as max_latency_ms
from attempts as a
left join requests as r on r.request_id = a.request_id
group by a.usage_month, a.agency_id, a.provider, a.model, a.purpose
