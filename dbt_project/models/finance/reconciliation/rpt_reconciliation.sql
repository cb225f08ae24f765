-- Reconciliation status per currency. One basis for the counts and the match rate: every
-- transaction (bank credit, gateway payment, refund) is counted once, in its own currency,
-- whatever it was allocated to (a payment split over invoices in two currencies is still one
-- matched transaction). Money flows are never netted: money in (payments) and money out
-- (refunds) are reported apart, allocated and unallocated. Allocated money is in the
-- receivable's currency (what settled invoices in that currency), unallocated money in the
-- transaction's. Payouts are not receivables: counted apart, outside the match rate.

with

transactions as (

    select
        'bank:' || cast(bank_statement_line_id as {{ dbt.type_string() }}) as txn_key,
        currency,
        amount_minor
    from {{ ref('stg_bank_statement_lines') }}

    union all

    select
        'payment:' || cast(payment_id as {{ dbt.type_string() }}) as txn_key,
        currency,
        amount_minor
    from {{ ref('stg_payments') }}

    union all

    select
        'refund:' || cast(refund_id as {{ dbt.type_string() }}) as txn_key,
        currency,
        -amount_minor as amount_minor
    from {{ ref('stg_refunds') }}

),

matches as (

    select * from {{ ref('stg_reconciliation_matches') }}
    where settlement_batch_id is null

),

exceptions as (

    select * from {{ ref('stg_reconciliation_exceptions') }}
    where reason not in ('payout_missing', 'payout_mismatch', 'accounting_only')

),

payout_matches as (

    select * from {{ ref('stg_reconciliation_matches') }}
    where settlement_batch_id is not null

),

-- Payments recorded in QuickBooks or Xero that no statement line shows: the books' word, not a
-- transaction of ours, so they stay out of the counts and the match rate.
accounting_only as (

    select
        currency,
        count(*) as accounting_only,
        sum(amount_minor) as accounting_only_minor
    from {{ ref('stg_reconciliation_exceptions') }}
    where reason = 'accounting_only'
    group by currency

),

payout_exceptions as (

    select * from {{ ref('stg_reconciliation_exceptions') }}
    where reason in ('payout_missing', 'payout_mismatch')

),

-- One row per transaction the run or a person dealt with: its currency, its direction, and
-- whether it holds an allocation, is queued, or was caught as a duplicate.
per_transaction as (

    select
        keys.txn_key,
        coalesce(t.currency, min(e.currency), min(m.currency)) as currency,
        case when coalesce(min(t.amount_minor), min(e.amount_minor), min(m.amount_minor)) < 0
            then 'out' else 'in' end as direction,
        max(case when m.txn_key is not null then 1 else 0 end) as is_matched,
        max(case when e.reason = 'duplicate' then 1 else 0 end) as is_duplicate
    from (
        select txn_key from matches
        union
        select txn_key from exceptions
    ) keys
    left join transactions t on t.txn_key = keys.txn_key
    left join matches m on m.txn_key = keys.txn_key
    left join exceptions e on e.txn_key = keys.txn_key
    group by keys.txn_key, t.currency

),

counts as (

    select
        currency,
        sum(is_matched) as transactions_matched,
        sum(case when is_matched = 0 and is_duplicate = 0 then 1 else 0 end) as transactions_unmatched,
        sum(case when is_matched = 0 and is_duplicate = 0 and direction = 'in' then 1 else 0 end)
            as inflows_unmatched,
        sum(case when is_matched = 0 and is_duplicate = 0 and direction = 'out' then 1 else 0 end)
            as outflows_unmatched,
        sum(case when is_matched = 0 and is_duplicate = 1 then 1 else 0 end) as duplicates_found,
        sum(case when is_matched = 1 and direction = 'in' then 1 else 0 end) as inflows_matched,
        sum(case when is_matched = 1 and direction = 'out' then 1 else 0 end) as outflows_matched
    from per_transaction
    group by currency

),

allocated as (

    select
        currency,
        sum(case when amount_minor > 0 then amount_minor else 0 end) as matched_minor,
        sum(case when amount_minor < 0 then -amount_minor else 0 end) as refunded_minor
    from matches
    group by currency

),

manual as (

    select p.currency, count(*) as manual_allocations
    from matches m
    inner join per_transaction p on p.txn_key = m.txn_key
    where m.origin = 'manual'
    group by p.currency

),

-- Queued money by the direction of its transaction: payments waiting for an invoice by age,
-- refunds not traced back to a payment apart (as a positive amount).
queued as (

    select
        e.currency,
        p.direction,
        e.age_days,
        case when p.direction = 'out' then -e.amount_minor else e.amount_minor end as amount_minor
    from exceptions e
    inner join per_transaction p on p.txn_key = e.txn_key
    where e.reason <> 'duplicate'

),

