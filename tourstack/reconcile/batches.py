"""Several invoices in one payment: the ones it names, and the ones a recognised payer's amount
picks out of its open invoices (subsets.py).

Why apart from allocate.py: these steps search (combinations of open invoices) where the single
invoice steps only compare, and they share the rule that an uncertain search queues the payment
with suggestions rather than picking one of several fitting answers.
"""

from __future__ import annotations

from itertools import combinations

from tourstack.reconcile import subsets
from tourstack.reconcile.ledger import (
    AUTO_MATCH,
    CROSS_SETTLE_BPS,
    MAX_DAY_BATCH,
    MIN_REST,
    MULTI_MIN,
    STRONG,
    WIRE_CHARGES,
    Ledger,
    _SEQ,
    _agency_open,
    _apply,
    _fits,
    _rule,
    is_round,
    settles_cross,
)

WIRE_ROUND_UP = 10_00  # a payer rounding a foreign-currency wire up sends at most 10 units more
SHORT_PAYMENT_BPS = 250  # a payer short-paying an invoice (a discount taken, a dispute) by up to 2.5 %


def _multi(led: Ledger, t: int, cands: list[tuple]) -> bool:
    """One payment for several invoices: the ones it names (any legible form) when their open
    total is what arrived (exact, less TDS, or converted within the settle window); or at least
    two written out in full, settled in due-date order; or the named ones plus the one unique
    combination of the payer's other open invoices that makes up the rest (subsets.py)."""
    refs: dict[int, tuple] = {}
    for c in cands:
        # a typo's neighbours (kind 1) are alternatives to one mention, not further invoices
        if c[2] in (2, 3, 4) and c[1] >= MULTI_MIN and c[0] not in refs and led.remaining[c[0]] > 0:
            refs[c[0]] = c
    currencies = {led.i_currency[i] for i in refs}
    if len(currencies) != 1:
        return False
    cur = currencies.pop()
    fx = cur != led.t_currency[t]
    amount, fee = led.t_amount[t], led.t_fee[t]
    strong = [i for i in refs if refs[i][2] in STRONG and refs[i][1] >= AUTO_MATCH]
    open_ = sorted(refs, key=lambda k: (led.i_due_day[k], k))
    total = sum(led.remaining[i] for i in open_)
    any_c = refs[open_[0]]
    values = [amount, amount + fee] if fee else [amount]
    if len(open_) >= 2 and _total_fits(led, t, any_c, values, total, cur, fx):
        return _settle_all(led, t, open_, any_c, values, total, cur, fx, refs)
    if _mentions(led, strong, refs) >= 2 and not fx:
        groups = _by_mention(led, strong, refs)
        if all(len(g) == 1 for g in groups):
            return _in_due_order(led, t, strong, refs)
        # A booking ref covering several open invoices says which booking, not which invoice:
        # the invoices named one to a mention are settled, the rest of the money is queued.
        return _named_and_queued(led, t, groups, refs)
    # partial readings (INV 334, 25-26/395) of the payer's own invoices are named too
    named = strong + [i for i in refs if i not in strong and refs[i][2] == 4 and led.t_agency[t] >= 0
                      and led.i_agency[i] == led.t_agency[t] and led.i_issued_day[i] <= led.t_day[t]]
    named_total = sum(led.remaining[i] for i in named)
    rest = [v - named_total for v in values if v > named_total + MIN_REST]
    if rest and not fx and led.t_agency[t] >= 0 and len(refs) == len(named):
        pool = [(i, led.remaining[i]) for i in _agency_open(led, led.t_agency[t], led.t_day[t])
                if led.i_currency[i] == cur and i not in refs and (t, i) not in led.excluded]
        if rest and pool:
            combos, unsure = subsets.find(pool, rest, cur)
            if len(combos) == 1 and not unsure and sum(led.remaining[i] for i in combos[0]) not in rest:
                loose, loose_unsure = subsets.find(pool, rest, cur, slack=subsets.SAFETY_SLACK.get(cur, 10_00))
                unsure = len(loose) > 1 or loose_unsure
            if len(combos) == 1 and not unsure:
                chosen = sorted(named + combos[0], key=lambda k: (led.i_due_day[k], k))
                return _settle_all(led, t, chosen, any_c, values, named_total + sum(
                    led.remaining[i] for i in combos[0]), cur, False, refs, rule="multi_reference_and_sum")
    return False


