"""Reconciling the operational database: load, apply people's decisions, match, store.

Why decisions come first: a person who matched, split or unmatched a transaction knows more
than the matcher. A transaction with a live manual allocation (match or split) is kept out of
automatic matching; whatever of it the person did not allocate is queued as a
`partly_allocated` exception, so no money goes missing from the outputs. An unmatch excludes
exactly the pair it undid (the transaction with that invoice, that booking, or that settlement
batch): the matcher may still match the transaction elsewhere, or it is queued like any other.
An unmatch that names no target (rows written before decisions recorded one) holds the whole
transaction for a person (`manually_unmatched`). Manual allocations and write-offs are taken off
the open amounts before the run. The run then replaces the previous automatic matches and the
exception queue in one transaction; manual rows are never touched. Used by the Dagster asset.
Before writing, the run locks the invoices it allocates to (id order, as manual decisions do), so
it never deadlocks with a person's decision; the database refuses an allocation beyond an
invoice's total (migration 0014), so a decision committed while the run was matching fails the
run (it is retried) instead of settling the invoice twice.

Transactions: bank statement credits (`bank:<id>`), except gateway payouts (their reference is a
settlement batch: they reconcile against settlement_batches, see payouts.py), and succeeded
gateway payments (`payment:<id>`, amount net of the fee, fee in the fee column, the booking ref
in the description as the gateway's metadata carries it) and their succeeded refunds
(`refund:<id>`, negative, linked through refunds.payment_id to the payment they return: the
refund follows that payment to its invoice, see refunds.py). Bank debits are supplier and tax
payments, not receivables. Receivables: issued invoices, and bookings with no issued invoice
yet; money matched to a booking with a payment plan is split across its installments
(targets.py). Amounts of the exceptions added here are gross (amount + fee) in the
transaction's currency.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import polars as pl
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from tourstack.db.locking import lock_ids
from tourstack.db.models import (
    Agency,
    BankStatementLine,
    Booking,
    Customer,
    Invoice,
    Payment,
    ReconciliationDecision,
    ReconciliationException,
    ReconciliationMatch,
    Refund,
    SettlementBatch,
)
from tourstack.fx import RateSource
from tourstack.messaging.events import announce_reconciliation
from tourstack.reconcile.accounting_records import apply_advice, load_records
from tourstack.reconcile.engine import reconcile
from tourstack.reconcile.fxrates import FxConverter
from tourstack.reconcile.payouts import match_payouts
from tourstack.reconcile.targets import (
    RECEIVABLE_SCHEMA,
    Target,
    issued_invoice_filter,
    load_booking_receivables,
    split_by_installment,
)

ALLOCATING = ("match", "split")
_TXN_SCHEMA = {"txn_id": pl.String, "source": pl.String, "booked_on": pl.Date, "amount": pl.Int64,
               "currency": pl.String, "fee": pl.Int64, "reference": pl.String, "counterparty": pl.String,
               "description": pl.String, "refund_of": pl.String}


def load_transactions(session: Session, payout_line_ids: set[int] | None = None) -> pl.DataFrame:
    if payout_line_ids is None:
        payouts = {r for (r,) in session.execute(select(SettlementBatch.batch_reference))}
        is_payout = lambda i, ref: (ref or "") in payouts  # noqa: E731
    else:
        is_payout = lambda i, ref: i in payout_line_ids  # noqa: E731
    bank = [(f"bank:{i}", "bank", d, a, c, 0, ref or "", cp or "", desc or "", "")
            for i, d, a, c, ref, cp, desc in session.execute(select(
                BankStatementLine.id, BankStatementLine.booked_on, BankStatementLine.amount_minor,
                BankStatementLine.currency, BankStatementLine.reference, BankStatementLine.counterparty,
                BankStatementLine.description))
            if a > 0 and not is_payout(i, ref)]
    pay = [(f"payment:{i}", gw, at.date(), amount - fee, cur, fee, gref or "", name or "",
            f"{gw} {method} booking {bref}", "")
           for i, gw, at, amount, cur, fee, gref, name, method, bref in session.execute(
               select(Payment.id, Payment.gateway, Payment.attempted_at, Payment.amount_minor, Payment.currency,
                      Payment.fee_minor, Payment.gateway_reference, Agency.name, Payment.method, Booking.booking_ref)
               .join(Booking, Booking.id == Payment.booking_id).join(Agency, Agency.id == Booking.agency_id)
               .where(Payment.status == "succeeded", Payment.gateway != "bank_transfer"))]
    # The refund quotes the gateway's charge (payments.gateway_reference), not the invoice: the
    # payments table says which payment it returns, and so where the money had gone.
    refunds = [(f"refund:{i}", gw, at.date(), -amount, cur, 0, rref or "", name or "",
                f"{gw} refund of {gref or ''} booking {bref}", f"payment:{payment_id}")
               for i, gw, at, amount, cur, rref, name, bref, payment_id, gref in session.execute(
                   select(Refund.id, Payment.gateway, Refund.refunded_at, Refund.amount_minor, Refund.currency,
                          Refund.gateway_reference, Agency.name, Booking.booking_ref, Payment.id,
                          Payment.gateway_reference)
                   .join(Payment, Payment.id == Refund.payment_id).join(Booking, Booking.id == Payment.booking_id)
                   .join(Agency, Agency.id == Booking.agency_id).where(Refund.status == "succeeded"))]
    return pl.DataFrame(bank + pay + refunds, schema=_TXN_SCHEMA, orient="row")


def load_receivables(session: Session) -> tuple[pl.DataFrame, dict[str, Target]]:
    """Issued invoices, then bookings without one; keys map to what a match points at."""
    rows = session.execute(
        select(Invoice.id, Invoice.invoice_number, Booking.booking_ref, Agency.name, Customer.first_name,
               Customer.last_name, Invoice.total_minor, Invoice.currency, Invoice.issued_on, Invoice.due_on,
               Booking.id)
        .join(Booking, Booking.id == Invoice.booking_id).join(Agency, Agency.id == Invoice.agency_id)
        .join(Customer, Customer.id == Booking.customer_id)
        .where(*issued_invoice_filter())).all()
    invoices = pl.DataFrame(
        [(num, bref, agency, f"{first} {last}", total, cur, issued, due or issued)
         for _, num, bref, agency, first, last, total, cur, issued, due, _ in rows],
        schema=RECEIVABLE_SCHEMA, orient="row")
    bookings, booking_targets = load_booking_receivables(session)
    targets = {r[1]: Target(r[0], r[10]) for r in rows} | booking_targets
    return pl.concat([invoices, bookings]), targets


@dataclass
class Decided:
    """People's decisions as the run applies them."""

    allocated: dict[str, list[tuple[int, str, int | None]]] = field(default_factory=dict)  # txn -> parts
    unmatched: list[tuple[str, int | None, int | None]] = field(default_factory=list)  # txn, invoice, booking
    payout_unmatched: set[tuple[int, int]] = field(default_factory=set)  # (bank line id, batch id)
    held: set[str] = field(default_factory=set)
    covered: dict[int, int] = field(default_factory=dict)  # invoice id -> settled by people
    covered_bookings: dict[int, int] = field(default_factory=dict)  # booking id (no invoice) -> ...

    @property
    def manual(self) -> set[str]:
        return set(self.allocated) | self.held


