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

from tourstack.reconcile import subsets
from tourstack.reconcile.batches import _by_agency, _cut_copy, _multi, _part_of
from tourstack.reconcile.ledger import (  # noqa: F401  (Ledger and the rules are used from here)
    AUTO_MATCH,
    CONFIRMED_OVERPAYMENT,
    DOUBLE_CAPTURE_DAYS,
    DUPLICATE_WINDOW_DAYS,
    LINKED_REFERENCE,
    LINKED_STRONG,
    PREPAY_DAYS,
    REPEAT_GAP_PERCENT,
    ROUND_UP,
    RULES,
    STRONG,
    SUGGEST,
    TIE_POINTS,
    Ledger,
    _apply,
    _fits,
    _rule,
    _suggest,
    is_round,
    settles_cross,
)


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
    settle = fx and settles_cross(gross, rem, led.i_currency[i])
    last = led.last_payment.get(i)
    if last and last[1] == led.t_payer[t] and _fits(gross, last[2], True):
        # The same payer, the same money, the same invoice again: a card captured twice (days
        # apart at most) even if the invoice is still open, or a payment run that picked an
        # invoice up again (more than is open: what the first left is a TDS or charges gap).
        days = led.t_day[t] - last[0]
        gap = gross > rem and not settle and rem * 100 <= gross * REPEAT_GAP_PERCENT
        # More than is open, within the duplicate window: the run picked the invoice up again
        # (what is open then is whatever an earlier, unseen part payment left).
        again = gross > rem and not settle and not _fits(gross, rem, fx) and days <= DUPLICATE_WINDOW_DAYS
        if 0 <= days <= DOUBLE_CAPTURE_DAYS or ((gap or again) and days >= 0):
            reason = "duplicate" if days <= DUPLICATE_WINDOW_DAYS else "overpayment"
            led.exceptions.append((t, reason, f"{led.i_number[i]}:{conf / 100:.2f}", led.t_amount[t]))
            return
    if kind == 3 and not settle and _typo_onto(led, t, i, conf, amt_inv, gross_inv, fx):
        return
    if (gross > rem + ROUND_UP.get(led.i_currency[i], 10_00) and not settle and not _fits(gross, rem, fx)
            and conf < CONFIRMED_OVERPAYMENT):
        # Far more than is open and nothing but the reference says so: as likely a mistyped
        # number (a neighbour of the payer's real invoice) as an overpayment; a person decides.
        led.exceptions.append((t, "low_confidence", _suggest(led, cands), led.t_amount[t]))
        return
    if _fits(gross, rem, fx) or gross >= rem or settle:
        _apply(led, t, i, rem, _rule(RULES[kind], fx, used_fee), conf, gross)
        if gross > rem and not _fits(gross, rem, fx) and not settle:
            # The part above the open amount, back in the transaction's currency.
            left = led.t_amount[t] - (led.fx_minor(rem, led.i_currency[i], led.t_currency[t], led.t_day[t]) or 0)
            if used_fee:
                left += led.t_fee[t]
            led.exceptions.append((t, "overpayment", _suggest(led, cands), max(left, 0)))
    else:
        _apply(led, t, i, gross, _rule(RULES[kind], fx, used_fee), conf, gross)


def _exact(value: int, target: int, currency: str, fx: bool) -> bool:
    """To the minor unit, or less TDS (INR), or converted within the FX tolerance."""
    return _fits(value, target, True) if fx else subsets.exact_fit(value, target, currency)


def _typo_onto(led: Ledger, t: int, i: int, conf: int, amt_inv: int, gross_inv: int, fx: bool) -> bool:
    """A number written exactly that the payment overpays: a typo can land on an existing
    invoice (a digit dropped, doubled or transposed). Of its one-keystroke neighbours (the
    payer's own when it is recognised; in any currency, `EXP` invoices are in several), exactly
    one that the amount settles exactly takes the payment; neighbours that could have received
    it leave the choice to a person. Returns whether the transaction was dealt with."""
    rem, cur = led.remaining[i], led.i_currency[i]
    values = [amt_inv, gross_inv] if gross_inv != amt_inv else [amt_inv]
    if min(values) <= rem or any(_exact(v, rem, cur, fx) for v in values):
        return False
    agency, day = led.t_agency[t], led.t_day[t]
    near = [j for j in led.seq_neighbours(i)
            if led.remaining[j] > 0 and (t, j) not in led.excluded
            and led.i_issued_day[j] <= day + PREPAY_DAYS and (agency < 0 or led.i_agency[j] == agency)]
    if not near:
        return False
    exact, could = [], []
    for j in near:
        vals, j_fx = _values_in(led, t, led.i_currency[j])
        if not vals:
            continue
        fit = [v for v in vals if _exact(v, led.remaining[j], led.i_currency[j], j_fx)]
        if fit:
            exact.append((j, fit[0], j_fx))
        if led.remaining[j] * 102 >= min(vals) * 100 or (j_fx and settles_cross(vals[-1], led.remaining[j],
                                                                               led.i_currency[j])):
            could.append(j)
    if len(exact) == 1:
        j, v, j_fx = exact[0]
        take = led.remaining[j] if (j_fx or v > led.remaining[j]) else v
        _apply(led, t, j, take, _rule("fuzzy_reference", j_fx, v != _values_in(led, t, led.i_currency[j])[0][0]),
               min(conf, 90), v)
        return True
    rounded = min(values) <= rem + ROUND_UP.get(cur, 10_00)  # a balance rounded up: X as written
    could = [j for j, _, _ in exact] or ([] if rounded else could)
    if not could:
        return False
    sugg = ";".join(f"{led.i_number[k]}:{c / 100:.2f}" for k, c in
                    [(k, 80) for k in dict.fromkeys(could)][:2] + [(i, conf)])
    led.exceptions.append((t, "ambiguous", sugg, led.t_amount[t]))
    return True