def _cut_copy(led: Ledger, t: int, i: int, refs) -> bool:
    """Invoice `i` is named by the number the narration ends in, and that number is the start
    of another number named on the same line (`INV-2025-26-1` at the end of a narration cut to
    its width, beside `INV-2025-26-1331` in the reference column): it is that number cut, not a
    second invoice."""
    mine = _SEQ.match(led.i_number[i] or "")
    if not mine or not led.t_tail or mine[3].lstrip("0") != led.t_tail[t]:
        return False
    for j in refs:
        other = _SEQ.match(led.i_number[j] or "") if j != i else None
        if (other and other[1] == mine[1] and other[2] == mine[2]
                and len(other[3].lstrip("0")) > len(mine[3].lstrip("0"))
                and other[3].lstrip("0").startswith(mine[3].lstrip("0"))):
            return True
    return False


def _by_mention(led: Ledger, strong: list[int], refs: dict[int, tuple]) -> list[list[int]]:
    groups: dict[tuple, list[int]] = {}
    for i in strong:
        key = ("B", led.i_booking[i]) if refs[i][2] == 2 and led.i_booking else ("I", i)
        groups.setdefault(key, []).append(i)
    return list(groups.values())


def _named_and_queued(led: Ledger, t: int, groups: list[list[int]], refs: dict[int, tuple]) -> bool:
    singles = sorted((g[0] for g in groups if len(g) == 1), key=lambda k: (led.i_due_day[k], k))
    several = [i for g in groups if len(g) > 1 for i in g]
    amount = led.t_amount[t]
    if not singles or sum(led.remaining[i] for i in singles) >= amount:
        return False
    left = amount
    rule = "multi_invoice_reference"
    for i in singles:
        take = led.remaining[i]
        _apply(led, t, i, take, rule, min(refs[k][1] for k in singles), amount)
        left -= take
    sugg = ";".join(f"{led.i_number[i]}:{refs[i][1] / 100:.2f}"
                    for i in sorted(several, key=lambda k: (led.i_due_day[k], k))[:3])
    led.exceptions.append((t, "ambiguous", sugg, left))
    return True


def _mentions(led: Ledger, strong: list[int], refs: dict[int, tuple]) -> int:
    """How many references the strong candidates stand for: a booking ref that covers several
    invoices (a deposit invoice and a balance invoice) is one mention, not a list of invoices."""
    keys = {("B", led.i_booking[i]) if refs[i][2] == 2 and led.i_booking else ("I", i) for i in strong}
    return len(keys)


def _total_fits(led, t, c, values, total, cur, fx) -> bool:
    if fx:
        return settles_cross(c[4], total, cur) or settles_cross(c[3], total, cur)
    return any(subsets.exact_fit(v, total, cur) for v in values)


def _settle_all(led, t, chosen, c, values, total, cur, fx, refs, rule="multi_invoice_reference") -> bool:
    """Settle `chosen` (due-date order); a shortfall (charges, TDS) stays on the last one."""
    amount = led.t_amount[t]
    if fx:
        gross = c[4] if settles_cross(c[4], total, cur) else c[3]
        used_fee = gross != c[3]
        left = total
    else:
        gross = next((v for v in values if subsets.exact_fit(v, total, cur)), amount)
        used_fee = gross != amount
        left = gross
    conf = min(refs[i][1] if i in refs else 87 for i in chosen)
    name = _rule(rule, fx, used_fee)
    for k, i in enumerate(chosen):
        take = led.remaining[i] if k < len(chosen) - 1 else min(left, led.remaining[i])
        if take > 0:
            _apply(led, t, i, take, name, conf, gross)
        left -= take
    return True


def _in_due_order(led: Ledger, t: int, strong: list[int], refs: dict[int, tuple]) -> bool:
    """Two or more invoices written out in full: settled in due-date order up to what arrived."""
    amount, fee = led.t_amount[t], led.t_fee[t]
    open_ = sorted(strong, key=lambda k: (led.i_due_day[k], k))
    total = sum(led.remaining[i] for i in open_)
    gross = amount + fee if (total == amount + fee and fee) else amount
    left = gross
    conf = min(refs[i][1] for i in open_)
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


