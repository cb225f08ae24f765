"""The answer key: what a careful person with the whole book in front of them would post.

For each line, in booking order, against the open amounts the *expected* postings so far leave:

- **Attributable** parts get an expected allocation. A part is attributable when a mention on
  the line names its invoice decisively (after dropping candidates of another agency when the
  payer is recognisable, candidates already settled, and, for a single invoice the amount
  settles, candidates the amount does not settle), or when the payer is known and the amount
  left after the decisive invoices is settled by exactly one combination (up to six invoices) of
  that agency's open invoices in that currency.
- Everything else that is a payment is **ambiguous**: it belongs in the exceptions queue with the
  true invoices among its suggestions. A partial payment (deposit, installment) that no mention
  names is always ambiguous; so is a payment from an unrecognisable payer that names nothing.
- Duplicates, refunds of unallocated payments and noise are expected exceptions.

"Settles" means the amount lies in the window a person accepts for a full payment:
same currency, from the open amount less max(2.5 %, wire charges of 110 units; 400 AED) up to one
rounding unit above it (INR 1,000 or 10 units); cross-currency, the ECB value within 6 % of it
(less the same charges).

Money (amount_low/amount_high bound the correct amount applied, invoice currency, minor units):
- what the line brought: gross = amount + fee in the invoice's currency; cross-currency, converted
  at the ECB reference rate of the booking date, to within 0.05 % (rounding of the cross rate);
- a cross-currency payment meant to settle an invoice, whose value settles it, settles it: the
  open amount (the difference is a realised exchange difference, not a balance);
- never more than the open amount; the excess of an overpayment stays unallocated;
- a payment for several invoices short by charges or TDS: each invoice may carry any share of the
  shortfall (bounds open - shortfall .. open), the total being what the line brought;
- a refund that names its payment: minus its value, at most what that payment put on the invoice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from bench.corpora.remittance import money
from bench.corpora.remittance.channels import Rendered
from bench.corpora.remittance.world import Invoice

CHARGES_ALLOWANCE = {"INR": 0, "USD": 110_00, "EUR": 110_00, "GBP": 110_00, "AED": 400_00}
ROUNDING_UNIT = {"INR": 1000_00}
MAX_UNNAMED = 6
SEARCH_BUDGET = 200_000


@dataclass
class Expected:
    txn_id: str
    invoice: str
    amount: int          # a point value (what the book then shows)
    low: int
    high: int
    currency: str


@dataclass
class Outcome:
    txn_id: str
    kind: str
    tags: set[str]
    outcome: str                     # allocate | partial | exception
    reason: str = ""                 # for exceptions: ambiguous | duplicate | refund_of_unallocated | noise
    suggest: list[str] = field(default_factory=list)   # the true invoices of an ambiguous part


class Book:
    """The invoices and their open amounts under the expected postings."""

    def __init__(self, invoices: list[Invoice]):
        self.invoices = {i.number: i for i in invoices}
        self.open = {i.number: i.amount for i in invoices}
        self.by_seq: dict[int, list[Invoice]] = {}
        self.by_booking: dict[str, list[Invoice]] = {}
        for inv in invoices:
            self.by_seq.setdefault(inv.seq, []).append(inv)
            self.by_booking.setdefault(inv.booking_ref, []).append(inv)

    def candidates(self, mention, truth: Invoice) -> list[Invoice]:
        """Every invoice this mention, as written, could be read as."""
        reading, text = mention.reading, mention.text.upper().replace(" ", "")
        if reading == "strong":
            return [truth]
        if reading == "booking":
            return self.by_booking[truth.booking_ref]
        if reading == "seq":
            return self.by_seq[truth.seq]
        if reading == "seq_series":
            return [i for i in self.by_seq[truth.seq] if i.series == truth.series]
        if reading == "seq_fy":
            return [i for i in self.by_seq[truth.seq] if i.fiscal_year == truth.fiscal_year]
        if reading == "booking_typo":
            return [i for ref, invs in self.by_booking.items() if _one_edit(ref, text) for i in invs]
        if reading == "typo":
            wrong = re.findall(r"\d+", text)[-1].lstrip("0") or "0"
            return [i for i in self.invoices.values() if i.series == truth.series and _one_edit(str(i.seq), wrong)]
        return self._cut(text, truth)

    def _cut(self, text: str, truth: Invoice) -> list[Invoice]:
        if text.startswith("TB") and not re.match(r"TB\d", text[:3]) and len(text) >= 4:
            return [i for i in self.invoices.values() if i.booking_ref.startswith(text)]
        series = "INV" if "INV" in text else ("EXP" if "EXP" in text else None)
        fy = re.search(r"20(\d\d)-?(\d\d)", text)
        rest = text[fy.end():] if fy else re.sub(r"^[A-Z]*", "", text)
        groups = re.findall(r"\d+", rest)
        head = groups[-1] if groups else ""
        out = []
        for inv in self.invoices.values():
            if series and inv.series != series:
                continue
            if fy and inv.fiscal_year != 2000 + int(fy.group(1)):
                continue
            if head and not (f"{inv.seq:06d}".startswith(head) or str(inv.seq).startswith(head)):
                continue
            out.append(inv)
        return out


def _one_edit(a: str, b: str) -> bool:
    """Within one substitution, insertion, deletion or adjacent transposition."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [k for k in range(la) if a[k] != b[k]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    return any(b[:k] + b[k + 1:] == a for k in range(len(b)))


