"""Gateway payouts on the bank statement matched to their settlement batches.

Why apart from receivables: a payout is the gateway handing over money it already collected for
many bookings (gross captured minus fees, net of refunds), so it pays no invoice; what must be
true is that every settlement batch arrives, in full, on the bank account. A bank credit whose
reference (or description) carries a batch reference is that batch's payout: equal net amount
and currency is a match; a different amount is a `payout_mismatch` exception holding the
difference. A batch with no payout line `PAYOUT_GRACE_DAYS` after its settlement date is a
`payout_missing` exception keyed `batch:<id>`, aged from the settlement date. A (line, batch)
pair a person unmatched is not matched again: the line is then an ordinary bank credit for the
receivables matcher, and the batch waits for another payout line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import BankStatementLine, SettlementBatch

PAYOUT_GRACE_DAYS = 3
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{6,}")


@dataclass
class PayoutResult:
    matches: list[dict] = field(default_factory=list)
    exceptions: list[dict] = field(default_factory=list)
    payout_line_ids: set[int] = field(default_factory=set)  # bank lines that are payouts

    @property
    def summary(self) -> dict:
        reasons = [e["reason"] for e in self.exceptions]
        return {"payouts_matched": len(self.matches), "payouts_mismatched": reasons.count("payout_mismatch"),
                "payouts_missing": reasons.count("payout_missing")}


def match_payouts(session: Session, *, as_of: dt.date, unmatched: set[tuple[int, int]] = frozenset()) -> PayoutResult:
    """`unmatched`: (bank line id, settlement batch id) pairs people undid."""
    batches = {ref: (bid, cur, net, settled) for bid, ref, cur, net, settled in session.execute(
        select(SettlementBatch.id, SettlementBatch.batch_reference, SettlementBatch.currency,
               SettlementBatch.net_minor, SettlementBatch.settled_on))}
    result = PayoutResult()
    arrived: set[int] = set()
    lines = session.execute(select(BankStatementLine.id, BankStatementLine.booked_on, BankStatementLine.amount_minor,
                                   BankStatementLine.currency, BankStatementLine.reference,
                                   BankStatementLine.description)
                            .where(BankStatementLine.amount_minor > 0).order_by(BankStatementLine.id))
    for line_id, booked_on, amount, currency, reference, description in lines:
        ref = _batch_reference(reference or "", description or "", batches)
        if ref is None:
            continue
        batch_id, batch_currency, net, _ = batches[ref]
        if (line_id, batch_id) in unmatched:
            continue
        result.payout_line_ids.add(line_id)
        key = f"bank:{line_id}"
        if batch_id in arrived:
            result.exceptions.append(_exception(key, "duplicate", f"batch {ref} already paid out", amount,
                                                currency, booked_on, as_of))
        elif currency == batch_currency and amount == net:
            arrived.add(batch_id)
            result.matches.append({"txn_key": key, "settlement_batch_id": batch_id, "amount_minor": amount,
                                   "currency": currency, "rule": "payout_batch", "confidence": 99,
                                   "booked_on": booked_on})
        else:
            arrived.add(batch_id)
            diff = amount - net if currency == batch_currency else amount
            result.exceptions.append(_exception(key, "payout_mismatch", f"batch {ref}: expected {net} {batch_currency}",
                                                diff, currency, booked_on, as_of))
    for ref, (batch_id, currency, net, settled) in sorted(batches.items(), key=lambda kv: kv[1][0]):
        if batch_id not in arrived and settled + dt.timedelta(days=PAYOUT_GRACE_DAYS) < as_of:
            result.exceptions.append(_exception(f"batch:{batch_id}", "payout_missing", f"batch {ref} not on the bank statement",
                                                net, currency, settled, as_of))
    return result


def _batch_reference(reference: str, description: str, batches: dict) -> str | None:
    if reference in batches:
        return reference
    for token in _TOKEN.findall(f"{reference} {description}"):
        if token in batches:
            return token
    return None


def _exception(key: str, reason: str, suggestion: str, amount: int, currency: str, booked_on: dt.date,
               as_of: dt.date) -> dict:
    return {"txn_key": key, "reason": reason, "suggestions": suggestion[:200], "amount_minor": amount,
            "currency": currency, "booked_on": booked_on, "age_days": max((as_of - booked_on).days, 0)}