def _ageing_shortcut(led: Ledger, same: list[tuple[int, int]], values: list[int],
                     day_batch_only: bool = False) -> list[int] | None:
    """The ways an ageing report is paid, tried when the full search is too large: exactly one
    open invoice for the amount, else exactly one subset of the invoices issued on one day, else
    the oldest open invoices in due-date order; all to the minor unit."""
    singles = [i for i, r in same if r in values]
    if singles and not day_batch_only:
        return singles if len(singles) == 1 else None
    by_day: dict[int, list[tuple[int, int]]] = {}
    for i, r in same:
        by_day.setdefault(led.i_issued_day[i], []).append((i, r))
    found = []
    for batch in by_day.values():
        if 2 <= len(batch) <= MAX_DAY_BATCH:
            for size in range(len(batch), 1, -1):
                found += [[i for i, _ in c] for c in combinations(batch, size) if sum(r for _, r in c) in values]
    if found or day_batch_only:
        return found[0] if len(found) == 1 else None
    running, chosen = 0, []
    for i, r in sorted(same, key=lambda p: (led.i_due_day[p[0]], p[0])):
        running += r
        chosen.append(i)
        if running >= max(values):
            break
    return chosen if running in values and len(chosen) >= 2 else None


def _by_agency(led: Ledger, t: int, hint: tuple | None = None, pay_one=None) -> bool:
    """No usable reference: the payer is a known agency; find its open invoice(s) for the amount
    (subsets.py): exactly one fitting combination of up to six is allocated, two or more are
    `ambiguous`. `hint`: an amount-and-name candidate (kind 0) the combination must confirm."""
    a = led.t_agency[t]
    if a < 0 or led.t_amount[t] <= 0 or (led.t_part and led.t_part[t]):
        return False  # a deposit or installment by its own remarks: no amount says which invoice
    amount, fee, cur, day = led.t_amount[t], led.t_fee[t], led.t_currency[t], led.t_day[t]
    open_ = _agency_open(led, a, day)
    if led.excluded:
        open_ = [i for i in open_ if (t, i) not in led.excluded]
    if not open_:
        return False
    same = [(i, led.remaining[i]) for i in open_ if led.i_currency[i] == cur]
    values = [amount, amount + fee] if fee else [amount]
    combos, unsure = subsets.find(same, values, cur) if same else ([], False)
    if is_round(amount, cur) and len(combos) == 1 and not unsure and any(
            led.remaining[i] != led.i_due[i] for i in combos[0]):
        # A round figure is how deposits and installments are paid: it settles a balance left by
        # earlier payments only by coincidence, so only untouched invoices are read from it; a
        # balance it happens to equal still makes the untouched one uncertain.
        unsure = True  # to the queue, the combination as the suggestion
    if (len(combos) == 1 and not unsure and (len(combos[0]) > 1 or cur in subsets.SINGLE_SLACK)
            and sum(led.remaining[i] for i in combos[0]) not in values):
        # Less TDS, the combination must also be alone in a wider neighbourhood, so that a
        # shortfall of a few hundred rupees more or less (TDS rounded otherwise) would not have
        # chosen another; a total equal to the paisa needs no such margin.
        slack = (subsets.SAFETY_SLACK.get(cur, 10_00) if len(combos[0]) > 1 else subsets.SINGLE_SLACK[cur])
        loose, loose_unsure = subsets.find(same, values, cur, slack=slack)
        if len(loose) > 1 or loose_unsure:
            combos = loose
    if unsure and len(combos) < 2 and not is_round(amount, cur):
        # Too many open invoices to be sure no other combination fits: only an invoice, a
        # subset of one day's invoices, or the oldest invoices in order, equal to the paisa.
        # Two combinations found are two answers: a person chooses (suggestions).
        shortcut = _ageing_shortcut(led, same, values, day_batch_only=cur == subsets.TDS_CURRENCY)
        if shortcut is not None:
            # The shortcut is an answer only if no second one is found: an identical open amount
            # outside it (swapped for one inside), or a deeper search's other combination.
            inside = {i for i in shortcut}
            amounts = {led.remaining[i] for i in shortcut}
            twins = [[i for i, r in same if i not in inside and r in amounts][:1]]
            deep = twins if twins[0] else subsets.find(same, values, cur, max_pool=subsets.DEEP_POOL,
                                                       budget=subsets.DEEP_BUDGET)[0]
            if any(sorted(d) != sorted(shortcut) for d in deep):
                combos, unsure = [shortcut] + [d for d in deep if sorted(d) != sorted(shortcut)], False
            else:
                combos, unsure = [shortcut], False
    charged = False
    if not combos and not unsure and not fee and cur in WIRE_CHARGES and same and not is_round(amount, cur):
        combos, unsure = wire_short(same, amount, cur)
        charged = True
        if len(combos) == 1 and not unsure:
            # The same wire may as well be a short payment (a discount taken, a dispute) of up to
            # 2.5 %: another open combination within that wider shortfall is another reading.
            wide, wide_unsure = wire_short(same, amount, cur, shortfall=SHORT_PAYMENT_BPS)
            if len(wide) > 1 or wide_unsure:
                combos, unsure = wide, True
        if any(len(c) > 1 for c in combos):
            # Inside a window of some 120 units several invoices add up by coincidence as
            # often as not (or the payer converted at its own rate): a person decides.
            unsure = True
    if len(combos) == 1 and not unsure:
        combo = sorted(combos[0], key=lambda k: (led.i_due_day[k], k))
        total = sum(led.remaining[i] for i in combo)
        gross = amount + fee if fee and subsets.exact_fit(amount + fee, total, cur) and not subsets.exact_fit(
            amount, total, cur) else amount
        used_fee = gross != amount
        if hint is not None and combo == [hint[0]]:
            pay_one(led, t, hint, [hint])
            return True
        base = ("agency_amount" if len(combo) == 1 else "agency_subset_sum") + ("_less_charges" if charged else "")
        left = gross
        for k, i in enumerate(combo):
            take = led.remaining[i] if k < len(combo) - 1 else min(left, led.remaining[i])
            _apply(led, t, i, take, _rule(base, False, used_fee), 88 if len(combo) == 1 else 87, gross)
            left -= take
        return True
    if combos or unsure:
        seen: list[int] = []
        for combo in combos:
            seen.extend(i for i in combo if i not in seen)
        led.exceptions.append((t, "ambiguous", ";".join(f"{led.i_number[i]}:0.70" for i in seen[:3]), amount))
        return True
    near = _near_cross(led, t, open_)
    if near:
        led.exceptions.append((t, "low_confidence", ";".join(f"{led.i_number[i]}:0.60" for i in near[:3]), amount))
        return True
    return False


