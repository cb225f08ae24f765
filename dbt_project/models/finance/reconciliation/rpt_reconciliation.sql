-- Reconciliation status per currency: match rate, the unmatched queue by age bucket, duplicates
-- caught, manual work, and gateway payouts against their settlement batches. Matches count in
-- the receivable's currency, exceptions in the transaction's. Payouts are not receivables, so they
-- are counted apart and stay out of the match rate.

with

matches as (

    select * from {{ ref('stg_reconciliation_matches') }}
    where settlement_batch_id is null

),

payout_matches as (

    select * from {{ ref('stg_reconciliation_matches') }}
    where settlement_batch_id is not null

),

exceptions as (

    select * from {{ ref('stg_reconciliation_exceptions') }}
    where reason not in ('payout_missing', 'payout_mismatch')

),

payout_exceptions as (

    select * from {{ ref('stg_reconciliation_exceptions') }}
    where reason in ('payout_missing', 'payout_mismatch')

),

payouts as (

    select
        currency,
        sum(matched) as payouts_matched,
        sum(missing) as payouts_missing,
        sum(missing_minor) as payouts_missing_minor,
        sum(mismatched) as payouts_mismatched
    from (
        select currency, 1 as matched, 0 as missing, 0 as missing_minor, 0 as mismatched from payout_matches
        union all
        select
            currency,
            0,
            case when reason = 'payout_missing' then 1 else 0 end,
            case when reason = 'payout_missing' then amount_minor else 0 end,
            case when reason = 'payout_mismatch' then 1 else 0 end
        from payout_exceptions
    ) p
    group by currency

),

decisions as (

    select * from {{ ref('stg_reconciliation_decisions') }}
    where revoked_at is null

),

matched as (

    select
        currency,
        count(distinct txn_key) as transactions_matched,
        sum(case when amount_minor > 0 then amount_minor else 0 end) as matched_minor,
        sum(case when amount_minor < 0 then -amount_minor else 0 end) as refunded_minor,
        sum(case when origin = 'manual' then 1 else 0 end) as manual_allocations
    from matches
    group by currency

),

open_items as (

    select
        e.*,
        case when exists (select 1 from matches m where m.txn_key = e.txn_key) then 0 else 1 end as is_unmatched
    from exceptions e
    where e.reason <> 'duplicate'

),

unmatched as (

    select
        currency,
        sum(is_unmatched) as transactions_unmatched,
        sum(amount_minor) as unallocated_minor,
        sum(case when age_days <= 7 then amount_minor else 0 end) as unallocated_0_7_minor,
        sum(case when age_days between 8 and 30 then amount_minor else 0 end) as unallocated_8_30_minor,
        sum(case when age_days between 31 and 90 then amount_minor else 0 end) as unallocated_31_90_minor,
        sum(case when age_days > 90 then amount_minor else 0 end) as unallocated_over_90_minor,
        sum(case when age_days <= 7 then 1 else 0 end) as items_0_7,
        sum(case when age_days between 8 and 30 then 1 else 0 end) as items_8_30,
        sum(case when age_days between 31 and 90 then 1 else 0 end) as items_31_90,
        sum(case when age_days > 90 then 1 else 0 end) as items_over_90
    from open_items
    group by currency

),

duplicates as (

    select currency, count(*) as duplicates_found, sum(amount_minor) as duplicates_minor
    from exceptions
    where reason = 'duplicate'
    group by currency

),

write_offs as (

    select currency, count(*) as write_offs, sum(amount_minor) as written_off_minor
    from decisions
    where action = 'write_off'
    group by currency

),

currencies as (

    select currency from matched
    union
    select currency from exceptions
    union
    select currency from write_offs
    union
    select currency from payouts

),

final as (

    select
        cast(c.currency as {{ dbt.type_string() }}) as currency,
        cast(coalesce(m.transactions_matched, 0) as bigint) as transactions_matched,
        cast(coalesce(u.transactions_unmatched, 0) as bigint) as transactions_unmatched,
        cast(
            case
                when coalesce(m.transactions_matched, 0) + coalesce(u.transactions_unmatched, 0) = 0 then null
                else 1.0 * coalesce(m.transactions_matched, 0)
                    / (coalesce(m.transactions_matched, 0) + coalesce(u.transactions_unmatched, 0))
            end as numeric(9, 6)
        ) as match_rate,
        cast(coalesce(m.matched_minor, 0) as bigint) as matched_minor,
        cast(coalesce(m.refunded_minor, 0) as bigint) as refunded_minor,
        cast(coalesce(u.unallocated_minor, 0) as bigint) as unallocated_minor,
        cast(coalesce(u.items_0_7, 0) as bigint) as unallocated_0_7_items,
        cast(coalesce(u.unallocated_0_7_minor, 0) as bigint) as unallocated_0_7_minor,
        cast(coalesce(u.items_8_30, 0) as bigint) as unallocated_8_30_items,
        cast(coalesce(u.unallocated_8_30_minor, 0) as bigint) as unallocated_8_30_minor,
        cast(coalesce(u.items_31_90, 0) as bigint) as unallocated_31_90_items,
        cast(coalesce(u.unallocated_31_90_minor, 0) as bigint) as unallocated_31_90_minor,
        cast(coalesce(u.items_over_90, 0) as bigint) as unallocated_over_90_items,
        cast(coalesce(u.unallocated_over_90_minor, 0) as bigint) as unallocated_over_90_minor,
        cast(coalesce(d.duplicates_found, 0) as bigint) as duplicates_found,
        cast(coalesce(d.duplicates_minor, 0) as bigint) as duplicates_minor,
        cast(coalesce(m.manual_allocations, 0) as bigint) as manual_allocations,
        cast(coalesce(w.write_offs, 0) as bigint) as write_offs,
        cast(coalesce(w.written_off_minor, 0) as bigint) as written_off_minor,
        cast(coalesce(p.payouts_matched, 0) as bigint) as payouts_matched,
        cast(coalesce(p.payouts_mismatched, 0) as bigint) as payouts_mismatched,
        cast(coalesce(p.payouts_missing, 0) as bigint) as payouts_missing,
        cast(coalesce(p.payouts_missing_minor, 0) as bigint) as payouts_missing_minor
    from currencies c
    left join matched m on m.currency = c.currency
    left join unmatched u on u.currency = c.currency
    left join duplicates d on d.currency = c.currency
    left join write_offs w on w.currency = c.currency
    left join payouts p on p.currency = c.currency

)

select * from final
