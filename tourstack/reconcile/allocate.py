"""The sequential part of matching: allocating money, in booking order, without double counting.

Why sequential: whether a payment settles an invoice, pays its balance or duplicates it depends
on what earlier payments did. Candidates and scores are precomputed column-wise; this loop only
walks each transaction's short candidate list, keeping two ledgers that make double allocation
impossible: `remaining[i]` (open amount per invoice, invoice currency) and `left` (unallocated
amount of the current transaction). Nothing is applied above either.

Outcomes per transaction: one or more allocations (a refund's are negative), and/or one
exception row (no_match, low_confidence, ambiguous, duplicate, overpayment, refund_unmatched,
...) with the amount left unallocated and up to three suggestions. Pairs a person unmatched
(`excluded`) are never allocated; a refund linked to the payment it returns follows that
payment (refunds.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from tourstack.reconcile.scoring import AUTO_MATCH, FX_TOLERANCE_BPS, SUGGEST

DUPLICATE_WINDOW_DAYS = 14
LINKED_STRONG, LINKED_REFERENCE = 99, 95  # confidence of a refund allocated through its link
PREPAY_DAYS = 7
MAX_BATCH = 10  # invoices issued to one agency on one day searched for a paying subset
TIE_POINTS = 2  # best candidates this close in confidence are a tie
RULES = {3: "invoice_reference", 2: "booking_reference", 1: "fuzzy_reference", 0: "amount_date_name"}


@dataclass
class Ledger:
    """Column lists (one entry per transaction / invoice) the loop reads, and what it produces."""

    t_amount: list[int]
    t_fee: list[int]
    t_currency: list[str]
    t_day: list[int]
    t_payer: list[str]
    t_agency: list[int]
    i_due: list[int]
    i_currency: list[str]
    i_due_day: list[int]
    i_issued_day: list[int]
    i_agency: list[int]
    i_number: list[str]
    fx_minor: object  # callable(amount_minor, src, dst, day_ordinal) -> int | None
    matches: list[tuple[int, int, int, str, int]] = field(default_factory=list)
    exceptions: list[tuple[int, str, str, int]] = field(default_factory=list)
    excluded: set[tuple[int, int]] = field(default_factory=set)  # (t, i) a person unmatched
    links: dict[int, tuple[int, bool]] = field(default_factory=dict)  # refund t -> (original, strong)
    link_names: dict[int, str] = field(default_factory=dict)  # original t -> its txn_id

    def __post_init__(self) -> None:
        self.originals = {t0 for t0, _ in self.links.values()}
        self.paid_by: dict[int, list[list[int]]] = {}  # original t -> [[i, applied, refunded], ...]
        self.remaining = list(self.i_due)
        self.allocated = [0] * len(self.i_due)
        self.last_payment: dict[int, tuple[int, str, int]] = {}
        self._agency_invoices: dict[int, list[int]] = {}
        for i in sorted(range(len(self.i_due)), key=lambda k: (self.i_issued_day[k], self.i_due_day[k], k)):
            self._agency_invoices.setdefault(self.i_agency[i], []).append(i)
        self._agency_ptr: dict[int, int] = {}
        self._agency_open: dict[int, list[int]] = {}


def _fits(value: int, target: int, fx: bool) -> bool:
    if value == target:
        return True
    return fx and abs(value - target) * 10_000 <= abs(target) * FX_TOLERANCE_BPS


def _suggest(led: Ledger, cands: list[tuple]) -> str:
    seen: list[str] = []
    for c in cands:
        if c[1] >= SUGGEST and led.i_number[c[0]] not in seen:
            seen.append(f"{led.i_number[c[0]]}:{c[1] / 100:.2f}")
        if len(seen) == 3:
            break
    return ";".join(seen)


def _apply(led: Ledger, t: int, i: int, amount: int, rule: str, conf: int, gross: int) -> None:
    led.remaining[i] -= amount
    led.allocated[i] += amount
    led.matches.append((t, i, amount, rule, conf))
    if amount > 0:
        led.last_payment[i] = (led.t_day[t], led.t_payer[t], gross)
        if t in led.originals:
            led.paid_by.setdefault(t, []).append([i, amount, 0])


def _rule(base: str, fx: bool, used_fee: bool) -> str:
    return base + ("+fx" if fx else "") + ("+fee" if used_fee else "")


def _pay_one(led: Ledger, t: int, c: tuple, cands: list[tuple]) -> None:
    i, conf, kind, amt_inv, gross_inv, fx = c[0], c[1], c[2], c[3], c[4], c[5]
    rem = led.remaining[i]
    used_fee = gross_inv != amt_inv and not _fits(amt_inv, rem, fx)
    gross = gross_inv if used_fee else amt_inv
    if rem <= 0:
        last = led.last_payment.get(i)
        if (last and last[1] == led.t_payer[t] and _fits(gross, last[2], True)
                and 0 <= led.t_day[t] - last[0] <= DUPLICATE_WINDOW_DAYS):
            led.exceptions.append((t, "duplicate", f"{led.i_number[i]}:{conf / 100:.2f}", led.t_amount[t]))
        else:
            led.exceptions.append((t, "overpayment", f"{led.i_number[i]}:{conf / 100:.2f}", led.t_amount[t]))
        return
    if _fits(gross, rem, fx) or gross >= rem:
        _apply(led, t, i, rem, _rule(RULES[kind], fx, used_fee), conf, gross)
        if gross > rem and not _fits(gross, rem, fx):
            # The part above the open amount, back in the transaction's currency.
            left = led.t_amount[t] - (led.fx_minor(rem, led.i_currency[i], led.t_currency[t], led.t_day[t]) or 0)
            if used_fee:
                left += led.t_fee[t]
            led.exceptions.append((t, "overpayment", _suggest(led, cands), max(left, 0)))
    else:
        _apply(led, t, i, gross, _rule(RULES[kind], fx, used_fee), conf, gross)


def _multi(led: Ledger, t: int, cands: list[tuple]) -> bool:
    """One payment quoting several invoices, or whose amount is the sum of the referenced ones."""
    invoices: dict[int, tuple] = {}
    for c in cands:
        if c[2] >= 2 and c[0] not in invoices and led.i_currency[c[0]] == led.t_currency[t]:
            invoices[c[0]] = c
    if len(invoices) < 2:
        return False
    amount, fee = led.t_amount[t], led.t_fee[t]
    open_ = sorted((i for i in invoices if led.remaining[i] > 0), key=lambda k: (led.i_due_day[k], k))
    total = sum(led.remaining[i] for i in open_)
    by_number = sum(1 for i in invoices if invoices[i][2] == 3)
    if not open_ or (total not in (amount, amount + fee) and by_number < 2):
        return False
    gross = amount + fee if (total == amount + fee and fee) else amount
    left = gross
    conf = min(invoices[i][1] for i in open_)
    rule = _rule("multi_invoice_reference", False, gross != amount)
    for i in open_:
        if left <= 0:
            break
        take = min(left, led.remaining[i])
        _apply(led, t, i, take, rule, conf, gross)
        left -= take
    if left > 0:
        led.exceptions.append((t, "overpayment", "", left - (gross - amount) if gross != amount else left))
    return True


def _agency_open(led: Ledger, a: int, day: int) -> list[int]:
    invoices = led._agency_invoices.get(a, [])
    ptr = led._agency_ptr.get(a, 0)
    open_ = led._agency_open.setdefault(a, [])
    while ptr < len(invoices) and led.i_issued_day[invoices[ptr]] <= day + PREPAY_DAYS:
        open_.append(invoices[ptr])
        ptr += 1
    led._agency_ptr[a] = ptr
    open_[:] = [i for i in open_ if led.remaining[i] > 0]
    return open_


def _subsets_paying(led: Ledger, batch: list[int], targets: dict[int, bool]) -> list[tuple[list[int], bool]]:
    """Subsets (2+ invoices) of one day's batch whose open amounts add up to a target."""
    if len(batch) > MAX_BATCH:
        return []
    found = []
    for size in range(len(batch), 1, -1):
        for combo in combinations(batch, size):
            total = sum(led.remaining[i] for i in combo)
            if total in targets:
                found.append((list(combo), targets[total]))
    return found