def _decided(session: Session) -> Decided:
    out = Decided()
    live = session.execute(select(
        ReconciliationDecision.action, ReconciliationDecision.txn_key, ReconciliationDecision.invoice_id,
        ReconciliationDecision.booking_id, ReconciliationDecision.settlement_batch_id,
        ReconciliationDecision.amount_minor, ReconciliationDecision.currency,
        ReconciliationDecision.txn_amount_minor, ReconciliationDecision.txn_currency)
        .where(ReconciliationDecision.revoked_at.is_(None))).all()
    for action, key, invoice_id, booking_id, batch_id, amount, currency, txn_amount, txn_currency in live:
        if action in ALLOCATING and key:
            equivalent = txn_amount if txn_currency else None
            out.allocated.setdefault(key, []).append((amount or 0, currency or "", equivalent))
        elif action == "unmatch" and key:
            if batch_id is not None and key.startswith("bank:") and key[5:].isdigit():
                out.payout_unmatched.add((int(key[5:]), batch_id))
            elif invoice_id is None and booking_id is None:
                out.held.add(key)
            else:
                out.unmatched.append((key, invoice_id, booking_id))
        elif action == "write_off" and invoice_id:
            out.covered[invoice_id] = out.covered.get(invoice_id, 0) + (amount or 0)
    for invoice_id, booking_id, amount in session.execute(
            select(ReconciliationMatch.invoice_id, ReconciliationMatch.booking_id, ReconciliationMatch.amount_minor)
            .where(ReconciliationMatch.origin == "manual")):
        if invoice_id is not None:
            out.covered[invoice_id] = out.covered.get(invoice_id, 0) + amount
        elif booking_id is not None:
            out.covered_bookings[booking_id] = out.covered_bookings.get(booking_id, 0) + amount
    return out


