"""Which open invoices of one agency a payment without a usable reference pays.

Why a bounded subset search: an agency's finance team pays from its ageing report, and one
transfer often settles several invoices with no remittance advice we can see. When the payer is
recognisable, the amount is the evidence: if exactly one combination of up to six of its open
invoices adds up to what arrived (to the paisa, or less TDS at 1 % or 2 % of the value before
5 % GST or of the gross, to the rupee), that combination is what was paid. When two
combinations fit, or the search is too large to be sure, a person decides: the payment is
queued with the first combination's invoices as suggestions. A match that is exact for one
invoice but where a pair of others fits the same amount is not unique either.

The search is bounded so it costs little per payment even for an agency with thousands of
open invoices: more than MAX_POOL invoices at or below the amount, or more than SEARCH_BUDGET
steps, and the answer is "not known to be unique" (allocate decides what that means).
"""

from __future__ import annotations

from bisect import bisect_left

MAX_INVOICES = 6
MAX_POOL = 60  # open invoices below the amount; more and no search can show a combination is unique
SEARCH_BUDGET = 500  # steps; past it the answer is "not known to be unique"
DEEP_POOL, DEEP_BUDGET = 250, 1_000  # the deeper search that checks a shortcut's answer
TDS_CURRENCY = "INR"          # TDS is deducted by Indian payers on rupee payments
TDS_RATES_BP = (100, 200)     # section 194C: 1 % (individuals, HUFs), 2 % (companies)
GST_INCLUSIVE = (105, 100)    # tour packages carry 5 % GST; some deduct on the gross
TDS_ROUNDING = 100            # TDS is deducted in whole rupees (one rupee either way)


SAFETY_SLACK = {"INR": 500_00}  # for several invoices: no other combination this close
SINGLE_SLACK = {"INR": 20_00}   # for one invoice (TDS makes INR amounts fuzzy by design)


def tds_short(value: int, total: int, slack: int = TDS_ROUNDING) -> bool:
    """`value` is `total` less TDS at 1 or 2 % (on the value before GST or on the gross)."""
    if value >= total:
        return False
    for rate in TDS_RATES_BP:
        for gst in GST_INCLUSIVE:
            tds = (total * rate * 100 + gst * 5_000) // (gst * 10_000)  # total * rate / gst%, rounded
            if abs(total - tds - value) <= slack:
                return True
    return False


def exact_fit(value: int, total: int, currency: str, slack: int = 0) -> bool:
    if abs(value - total) <= slack:
        return True
    return currency == TDS_CURRENCY and tds_short(value, total, max(slack, TDS_ROUNDING))


def find(pool: list[tuple[int, int]], values: list[int], currency: str,
         limit: int = 2, slack: int = 0, max_pool: int | None = None,
         budget: int | None = None) -> tuple[list[list[int]], bool]:
    """Up to `limit` combinations (lists of invoice keys) of `pool` [(key, open amount)] whose
    open total fits one of `values` exactly; the flag is True when the search ran out of budget
    (then the answer is not known to be unique)."""
    lo_all = min(values) - slack
    hi_all = (max(values) * 10_000 // 9_800 if currency == TDS_CURRENCY else max(values)) + max(slack, TDS_ROUNDING) + 1
    pool = [p for p in pool if p[1] <= hi_all]  # no invoice above the amount can be part of it
    if len(pool) > (max_pool or MAX_POOL):
        return [], True  # too many open invoices that could be part of it: not known to be unique
    if sum(a for _, a in pool) < lo_all:
        return [], False
    items = sorted(pool, key=lambda p: -p[1])
    amounts = [a for _, a in items]
    negated = [-a for a in amounts]  # ascending, for bisect: first item not above a bound
    suffix = [0] * (len(items) + 1)
    for k in range(len(items) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + amounts[k]
    lo = min(values) - slack
    # TDS: at most 2 % of the gross (+ a rupee), so a fitting total is below value / 0.98 + 1
    hi = (max(values) * 10_000 // 9_800 if currency == "INR" else max(values)) + max(slack, TDS_ROUNDING) + 1
    found: list[list[int]] = []
    budget = budget or SEARCH_BUDGET
    chosen: list[int] = []

    def walk(start: int, total: int) -> bool:
        nonlocal budget
        # skip the invoices too large to fit what is left (sorted descending)
        first = max(start, bisect_left(negated, total - hi))
        budget -= first - start  # the skipped ones count: the budget measures the search's size
        for k in range(first, len(items)):
            budget -= 1
            if budget <= 0:
                return True
            s = total + amounts[k]
            if total + suffix[k] < lo:
                return False
            chosen.append(k)
            if s >= lo and any(exact_fit(v, s, currency, slack) for v in values):
                found.append([items[j][0] for j in chosen])
                if len(found) >= limit:
                    chosen.pop()
                    return True
            if len(chosen) < MAX_INVOICES and walk(k + 1, s):
                chosen.pop()
                return True
            chosen.pop()
        return False

    stopped = walk(0, 0)
    return found, stopped and len(found) < limit