def _by_agency(led: Ledger, t: int) -> bool:
    """No usable reference: the payer is a known agency; find its open invoice(s) for the amount."""
    a = led.t_agency[t]
    if a < 0 or led.t_amount[t] <= 0:
        return False
    amount, fee, cur, day = led.t_amount[t], led.t_fee[t], led.t_currency[t], led.t_day[t]
    open_ = _agency_open(led, a, day)
    if led.excluded:
        open_ = [i for i in open_ if (t, i) not in led.excluded]
    if not open_:
        return False
    hits, near = [], []
    converted: dict[str, int | None] = {}
    for i in open_:
        i_cur = led.i_currency[i]
        if i_cur != cur:
            # Without a reference, a cross-currency amount inside the FX spread is too weak to
            # auto-match among an agency's open invoices: offer it as a suggestion.
            if i_cur not in converted:
                converted[i_cur] = led.fx_minor(amount, cur, i_cur, day)
            conv = converted[i_cur]
            if conv is not None and _fits(conv, led.remaining[i], True):
                near.append(i)
            continue
        if led.remaining[i] == amount:
            hits.append((i, False))
        elif fee and led.remaining[i] == amount + fee:
            hits.append((i, True))
    if len(hits) == 1:
        i, used_fee = hits[0]
        gross = led.remaining[i]
        _apply(led, t, i, gross, _rule("agency_amount", False, used_fee), 88, gross)
        return True
    if len(hits) > 1:
        led.exceptions.append((t, "ambiguous", ";".join(f"{led.i_number[h[0]]}:0.70" for h in hits[:3]), amount))
        return True
    same = [i for i in open_ if led.i_currency[i] == cur]
    targets = {amount: False, amount + fee: True} if fee else {amount: False}
    # A batch: the invoices issued to the agency on one day, paid together.
    batches: dict[int, list[int]] = {}
    for i in same:
        batches.setdefault(led.i_issued_day[i], []).append(i)
    found = [f for b in batches.values() if len(b) >= 2 for f in _subsets_paying(led, b, targets)]
    if len(found) == 1:
        batch, used_fee = found[0]
        gross = sum(led.remaining[i] for i in batch)
        for i in batch:
            _apply(led, t, i, led.remaining[i], _rule("agency_batch_sum", False, used_fee), 87, gross)
        return True
    # The agency's oldest open invoices, paid off in order.
    for gross, used_fee in targets.items():
        running, chosen = 0, []
        for i in sorted(same, key=lambda k: (led.i_due_day[k], k)):
            running += led.remaining[i]
            chosen.append(i)
            if running >= gross:
                break
        if running == gross and len(chosen) >= 2:
            for i in chosen:
                _apply(led, t, i, led.remaining[i], _rule("agency_oldest_sum", False, used_fee), 86, gross)
            return True
    if near:
        led.exceptions.append((t, "low_confidence", ";".join(f"{led.i_number[i]}:0.60" for i in near[:3]), amount))
        return True
    return False