def settles(value: int, target: int, currency: str, cross: bool) -> bool:
    return fit(value, target, currency, cross) is not None


def fit(value: int, target: int, currency: str, cross: bool) -> int | None:
    """How well `value` settles `target`: 0 exactly (to the minor unit, or, in INR, less TDS at
    1 % or 2 % of the value before 5 % GST or of the gross, to the rupee), 1 within the window,
    None not at all. A person holding an exact candidate does not trade it for an approximate one."""
    if not cross:
        if value == target:
            return 0
        if currency == "INR" and value < target:
            for rate in (0.01, 0.02):
                for base in (target / 1.05, target):
                    if abs(target - round(base * rate) - value) <= 100:
                        return 0
    allowance = CHARGES_ALLOWANCE[currency]
    if cross:
        return 1 if target * 0.94 - allowance <= value <= target * 1.06 else None
    slack = max(round(target * 0.025), allowance)
    return 1 if target - slack <= value <= target + ROUNDING_UNIT.get(currency, 10_00) else None


def line_value(r: Rendered, currency: str) -> tuple[int, bool]:
    line = r.line
    gross = line.amount + (line.fee or 0)
    if line.currency == currency:
        return gross, False
    return money.convert(gross, money.mid(line.currency, currency, line.booked_on)), True


def _fx_bounds(value: int, cross: bool) -> tuple[int, int]:
    if not cross:
        return value, value
    tol = max(1, round(abs(value) * 0.0005))
    return value - tol, value + tol


