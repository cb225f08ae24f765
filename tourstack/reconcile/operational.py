"""Reconciling the operational database: load, apply people's decisions, match, store.

Why decisions come first: a person who matched, split or unmatched a transaction knows more
than the matcher, so any transaction with a live manual decision is kept out of automatic
matching, and the invoice amounts it (or a write-off) covers are taken off the open amount
before the run. The run then replaces the previous automatic matches and the exception queue
in one transaction; manual rows are never touched. Used by the Dagster asset and the API.

Transactions: bank statement credits (`bank:<id>`), except gateway payouts (their reference is a
settlement batch: they reconcile against settlement_batches, see payouts.py), and succeeded
gateway payments (`payment:<id>`, amount net of the fee, fee in the fee column, the booking ref
in the description as the gateway's metadata carries it) and their succeeded refunds
(`refund:<id>`, negative). Bank debits are supplier and tax payments, not receivables.
Receivables: issued invoices, and bookings with no issued invoice yet; money matched to a
booking with a payment plan is split across its installments (targets.py).
"""

from __future__ import annotations

import datetime as dt
import uuid

import polars as pl
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

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
from tourstack.reconcile.engine import reconcile
from tourstack.reconcile.payouts import match_payouts
from tourstack.reconcile.targets import (
    RECEIVABLE_SCHEMA,
    Target,
    issued_invoice_filter,
    load_booking_receivables,
    split_by_installment,
)

MANUAL_ACTIONS = ("match", "split", "unmatch")
_TXN_SCHEMA = {"txn_id": pl.String, "source": pl.String, "booked_on": pl.Date, "amount": pl.Int64,
               "currency": pl.String, "fee": pl.Int64, "reference": pl.String, "counterparty": pl.String,
               "description": pl.String}


def load_transactions(session: Session, payout_line_ids: set[int] | None = None) -> pl.DataFrame:
    if payout_line_ids is None:
        payouts = {r for (r,) in session.execute(select(SettlementBatch.batch_reference))}
        is_payout = lambda i, ref: (ref or "") in payouts  # noqa: E731
    else:
        is_payout = lambda i, ref: i in payout_line_ids  # noqa: E731
    bank = [(f"bank:{i}", "bank", d, a, c, 0, ref or "", cp or "", desc or "")
            for i, d, a, c, ref, cp, desc in session.execute(select(
                BankStatementLine.id, BankStatementLine.booked_on, BankStatementLine.amount_minor,
                BankStatementLine.currency, BankStatementLine.reference, BankStatementLine.counterparty,
                BankStatementLine.description))
            if a > 0 and not is_payout(i, ref)]
    pay = [(f"payment:{i}", gw, at.date(), amount - fee, cur, fee, gref or "", name or "",
            f"{gw} {method} booking {bref}")
           for i, gw, at, amount, cur, fee, gref, name, method, bref in session.execute(
               select(Payment.id, Payment.gateway, Payment.attempted_at, Payment.amount_minor, Payment.currency,
                      Payment.fee_minor, Payment.gateway_reference, Agency.name, Payment.method, Booking.booking_ref)
               .join(Booking, Booking.id == Payment.booking_id).join(Agency, Agency.id == Booking.agency_id)
               .where(Payment.status == "succeeded", Payment.gateway != "bank_transfer"))]
    refunds = [(f"refund:{i}", gw, at.date(), -amount, cur, 0, rref or "", name or "",
                f"{gw} refund booking {bref}")
               for i, gw, at, amount, cur, rref, name, bref in session.execute(
                   select(Refund.id, Payment.gateway, Refund.refunded_at, Refund.amount_minor, Refund.currency,
                          Refund.gateway_reference, Agency.name, Booking.booking_ref)
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


def _decided(session: Session) -> tuple[set[str], dict[int, int]]:
    """Transactions in human hands, and per invoice the amount people already settled."""
    live = session.execute(select(ReconciliationDecision.action, ReconciliationDecision.txn_key,
                                  ReconciliationDecision.invoice_id, ReconciliationDecision.amount_minor)
                           .where(ReconciliationDecision.revoked_at.is_(None))).all()
    txns = {key for action, key, _, _ in live if action in MANUAL_ACTIONS and key}
    covered: dict[int, int] = {}
    for action, _, invoice_id, amount in live:
        if action == "write_off" and invoice_id:
            covered[invoice_id] = covered.get(invoice_id, 0) + (amount or 0)
    for invoice_id, amount in session.execute(select(ReconciliationMatch.invoice_id, ReconciliationMatch.amount_minor)
                                              .where(ReconciliationMatch.origin == "manual")):
        covered[invoice_id] = covered.get(invoice_id, 0) + amount
    return txns, covered


def run_reconciliation(session: Session, *, rates: RateSource | None, as_of: dt.date | None = None,
                       run_id: str | None = None) -> dict:
    """Replace the automatic matches and the exception queue; returns the run's summary."""
    run_id = run_id or uuid.uuid4().hex
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    payouts = match_payouts(session, as_of=as_of)
    txn = load_transactions(session, payouts.payout_line_ids)
    inv, targets = load_receivables(session)
    manual_txns, covered = _decided(session)
    txn = txn.filter(~pl.col("txn_id").is_in(sorted(manual_txns)))
    if covered:
        by_key = {k: covered.get(t.invoice_id, 0) for k, t in targets.items() if t.invoice_id is not None}
        inv = inv.with_columns((pl.col("amount_due") - pl.col("invoice_number").replace_strict(
            by_key, default=0, return_dtype=pl.Int64)).clip(lower_bound=0).alias("amount_due"))
    result = reconcile(txn, inv, rates=rates, as_of=as_of)
    booked = dict(txn.select("txn_id", "booked_on").iter_rows())
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
    for row in exceptions:
        row.pop("origin")
    if matches:
        session.execute(insert(ReconciliationMatch), matches)
    if exceptions:
        session.execute(insert(ReconciliationException), exceptions)
    session.flush()
    installments = sum(1 for m in matches if m["installment_id"] is not None)
    return {**result.summary, **payouts.summary, "allocation_rows": len(matches),
            "installment_allocations": installments,
            "booking_only_allocations": sum(1 for m in matches if m["invoice_id"] is None and m["booking_id"]),
            "run_id": run_id, "manual_transactions": len(manual_txns)}
