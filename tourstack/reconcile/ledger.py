"""The allocation ledger and the small money rules every allocation step shares.

Why a module of its own: allocate.py (one transaction's outcome), batches.py (several invoices
in one payment) and the refund steps all read and write the same two ledgers, `remaining[i]`
per invoice and what each transaction applied, through `_apply`; nothing else changes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tourstack.reconcile.scoring import AUTO_MATCH, FX_TOLERANCE_BPS, SUGGEST  # noqa: F401

DUPLICATE_WINDOW_DAYS = 14
REPEAT_GAP_PERCENT = 3  # what a first payment leaves open for TDS (1-2 %) or wire charges
DOUBLE_CAPTURE_DAYS = 2  # a retried checkout or double click: the same amount again within days
LINKED_STRONG, LINKED_REFERENCE = 99, 95  # confidence of a refund allocated through its link
PREPAY_DAYS = 7
TIE_POINTS = 2  # best candidates this close in confidence are a tie
ROUND_UP = {"INR": 1000_00}  # payers round a balance up to the next thousand rupees (else 10 units)
ROUND_FIGURE = {"INR": 1000_00}
MIN_REST = 100_00  # named invoices plus others: the rest is at least 100 units (else rounding)
MULTI_MIN = 75  # a named invoice (any legible form, not penalised) counts towards a batch
MAX_DAY_BATCH = 10  # invoices issued to one agency on one day tried as a paying subset
CONFIRMED_OVERPAYMENT = 93  # an overpaying reference needs the payer's name to agree as well
CROSS_SETTLE_BPS = 600  # a converted payment within 6 % of the open amount settles it
WIRE_CHARGES = {"USD": 110_00, "EUR": 110_00, "GBP": 110_00, "AED": 400_00, "CHF": 110_00}  # SHA/BEN deductions
RULES = {3: "invoice_reference", 2: "booking_reference", 1: "fuzzy_reference", 0: "amount_date_name",
         4: "partial_reference"}
STRONG = (2, 3)  # a number or booking ref as written (not a typo, not a partial reading)


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
    t_part: list[bool] = field(default_factory=list)  # the remarks say it is a part payment (text.py)
    i_booking: list[str] = field(default_factory=list)  # booking ref per invoice ('' if none)
    t_tail: list[str] = field(default_factory=list)  # digits the narration ends in (cut there?)

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
        self._by_seq: dict[tuple[str, str, str], list[int]] | None = None

    def seq_neighbours(self, i: int) -> list[int]:
        """Invoices of the same series and fiscal year whose sequence number is one keystroke
        (a digit dropped, doubled, mistyped or two transposed) from invoice `i`'s, padding
        dropped: `INV/2025-26/000006` for 000065, `INV/25-26/176` for 001762."""
        if self._by_seq is None:
            self._by_seq = {}
            for k, number in enumerate(self.i_number):
                parts = _SEQ.match(number or "")
                if parts:
                    key = (parts[1], parts[2], parts[3].lstrip("0") or "0")
                    self._by_seq.setdefault(key, []).append(k)
        parts = _SEQ.match(self.i_number[i] or "")
        if not parts:
            return []
        series, year, seq = parts[1], parts[2], parts[3].lstrip("0") or "0"
        out = []
        for variant in _one_edit_digits(seq):
            out += [k for k in self._by_seq.get((series, year, variant), []) if k != i]
        return sorted(set(out))


_SEQ = re.compile(r"^([A-Z]+)[/-](\d{2,4}-\d{2})[/-](\d+)$")


def _one_edit_digits(seq: str) -> set[str]:
    """Every digit string one edit (substitution, insertion, deletion, adjacent transposition)
    from `seq`, leading zeros dropped."""
    digits = "0123456789"
    out = set()
    for k in range(len(seq) + 1):
        out.update(seq[:k] + d + seq[k:] for d in digits)
        if k < len(seq):
            out.add(seq[:k] + seq[k + 1:])
            out.update(seq[:k] + d + seq[k + 1:] for d in digits)
        if k < len(seq) - 1:
            out.add(seq[:k] + seq[k + 1] + seq[k] + seq[k + 2:])
    return {v.lstrip("0") or "0" for v in out if v} - {seq}


def settles_cross(value: int, target: int, currency: str) -> bool:
    """A converted payment meant to settle an invoice does, when its ECB value is within the banks'
    spread (a retail or monthly rate is 0.3-3 % off the mid rate, up to a few % by month end) and
    the correspondent banks' charges of the invoice's value (docs: "International wires")."""
    allowance = WIRE_CHARGES.get(currency, 0)
    return target * (10_000 - CROSS_SETTLE_BPS) - allowance * 10_000 <= value * 10_000 <= target * (
        10_000 + CROSS_SETTLE_BPS)


def is_round(amount: int, currency: str) -> bool:
    """A round figure (INR 1,000s; 50 units elsewhere): typical of deposits and installments."""
    return amount % ROUND_FIGURE.get(currency, 50_00) == 0


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