class Labeller:
    def __init__(self, book: Book):
        self.book = book
        self.expected: list[Expected] = []
        self.outcomes: list[Outcome] = []
        self.posted: dict[int, dict[str, int]] = {}   # id(rendered) -> invoice -> amount applied

    def run(self, lines: list[tuple[str, Rendered]]) -> None:
        for txn_id, r in lines:
            kind, tags = describe(r)
            if "noise" in r.tags:
                self.outcomes.append(Outcome(txn_id, kind, tags, "exception", "noise"))
            elif "duplicate" in r.tags:
                self.outcomes.append(Outcome(txn_id, kind, tags, "exception", "duplicate"))
            elif "refund" in r.tags:
                self._refund(txn_id, r, kind, tags)
            else:
                self._payment(txn_id, r, kind, tags)

    def _post(self, txn_id: str, r: Rendered, inv: Invoice, point: int, low: int, high: int) -> None:
        self.expected.append(Expected(txn_id, inv.number, point, low, high, inv.currency))
        self.book.open[inv.number] -= point
        self.posted.setdefault(id(r), {})[inv.number] = point

    def _refund(self, txn_id: str, r: Rendered, kind: str, tags: set[str]) -> None:
        paid = self.posted.get(id(r.refund_of), {}) if r.refund_of is not None else {}
        if not paid:
            self.outcomes.append(Outcome(txn_id, kind, tags, "exception", "refund_of_unallocated"))
            return
        for number, applied in paid.items():
            inv = self.book.invoices[number]
            value, cross = line_value(r, inv.currency)
            amount = max(value, -applied)
            low, high = _fx_bounds(amount, cross and amount != -applied)
            self._post(txn_id, r, inv, amount, max(low, -applied), min(high, 0))
            paid[number] = applied + amount
        self.outcomes.append(Outcome(txn_id, kind, tags, "allocate"))

    def _payment(self, txn_id: str, r: Rendered, kind: str, tags: set[str]) -> None:
        pay, line, book = r.payment, r.line, self.book
        truth = [inv for inv, _, _ in pay.parts]
        intents = {inv.number: intent for inv, _, intent in pay.parts}
        currency = truth[0].currency
        value, cross = line_value(r, currency)
        agency_known = line.payer_known
        decisive = set()
        for mention in line.mentions:
            inv = book.invoices[mention.invoice]
            if self._decisive(mention, inv, line, value, cross, len(truth) == 1):
                decisive.add(inv.number)
        named = [inv for inv in truth if inv.number in decisive]
        rest = [inv for inv in truth if inv.number not in decisive]
        if named:
            agency_known = True
        if rest and agency_known and all(intents[i.number] == "settle" for i in rest):
            if self._unique_rest(pay.agency.code, currency, line.booked_on, named, rest, value, cross):
                named, rest = truth, []
        if named:
            self._post_parts(txn_id, r, named, truth, intents, value, cross)
        outcome = "allocate" if not rest else ("partial" if named else "exception")
        self.outcomes.append(Outcome(txn_id, kind, tags, outcome, "ambiguous" if rest else "",
                                     [i.number for i in rest]))

    def _decisive(self, mention, truth: Invoice, line, value: int, cross: bool, single: bool) -> bool:
        book = self.book
        found = [c for c in book.candidates(mention, truth) if c.issued <= line.booked_on]
        if truth not in found:
            return False
        if line.payer_known:
            found = [c for c in found if c.agency is truth.agency]
        found = [c for c in found if c is truth or book.open[c.number] > 0]
        if single and len(found) > 1:
            tier = fit(value, book.open[truth.number], truth.currency, cross)
            if tier is not None:
                found = [c for c in found if c is truth
                         or _rank(fit(*_value_for(line, c), book.open[c.number], c.currency, c_cross(line, c))) <= tier]
            else:  # a part payment of an invoice it would overpay is no reading of it
                found = [c for c in found if c is truth or book.open[c.number] * 1.02 >= _value_for(line, c)[0]]
        return found == [truth]

    def _unique_rest(self, agency: str, currency: str, day, named, rest, value: int, cross: bool) -> bool:
        book = self.book
        left = value - sum(book.open[i.number] for i in named)
        target = sum(book.open[i.number] for i in rest)
        tier = fit(left, target, currency, cross)
        if len(rest) > MAX_UNNAMED or tier is None:
            return False
        names = {i.number for i in named}
        pool = sorted((book.open[i.number] for i in book.invoices.values()
                       if i.agency.code == agency and i.currency == currency and i.issued <= day
                       and book.open[i.number] > 0 and i.number not in names), reverse=True)
        fits = _count_fits(pool, left, currency, cross, tier, limit=2)
        return fits == 1

    def _post_parts(self, txn_id, r, named, truth, intents, value, cross) -> None:
        book = self.book
        opens = [book.open[i.number] for i in truth]
        total_open = sum(opens)
        whole = len(named) == len(truth)
        if len(truth) == 1:
            inv = truth[0]
            open_ = book.open[inv.number]
            if cross and intents[inv.number] == "settle" and settles(value, open_, inv.currency, True):
                self._post(txn_id, r, inv, open_, open_, open_)
                return
            point = min(value, open_)
            low, high = _fx_bounds(point, cross and point != open_)
            self._post(txn_id, r, inv, point, low, min(high, open_))
            return
        short = max(0, total_open - value)
        if cross and settles(value, total_open, truth[0].currency, True):
            short = 0
        for inv in named:
            open_ = book.open[inv.number]
            point = open_ if not whole else open_ - round(short * open_ / total_open)
            self._post(txn_id, r, inv, point, max(0, open_ - short), open_)


