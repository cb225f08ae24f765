"""Payments an accountant recorded in QuickBooks or Xero, read as remittance advice.

Why not as transactions of their own: a payment recorded there is the same money as a bank
credit (or a gateway payment) we already load. Counting both would settle the invoice twice. What
the record adds is what the bank line often lacks: which invoices the money was for, as the
accountant read it from the payer's remittance advice. So each record (`accounting_remote_payments`,
active, not one we pushed ourselves) is paired with the transaction it records, and that
transaction's description gains the invoice numbers; the matcher then reads them like any other
written reference, with the same amount checks, and never allocates beyond what is open.

Pairing: the same currency and gross amount (an accountant records what the payer paid, so a
gateway payment is compared with its fee added back), booked from `EARLY` days before the
recorded date to `LATE` days after it (the accountant may date the payment when the advice came,
before the credit cleared). Several candidates are narrowed to those whose payer text carries the
agency's name, then to the nearest date; still several is left alone (no guess), counted as
`accounting_records_ambiguous`. A record with no candidate at all, older than `GRACE` days, is
money the books say arrived and no statement shows: it is queued as an `accounting_only`
exception for a person; younger ones are pending (the statement may not be imported yet).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models import Agency, AccountingMapping, AccountingRemotePayment, Invoice

EARLY = dt.timedelta(days=2)
LATE = dt.timedelta(days=5)
GRACE = dt.timedelta(days=3)
ACCOUNTING_ONLY = "accounting_only"


@dataclass
class Record:
    key: str  # accounting:<row id>, the exception's txn_key
    provider: str
    paid_on: dt.date
    currency: str
    amount_minor: int
    invoice_numbers: list[str]
    agency_name: str | None


@dataclass
class Advice:
    """What the records did to a run: the transactions they named, and what they could not pair."""

    transactions: pl.DataFrame
    exceptions: list[dict] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)


def load_records(session: Session) -> list[Record]:
    rows = list(session.scalars(select(AccountingRemotePayment).where(
        AccountingRemotePayment.ours.is_(False), AccountingRemotePayment.status == "active",
        AccountingRemotePayment.paid_on.is_not(None)).order_by(AccountingRemotePayment.paid_on,
                                                              AccountingRemotePayment.id)))
    if not rows:
        return []
    invoice_ids = {i for r in rows for i in json.loads(r.invoice_ids or "[]")}
    numbers = {i: n for i, n in session.execute(select(Invoice.id, Invoice.invoice_number)
                                                .where(Invoice.id.in_(invoice_ids)))} if invoice_ids else {}
    customers = {(p, remote): name for p, remote, name in session.execute(
        select(AccountingMapping.provider, AccountingMapping.remote_id, Agency.name)
        .join(Agency, Agency.id == AccountingMapping.local_id)
        .where(AccountingMapping.entity == "customer", AccountingMapping.remote_id.is_not(None)))}
    return [Record(f"accounting:{r.id}", r.provider, r.paid_on, r.currency, r.amount_minor,
                   [numbers[i] for i in json.loads(r.invoice_ids or "[]") if numbers.get(i)],
                   customers.get((r.provider, r.customer_remote_id))) for r in rows]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _names_agency(payer_text: str, agency: str | None) -> bool:
    wanted = _words(agency or "") - {"pvt", "ltd", "private", "limited", "llp", "inc", "the", "and"}
    return bool(wanted) and wanted <= _words(payer_text)


def apply_advice(txn: pl.DataFrame, records: list[Record], *, as_of: dt.date) -> Advice:
    """Pair each record with the transaction it records and write its invoice numbers into that
    transaction's description; see the module docstring for the rules."""
    summary = {"accounting_records": len(records), "accounting_records_paired": 0,
               "accounting_records_ambiguous": 0, "accounting_records_pending": 0,
               "accounting_records_unpaired": 0}
    if not records:
        return Advice(txn, [], summary)
    pool = txn.filter((pl.col("amount") > 0) & (pl.col("refund_of") == "")).select(
        "txn_id", "booked_on", (pl.col("amount") + pl.col("fee")).alias("gross"), "currency",
        pl.concat_str("counterparty", pl.lit(" "), "reference", pl.lit(" "), "description").alias("payer"))
    by_amount: dict[tuple[int, str], list[tuple[str, dt.date, str]]] = {}
    for txn_id, booked_on, gross, currency, payer in pool.iter_rows():
        by_amount.setdefault((gross, currency), []).append((txn_id, booked_on, payer))
    taken: set[str] = set()
    notes: dict[str, str] = {}
    exceptions = []
    for record in records:
        candidates = [c for c in by_amount.get((record.amount_minor, record.currency), [])
                      if c[0] not in taken and record.paid_on - EARLY <= c[1] <= record.paid_on + LATE]
        if len(candidates) > 1:
            named = [c for c in candidates if _names_agency(c[2], record.agency_name)]
            candidates = named or candidates
        if len(candidates) > 1:
            nearest = min(abs((c[1] - record.paid_on).days) for c in candidates)
            candidates = [c for c in candidates if abs((c[1] - record.paid_on).days) == nearest]
        if len(candidates) == 1:
            taken.add(candidates[0][0])
            summary["accounting_records_paired"] += 1
            if record.invoice_numbers:
                notes[candidates[0][0]] = (f" | recorded in {record.provider} against "
                                           f"{' '.join(record.invoice_numbers)}")
        elif candidates:
            summary["accounting_records_ambiguous"] += 1
        elif as_of - record.paid_on < GRACE:
            summary["accounting_records_pending"] += 1
        else:
            summary["accounting_records_unpaired"] += 1
            exceptions.append({"txn_key": record.key, "reason": ACCOUNTING_ONLY,
                               "suggestions": " ".join(record.invoice_numbers)[:200],
                               "amount_minor": record.amount_minor, "currency": record.currency,
                               "booked_on": record.paid_on, "age_days": (as_of - record.paid_on).days})
    if notes:
        txn = txn.with_columns(pl.concat_str(
            "description", pl.col("txn_id").replace_strict(notes, default="", return_dtype=pl.String))
            .alias("description"))
    return Advice(txn, exceptions, summary)