unallocated as (

    select
        currency,
        sum(case when direction = 'in' then amount_minor else 0 end) as unallocated_inflow_minor,
        sum(case when direction = 'out' then amount_minor else 0 end) as unallocated_outflow_minor,
        sum(case when direction = 'out' then 1 else 0 end) as unallocated_outflow_items,
        sum(case when direction = 'in' and age_days <= 7 then amount_minor else 0 end) as unallocated_0_7_minor,
        sum(case when direction = 'in' and age_days between 8 and 30 then amount_minor else 0 end)
            as unallocated_8_30_minor,
        sum(case when direction = 'in' and age_days between 31 and 90 then amount_minor else 0 end)
            as unallocated_31_90_minor,
        sum(case when direction = 'in' and age_days > 90 then amount_minor else 0 end) as unallocated_over_90_minor,
        sum(case when direction = 'in' and age_days <= 7 then 1 else 0 end) as items_0_7,
        sum(case when direction = 'in' and age_days between 8 and 30 then 1 else 0 end) as items_8_30,
        sum(case when direction = 'in' and age_days between 31 and 90 then 1 else 0 end) as items_31_90,
        sum(case when direction = 'in' and age_days > 90 then 1 else 0 end) as items_over_90
    from queued
    group by currency

),

duplicates as (

    select currency, sum(amount_minor) as duplicates_minor
    from exceptions
    where reason = 'duplicate'
    group by currency

),

write_offs as (

    select currency, count(*) as write_offs, sum(amount_minor) as written_off_minor
    from {{ ref('stg_reconciliation_decisions') }}
    where revoked_at is null and action = 'write_off'
    group by currency

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

currencies as (

    select currency from counts
    union
    select currency from allocated
    union
    select currency from write_offs
    union
    select currency from payouts
    union
    select currency from accounting_only

),

final as (

    select
        cast(c.currency as {{ dbt.type_string() }}) as currency,
        cast(coalesce(n.transactions_matched, 0) as bigint) as transactions_matched,
        cast(coalesce(n.transactions_unmatched, 0) as bigint) as transactions_unmatched,
        cast(
            case
                when coalesce(n.transactions_matched, 0) + coalesce(n.transactions_unmatched, 0) = 0 then null
                else 1.0 * coalesce(n.transactions_matched, 0)
                    / (coalesce(n.transactions_matched, 0) + coalesce(n.transactions_unmatched, 0))
            end as numeric(9, 6)
        ) as match_rate,
        cast(coalesce(n.inflows_matched, 0) as bigint) as inflows_matched,
        cast(coalesce(n.inflows_unmatched, 0) as bigint) as inflows_unmatched,
        cast(coalesce(n.outflows_matched, 0) as bigint) as outflows_matched,
        cast(coalesce(n.outflows_unmatched, 0) as bigint) as outflows_unmatched,
        cast(coalesce(a.matched_minor, 0) as bigint) as matched_minor,
        cast(coalesce(a.refunded_minor, 0) as bigint) as refunded_minor,
        cast(coalesce(u.unallocated_inflow_minor, 0) as bigint) as unallocated_inflow_minor,
        cast(coalesce(u.unallocated_outflow_minor, 0) as bigint) as unallocated_outflow_minor,
        cast(coalesce(u.unallocated_outflow_items, 0) as bigint) as unallocated_outflow_items,
        cast(coalesce(u.items_0_7, 0) as bigint) as unallocated_0_7_items,
        cast(coalesce(u.unallocated_0_7_minor, 0) as bigint) as unallocated_0_7_minor,
        cast(coalesce(u.items_8_30, 0) as bigint) as unallocated_8_30_items,
        cast(coalesce(u.unallocated_8_30_minor, 0) as bigint) as unallocated_8_30_minor,
        cast(coalesce(u.items_31_90, 0) as bigint) as unallocated_31_90_items,
        cast(coalesce(u.unallocated_31_90_minor, 0) as bigint) as unallocated_31_90_minor,
        cast(coalesce(u.items_over_90, 0) as bigint) as unallocated_over_90_items,
        cast(coalesce(u.unallocated_over_90_minor, 0) as bigint) as unallocated_over_90_minor,
        cast(coalesce(n.duplicates_found, 0) as bigint) as duplicates_found,
        cast(coalesce(d.duplicates_minor, 0) as bigint) as duplicates_minor,
        cast(coalesce(mn.manual_allocations, 0) as bigint) as manual_allocations,
        cast(coalesce(w.write_offs, 0) as bigint) as write_offs,
        cast(coalesce(w.written_off_minor, 0) as bigint) as written_off_minor,
        cast(coalesce(p.payouts_matched, 0) as bigint) as payouts_matched,
        cast(coalesce(p.payouts_mismatched, 0) as bigint) as payouts_mismatched,
        cast(coalesce(p.payouts_missing, 0) as bigint) as payouts_missing,
        cast(coalesce(p.payouts_missing_minor, 0) as bigint) as payouts_missing_minor,
        cast(coalesce(ao.accounting_only, 0) as bigint) as accounting_only,
        cast(coalesce(ao.accounting_only_minor, 0) as bigint) as accounting_only_minor
    from currencies c
    left join counts n on n.currency = c.currency
    left join allocated a on a.currency = c.currency
    left join unallocated u on u.currency = c.currency
    left join duplicates d on d.currency = c.currency
    left join manual mn on mn.currency = c.currency
    left join write_offs w on w.currency = c.currency
    left join payouts p on p.currency = c.currency
    left join accounting_only ao on ao.currency = c.currency

)

select * from final