def _rank(tier: int | None) -> int:
    return 9 if tier is None else tier


def _value_for(line, inv: Invoice) -> tuple[int]:
    gross = line.amount + (line.fee or 0)
    if line.currency == inv.currency:
        return (gross,)
    return (money.convert(gross, money.mid(line.currency, inv.currency, line.booked_on)),)


def c_cross(line, inv: Invoice) -> bool:
    return line.currency != inv.currency


def _count_fits(pool: list[int], value: int, currency: str, cross: bool, tier: int, limit: int) -> int:
    """How many combinations (1..MAX_UNNAMED invoices) of `pool` (open amounts, descending) the
    value settles at least as well as `tier`, stopping at `limit`; an exhausted search budget
    counts as `limit`."""
    if cross:
        lo, hi = (value / 1.06), (value + CHARGES_ALLOWANCE[currency]) / 0.94
    else:
        lo = value - ROUNDING_UNIT.get(currency, 10_00)
        hi = max(value / 0.975, value + CHARGES_ALLOWANCE[currency])
    suffix = [0] * (len(pool) + 1)
    for k in range(len(pool) - 1, -1, -1):
        suffix[k] = suffix[k + 1] + pool[k]
    found = 0
    budget = SEARCH_BUDGET

    def walk(start: int, total: int, size: int) -> bool:
        nonlocal found, budget
        for k in range(start, len(pool)):
            budget -= 1
            if budget <= 0:
                found = limit
                return True
            s = total + pool[k]
            if s > hi:
                continue
            if total + suffix[k] < lo:
                return False
            if s >= lo and _rank(fit(value, s, currency, cross)) <= tier:
                found += 1
                if found >= limit:
                    return True
            if size + 1 < MAX_UNNAMED and walk(k + 1, s, size + 1):
                return True
        return False

    walk(0, 0, 0)
    return found


def describe(r: Rendered) -> tuple[str, set[str]]:
    """The behaviour a line stands for (one kind) and everything else about it (tags)."""
    tags = set(r.tags) - {"noise", "refund"}
    if "noise" in r.tags:
        kind = next(t for t in ("payout", "bank_charge", "interest", "equals_open_amount", "unrelated_credit")
                    if t in r.tags)
        return "noise_" + kind, tags
    if "duplicate" in r.tags:
        return "duplicate", tags
    if "refund" in r.tags:
        return ("refund_of_duplicate" if "refund_of_duplicate" in r.tags else "refund_of_payment"), tags
    pay, line = r.payment, r.line
    readings = {m.reading for m in line.mentions}
    if readings - {"strong"}:
        tags.add("mangled_ref")
    if readings & {"booking", "booking_typo"}:
        tags.add("booking_ref")
    if not line.mentions:
        tags.add("no_ref")
    if pay.named > len(line.mentions):
        tags.add("ref_lost_to_width")
    tags |= pay.tags
    if pay.kind == "batch":
        n = len(pay.parts)
        return ("batch_all_named" if pay.named == n else "batch_none_named" if pay.named == 0
                else "batch_some_named"), tags
    if pay.kind == "single":
        if not line.mentions:
            return "single_no_ref", tags
        return ("single_exact_ref" if readings == {"strong"} else "single_mangled_ref"), tags
    return pay.kind, tags