def wire_short(same: list[tuple[int, int]], amount: int, cur: str,
               shortfall: int = 0) -> tuple[list[list[int]], bool]:
    """A SWIFT wire in the invoice's own currency sent SHA or BEN arrives short by what the
    correspondent banks deducted (10-40 units each, one or two banks: at most WIRE_CHARGES), or
    a few units over when the payer rounded up: the combinations of open invoices whose total
    lies in that band. Only a single fitting combination is taken (allocate decides).
    `shortfall` (basis points of the invoice) widens the band to a short payment that size
    when it is more than the charges, to look for other readings."""
    short = max(WIRE_CHARGES[cur], amount * 10_000 // (10_000 - shortfall) - amount if shortfall else 0)
    band = short + WIRE_ROUND_UP
    # find() accepts |value - total| <= slack: centre the band [amount - round-up, amount + charges]
    centre = amount + (short - WIRE_ROUND_UP) // 2
    return subsets.find(same, [centre], cur, slack=(band + 1) // 2)


def _near_cross(led: Ledger, t: int, open_: list[int]) -> list[int]:
    """Without a reference, a cross-currency amount inside the FX spread is too weak to
    auto-match among an agency's open invoices: offer it as a suggestion."""
    amount, cur, day = led.t_amount[t], led.t_currency[t], led.t_day[t]
    near: list[int] = []
    converted: dict[str, int | None] = {}
    for i in open_:
        i_cur = led.i_currency[i]
        if i_cur != cur:
            if i_cur not in converted:
                converted[i_cur] = led.fx_minor(amount, cur, i_cur, day)
            conv = converted[i_cur]
            if conv is not None and _fits(conv, led.remaining[i], True):
                near.append(i)
                if len(near) == 3:
                    break
    return near


def _part_of(led: Ledger, t: int) -> str:
    """Suggestions for a payment of a known agency that settles nothing: its open invoices the
    amount could be a part of (a deposit, an installment), the most recently issued first."""
    a = led.t_agency[t]
    if a < 0:
        return ""
    cur, day, amount = led.t_currency[t], led.t_day[t], led.t_amount[t] + led.t_fee[t]
    fits: list[int] = []
    converted: dict[str, int | None] = {cur: amount}
    open_ = _agency_open(led, a, day)  # in issue order: walk back from the latest
    for i in reversed(open_):
        i_cur = led.i_currency[i]
        if i_cur not in converted:
            converted[i_cur] = led.fx_minor(amount, cur, i_cur, day)
        value = converted[i_cur]
        if value is not None and value <= led.remaining[i] * (10_000 + CROSS_SETTLE_BPS) // 10_000:
            fits.append(i)
            if len(fits) == 3:
                break
    return ";".join(f"{led.i_number[i]}:0.50" for i in fits)