def _refund(led: Ledger, t: int, cands: list[tuple]) -> None:
    usable = [c for c in cands if c[1] >= AUTO_MATCH]
    paid = [c for c in usable if led.allocated[c[0]] > 0]
    if not paid:
        reason = "refund_unmatched" if not usable else "refund_without_payment"
        led.exceptions.append((t, reason, _suggest(led, cands), led.t_amount[t]))
        return
    c = max(paid, key=lambda c: (c[1], c[4] == -led.allocated[c[0]]))
    i, refund = c[0], c[3]  # negative, in the invoice currency; the fee is not refunded
    apply = max(refund, -led.allocated[i])
    _apply(led, t, i, apply, _rule("refund", c[5], False), c[1], apply)
    if apply != refund and not _fits(refund, apply, c[5]):
        led.exceptions.append((t, "refund_exceeds_payments", led.i_number[i], led.t_amount[t] - (
            led.fx_minor(apply, led.i_currency[i], led.t_currency[t], led.t_day[t]) or 0)))


def _linked_refund(led: Ledger, t: int, t0: int, strong: bool, original_id: str) -> None:
    """Apply refund `t` negatively to the invoices original `t0` was applied to (refunds.py)."""
    paid = [p for p in led.paid_by.get(t0, []) if (t, p[0]) not in led.excluded]
    if not paid:
        led.exceptions.append((t, "refund_of_unallocated", f"refund of {original_id}"[:200], led.t_amount[t]))
        return
    cur, day = led.t_currency[t], led.t_day[t]
    left = -led.t_amount[t]  # positive, transaction currency
    conf = LINKED_STRONG if strong else LINKED_REFERENCE
    for entry in paid:
        if left <= 0:
            break
        i, put, returned = entry
        cap = min(put - returned, led.allocated[i])
        if cap <= 0:
            continue
        i_cur = led.i_currency[i]
        fx = i_cur != cur
        want = led.fx_minor(left, cur, i_cur, day) if fx else left
        if want is None:
            continue
        if want <= cap or _fits(want, cap, fx):
            take, left = min(want, cap), 0
        else:
            take = cap
            back = led.fx_minor(take, i_cur, cur, day) if fx else take
            left = max(left - (back or 0), 0)
        entry[2] += take
        _apply(led, t, i, -take, "refund_of_payment" + ("+fx" if fx else ""), conf, -take)
    if left > 0:  # the original (less what earlier refunds of it returned) does not cover it
        led.exceptions.append((t, "refund_exceeds_payments", f"refund of {original_id}"[:200], -left))