def _excluded(decided: Decided, targets: dict[str, Target]) -> pl.DataFrame:
    """(txn_id, receivable key) pairs people unmatched: the invoice itself, or for money unmatched
    from a booking, the booking and every invoice of it."""
    by_invoice: dict[int, list[str]] = {}
    by_booking: dict[int, list[str]] = {}
    for key, target in targets.items():
        if target.invoice_id is not None:
            by_invoice.setdefault(target.invoice_id, []).append(key)
        by_booking.setdefault(target.booking_id, []).append(key)
    pairs = []
    for txn_key, invoice_id, booking_id in decided.unmatched:
        keys = by_invoice.get(invoice_id, []) if invoice_id is not None else by_booking.get(booking_id, [])
        pairs.extend((txn_key, k) for k in keys)
    return pl.DataFrame(pairs, schema={"txn_id": pl.String, "invoice_number": pl.String}, orient="row")


def _human_exceptions(txn: pl.DataFrame, decided: Decided, fx: FxConverter, as_of: dt.date) -> list[dict]:
    """What people hold: the unallocated remainder of a manual allocation, or a held transaction."""
    rows = []
    mine = txn.filter(pl.col("txn_id").is_in(sorted(decided.manual)))
    for key, booked_on, amount, fee, currency in mine.select(
            "txn_id", "booked_on", "amount", "fee", "currency").iter_rows():
        gross = amount + fee
        if key in decided.allocated:
            used = 0
            for part, part_currency, equivalent in decided.allocated[key]:
                if equivalent is None:  # recorded before equivalents were: convert now
                    equivalent = fx.minor(part, part_currency, currency, booked_on) if part_currency else part
                used += equivalent or 0
            left = gross - used
            if left == 0 or (left > 0) != (gross > 0):
                continue  # fully allocated (an FX difference within tolerance is not money left)
            reason = "partly_allocated"
        else:
            left, reason = gross, "manually_unmatched"
        rows.append({"txn_key": key, "reason": reason, "suggestions": "", "amount_minor": left, "currency": currency,
                     "booked_on": booked_on, "age_days": max((as_of - booked_on).days, 0)})
    return rows