def _values_in(led: Ledger, t: int, currency: str) -> tuple[list[int], bool]:
    """What transaction `t` brought (amount, and amount + fee) in `currency`, and whether that
    is a conversion (ECB rate of the booking date)."""
    amount, fee, t_cur = led.t_amount[t], led.t_fee[t], led.t_currency[t]
    raw = [amount, amount + fee] if fee else [amount]
    if currency == t_cur:
        return raw, False
    conv = [led.fx_minor(v, t_cur, currency, led.t_day[t]) for v in raw]
    return [v for v in conv if v is not None], True


def _unconfirmed_typo(led: Ledger, t: int, c: tuple, cands: list[tuple]) -> bool:
    """A one-keystroke neighbour of what was written, from a payer not recognised as its agency:
    against an open invoice named as written it is one reading of two (a part payment of the
    one, a typo for the other), and as a part payment it is one of many neighbours; both go to
    a person. From the neighbour's own agency it is confirmed, except against that agency's
    open invoice named as written when the amount fits neither exactly. Returns whether the
    transaction was queued."""
    i = c[0]
    written = [d for d in cands if d[2] in (2, 3, 4) and d[0] != i and led.remaining[d[0]] > 0]
    rem = led.remaining[i]
    exact = rem > 0 and (_exact(c[3], rem, led.i_currency[i], c[5]) or _exact(c[4], rem, led.i_currency[i], c[5]))
    if led.t_agency[t] == led.i_agency[i] and led.t_agency[t] >= 0:
        # the payer's own neighbour: it still does not outrank the payer's own invoice named
        # as written unless the amount confirms it
        written = [d for d in written if led.i_agency[d[0]] == led.t_agency[t]]
        if exact or not written:
            return False
    if written or not exact:
        reason = "ambiguous" if written else "low_confidence"
        led.exceptions.append((t, reason, _suggest(led, [c] + written + list(cands)), led.t_amount[t]))
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
        if link and (link[1] or not any(c[2] in STRONG for c in cands)):
            _linked_refund(led, t, link[0], link[1], led.link_names.get(link[0], ""))
            return
        _refund(led, t, cands)
        return
    if led.t_amount[t] == 0:
        led.exceptions.append((t, "zero_amount", "", 0))
        return
    if led.t_tail and led.t_tail[t] and len(cands) > 1:
        # a number the narration was cut in is the whole number named beside it, not another
        named = {c[0] for c in cands if c[2] in (2, 3, 4)}
        cands = [c for c in cands if not (c[2] in (3, 4) and _cut_copy(led, t, c[0], named))]
    if cands and _multi(led, t, cands):
        return
    top = [c for c in cands if c[1] >= AUTO_MATCH]
    if top and top[0][2] == 0:
        # Amount and name alone: the payer's other open invoices may add up to the same amount;
        # only a unique combination (the candidate itself) is allocated.
        if _by_agency(led, t, hint=top[0], pay_one=_pay_one):
            return
        led.exceptions.append((t, "low_confidence", _suggest(led, cands), led.t_amount[t]))
        return
    if top and top[0][2] == 1 and _unconfirmed_typo(led, t, top[0], cands):
        return
    if top:
        contenders = [c for c in top if c[1] >= top[0][1] - TIE_POINTS]
        if len({c[0] for c in contenders}) > 1:
            # Close scores on different invoices: let what is still open decide, else ask a human.
            fitting = [c for c in contenders if led.remaining[c[0]] > 0 and (
                _fits(c[4], led.remaining[c[0]], c[5]) or _fits(c[3], led.remaining[c[0]], c[5]))]
            open_ = [c for c in contenders if led.remaining[c[0]] > 0]
            exact_other = any(c[2] == 3 and c[0] != fitting[0][0] for c in contenders) if fitting else False
            if len({c[0] for c in fitting}) == 1 and exact_other and is_round(led.t_amount[t], led.t_currency[t]):
                # The number as written names one invoice, a neighbour fits a round amount: a
                # deposit on the first is as likely as a typo for the second.
                led.exceptions.append((t, "ambiguous", _suggest(led, contenders), led.t_amount[t]))
                return
            if len({c[0] for c in fitting}) == 1:
                contenders = fitting
            elif len({c[0] for c in open_}) == 1:
                contenders = open_
            else:
                led.exceptions.append((t, "ambiguous", _suggest(led, contenders), led.t_amount[t]))
                return
        best = contenders[0]
        if best[2] == 1 and _unconfirmed_typo(led, t, best, cands):
            return
        _pay_one(led, t, best, cands)
        return
    if _by_agency(led, t, pay_one=_pay_one):
        return
    reason = "low_confidence" if cands and cands[0][1] >= SUGGEST else "no_match"
    led.exceptions.append((t, reason, _suggest(led, cands) or _part_of(led, t), led.t_amount[t]))