def allocate_one(led: Ledger, t: int, cands: list[tuple]) -> None:
    """cands: (i, confidence, ref_kind, amt_inv, gross_inv, fx), best first."""
    if led.t_amount[t] < 0:
        link = led.links.get(t)
        # A shared reference links only when the refund quotes no invoice or booking of its own.
        if link and (link[1] or not any(c[2] >= 2 for c in cands)):
            _linked_refund(led, t, link[0], link[1], led.link_names.get(link[0], ""))
            return
        _refund(led, t, cands)
        return
    if led.t_amount[t] == 0:
        led.exceptions.append((t, "zero_amount", "", 0))
        return
    if cands and _multi(led, t, cands):
        return
    top = [c for c in cands if c[1] >= AUTO_MATCH]
    if top:
        contenders = [c for c in top if c[1] >= top[0][1] - TIE_POINTS]
        if len({c[0] for c in contenders}) > 1:
            # Close scores on different invoices: let what is still open decide, else ask a human.
            fitting = [c for c in contenders if led.remaining[c[0]] > 0 and (
                _fits(c[4], led.remaining[c[0]], c[5]) or _fits(c[3], led.remaining[c[0]], c[5]))]
            open_ = [c for c in contenders if led.remaining[c[0]] > 0]
            same_key = all(c[2] == contenders[0][2] and c[1] == contenders[0][1] for c in contenders)
            if len({c[0] for c in fitting}) == 1:
                contenders = fitting
            elif same_key and contenders[0][2] >= 2 and open_:
                # One reference naming several invoices (a booking's deposit and balance):
                # the earliest open one first.
                contenders = sorted(open_, key=lambda c: (led.i_due_day[c[0]], c[0]))
            elif len({c[0] for c in open_}) == 1:
                contenders = open_
            else:
                led.exceptions.append((t, "ambiguous", _suggest(led, contenders), led.t_amount[t]))
                return
        _pay_one(led, t, contenders[0], cands)
        return
    if _by_agency(led, t):
        return
    reason = "low_confidence" if cands and cands[0][1] >= SUGGEST else "no_match"
    led.exceptions.append((t, reason, _suggest(led, cands), led.t_amount[t]))