def run_reconciliation(session: Session, *, rates: RateSource | None, as_of: dt.date | None = None,
                       run_id: str | None = None) -> dict:
    """Replace the automatic matches and the exception queue; returns the run's summary."""
    run_id = run_id or uuid.uuid4().hex
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    decided = _decided(session)
    payouts = match_payouts(session, as_of=as_of, unmatched=decided.payout_unmatched)
    # payments an accountant recorded in QuickBooks or Xero name the invoices of the line they record
    advice = apply_advice(load_transactions(session, payouts.payout_line_ids), load_records(session), as_of=as_of)
    everything = advice.transactions
    inv, targets = load_receivables(session)
    txn = everything.filter(~pl.col("txn_id").is_in(sorted(decided.manual)))
    if decided.covered or decided.covered_bookings:
        by_key = {k: (decided.covered.get(t.invoice_id, 0) if t.invoice_id is not None
                      else decided.covered_bookings.get(t.booking_id, 0)) for k, t in targets.items()}
        inv = inv.with_columns((pl.col("amount_due") - pl.col("invoice_number").replace_strict(
            by_key, default=0, return_dtype=pl.Int64)).clip(lower_bound=0).alias("amount_due"))
    result = reconcile(txn, inv, rates=rates, as_of=as_of, exclude=_excluded(decided, targets))
    human = _human_exceptions(everything, decided, FxConverter(rates), as_of)
    booked = dict(txn.select("txn_id", "booked_on").iter_rows())
    lock_ids(session, Invoice, (targets[r["invoice_number"]].invoice_id
                                for r in result.matches.select("invoice_number").iter_rows(named=True)))
    session.execute(delete(ReconciliationMatch).where(ReconciliationMatch.origin == "auto"))
    session.execute(delete(ReconciliationException))
    now = dt.datetime.now(dt.UTC)
    stamp = {"origin": "auto", "run_id": run_id, "created_at": now, "updated_at": now}
    matches = [{"txn_key": r["txn_id"], "invoice_id": targets[r["invoice_number"]].invoice_id,
                "booking_id": targets[r["invoice_number"]].booking_id, "installment_id": None,
                "settlement_batch_id": None, "amount_minor": r["amount_applied"], "currency": r["currency"],
                "rule": r["rule"], "confidence": r["confidence"], "booked_on": booked[r["txn_id"]], **stamp}
               for r in result.matches.iter_rows(named=True)]
    matches = split_by_installment(session, matches)
    matches += [{"invoice_id": None, "booking_id": None, "installment_id": None, **m, **stamp}
                for m in payouts.matches]
    exceptions = [{"txn_key": r["txn_id"], "reason": r["reason"], "suggestions": (r["suggestions"] or "")[:200],
                   "amount_minor": r["unallocated"], "currency": r["currency"], "booked_on": r["booked_on"],
                   "age_days": r["age_days"], **stamp}
                  for r in result.exceptions.iter_rows(named=True)]
    exceptions += [{**e, **stamp} for e in payouts.exceptions]
    exceptions += [{**e, **stamp} for e in human]
    exceptions += [{**e, **stamp} for e in advice.exceptions]
    for row in exceptions:
        row.pop("origin")
    if matches:
        session.execute(insert(ReconciliationMatch), matches)
    if exceptions:
        session.execute(insert(ReconciliationException), exceptions)
    session.flush()
    installments = sum(1 for m in matches if m["installment_id"] is not None)
    summary = {**result.summary, **_with_people(result.summary, everything, decided, human + advice.exceptions),
               **payouts.summary,
               **advice.summary,
               "allocation_rows": len(matches), "installment_allocations": installments,
               "booking_only_allocations": sum(1 for m in matches if m["invoice_id"] is None and m["booking_id"]),
               "run_id": run_id, "manual_transactions": len(decided.manual & set(everything["txn_id"].to_list()))}
    announce_reconciliation(session, summary, as_of=as_of)  # in the run's transaction, like its queue
    return summary


def _with_people(summary: dict, everything: pl.DataFrame, decided: Decided, human: list[dict]) -> dict:
    """The run's counts over every transaction, those in people's hands included (once each)."""
    present = set(everything["txn_id"].to_list())
    allocated = len(set(decided.allocated) & present)
    held = len((decided.held - set(decided.allocated)) & present)
    n = summary["transactions"] + allocated + held
    matched = summary["transactions_matched"] + allocated
    reasons = dict(summary["exceptions_by_reason"])
    for row in human:
        reasons[row["reason"]] = reasons.get(row["reason"], 0) + 1
    return {"transactions": n, "transactions_matched": matched,
            "transactions_unmatched": summary["transactions_unmatched"] + held,
            "match_rate": round(matched / n, 6) if n else None,
            "exceptions": summary["exceptions"] + len(human), "exceptions_by_reason": dict(sorted(reasons.items()))}
