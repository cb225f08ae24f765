"""Payments recorded in QuickBooks or Xero reach reconciliation as remittance advice: they name the
invoices of the line they record, are never a second copy of the money, and a record no statement
shows is queued for a person."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.unit.reconcile.test_operational import AS_OF, _rerun, demo_copy, demo_url  # noqa: F401
from tourstack.db.models import (
    AccountingMapping,
    AccountingRemotePayment,
    BankStatementLine,
    Invoice,
    ReconciliationException,
    ReconciliationMatch,
)
from tourstack.reconcile.accounting_records import ACCOUNTING_ONLY, Record, apply_advice
from tourstack.reconcile.operational import _TXN_SCHEMA

DAY = dt.date(2026, 11, 10)


def _txn(*rows) -> pl.DataFrame:
    return pl.DataFrame([(t, "bank", d, a, "INR", fee, "", cp, "NEFT CR", "") for t, d, a, fee, cp in rows],
                        schema=_TXN_SCHEMA, orient="row")


def _record(amount: int, on: dt.date = DAY, numbers=("INV-2026-000101",), agency="Sunrise Holidays Pvt Ltd"):
    return Record("accounting:1", "quickbooks", on, "INR", amount, list(numbers), agency)


def _description(advice, txn_id: str) -> str:
    return advice.transactions.filter(pl.col("txn_id") == txn_id)["description"][0]


def test_the_line_a_record_pairs_with_gains_its_invoice_numbers():
    txn = _txn(("bank:1", DAY, 500_000, 0, "SUNRISE HOLIDAYS"), ("bank:2", DAY, 400_000, 0, "OTHER"))
    advice = apply_advice(txn, [_record(500_000, numbers=("INV-2026-000101", "INV-2026-000102"))], as_of=AS_OF)
    assert _description(advice, "bank:1").endswith("recorded in quickbooks against INV-2026-000101 INV-2026-000102")
    assert _description(advice, "bank:2") == "NEFT CR"
    assert advice.summary["accounting_records_paired"] == 1 and not advice.exceptions


def test_a_gateway_payment_is_compared_with_its_fee_added_back():
    txn = _txn(("payment:7", DAY + dt.timedelta(days=1), 490_000, 10_000, ""))
    advice = apply_advice(txn, [_record(500_000)], as_of=AS_OF)
    assert "INV-2026-000101" in _description(advice, "payment:7")


def test_candidates_narrow_to_the_agency_named_then_to_the_nearest_date():
    txn = _txn(("bank:1", DAY, 500_000, 0, "ACME TOURS"), ("bank:2", DAY, 500_000, 0, "SUNRISE HOLIDAYS PVT"),
               ("bank:3", DAY + dt.timedelta(days=1), 500_000, 0, "SUNRISE HOLIDAYS"))
    advice = apply_advice(txn, [_record(500_000)], as_of=AS_OF)
    assert "INV-2026-000101" in _description(advice, "bank:2")
    assert "INV-2026-000101" not in _description(advice, "bank:1") + _description(advice, "bank:3")


def test_two_lines_alike_in_every_way_are_left_alone():
    txn = _txn(("bank:1", DAY, 500_000, 0, "NEFT"), ("bank:2", DAY, 500_000, 0, "NEFT"))
    advice = apply_advice(txn, [_record(500_000)], as_of=AS_OF)
    assert advice.summary["accounting_records_ambiguous"] == 1
    assert {_description(advice, "bank:1"), _description(advice, "bank:2")} == {"NEFT CR"}
    assert not advice.exceptions  # ambiguous is not missing


def test_one_line_serves_one_record_and_the_window_is_bounded():
    txn = _txn(("bank:1", DAY, 500_000, 0, ""), ("bank:9", DAY + dt.timedelta(days=9), 300_000, 0, ""))
    records = [_record(500_000), _record(500_000, numbers=("INV-2026-000200",)), _record(300_000)]
    advice = apply_advice(txn, records, as_of=AS_OF)
    assert advice.summary["accounting_records_paired"] == 1
    assert [e["reason"] for e in advice.exceptions] == [ACCOUNTING_ONLY, ACCOUNTING_ONLY]
    assert "INV-2026-000200" not in _description(advice, "bank:1")


def test_a_recent_record_without_a_line_is_pending_not_an_exception():
    advice = apply_advice(_txn(), [_record(500_000, on=AS_OF - dt.timedelta(days=1))], as_of=AS_OF)
    assert advice.summary["accounting_records_pending"] == 1 and not advice.exceptions


def test_refunds_are_never_paired():
    txn = pl.DataFrame([("refund:1", "stripe", DAY, 500_000, "INR", 0, "", "", "", "payment:3")],
                       schema=_TXN_SCHEMA, orient="row")
    assert apply_advice(txn, [_record(500_000)], as_of=AS_OF).exceptions


# --- the daily run -----------------------------------------------------------------------------------

def _open_pair(session: Session) -> tuple[Invoice, Invoice]:
    """Two new issued INR invoices of one agency, for amounts no demo transaction carries."""
    template = session.scalars(select(Invoice).where(Invoice.kind == "invoice", Invoice.currency == "INR",
                                                     Invoice.status == "paid").order_by(Invoice.id)).first()
    columns = [c.key for c in Invoice.__mapper__.column_attrs if c.key not in ("id", "created_at", "updated_at")]
    made = []
    for n, total in ((1, 3_417_311), (2, 2_905_517)):
        fields = {c: getattr(template, c) for c in columns}
        fields.update(invoice_number=f"INV-2026-9{n:05d}", series="TST", sequence_number=90_000 + n, status="issued",
                      igst_minor=0, due_on=AS_OF - dt.timedelta(days=15), subtotal_minor=total, tax_minor=0,
                      total_minor=total, issued_on=AS_OF - dt.timedelta(days=30))
        made.append(Invoice(**fields))
    session.add_all(made)
    session.flush()
    return made[0], made[1]


def test_the_daily_run_settles_the_invoices_an_accountant_recorded(demo_copy):
    with Session(demo_copy) as session, session.begin():
        first, second = _open_pair(session)
        total = first.total_minor + second.total_minor
        line = BankStatementLine(bank_account=session.scalar(select(func.min(BankStatementLine.bank_account))),
                                 booked_on=AS_OF - dt.timedelta(days=6), value_on=AS_OF - dt.timedelta(days=6),
                                 amount_minor=total, currency="INR", reference="", counterparty="NEFT CR 88123",
                                 description="NEFT CR 88123")
        session.add(line)
        session.flush()
        key, invoice_ids = f"bank:{line.id}", [first.id, second.id]
        first_total, second_total, agency_id, number = first.total_minor, second.total_minor, first.agency_id, \
            first.invoice_number
    _rerun(demo_copy)
    with Session(demo_copy) as session:
        before = set(session.scalars(select(ReconciliationMatch.invoice_id).where(ReconciliationMatch.txn_key == key)))
    assert not before >= set(invoice_ids)  # a bare line of a sum is no evidence on its own

    with Session(demo_copy) as session, session.begin():
        session.add(AccountingMapping(provider="quickbooks", entity="customer", local_id=agency_id,
                                      remote_id="58", idempotency_key="k-customer-58"))
        session.add(AccountingRemotePayment(provider="quickbooks", remote_id="9001", customer_remote_id="58",
                                            invoice_remote_ids=json.dumps(["301", "302"]),
                                            invoice_ids=json.dumps(invoice_ids), paid_on=AS_OF - dt.timedelta(days=7),
                                            currency="INR", amount_minor=total, ours=False, status="active"))
        # one we pushed ourselves and one recorded there with no statement line: neither is money
        session.add(AccountingRemotePayment(provider="quickbooks", remote_id="9002", invoice_ids="[]",
                                            paid_on=AS_OF - dt.timedelta(days=7), currency="INR",
                                            amount_minor=total, ours=True, status="active"))
        session.add(AccountingRemotePayment(provider="xero", remote_id="pay-x", invoice_ids=json.dumps(invoice_ids[:1]),
                                            paid_on=AS_OF - dt.timedelta(days=20), currency="INR",
                                            amount_minor=123_456_78, ours=False, status="active"))
    summary = _rerun(demo_copy)
    with Session(demo_copy) as session:
        allocated = {i: a for i, a in session.execute(select(ReconciliationMatch.invoice_id,
                                                              ReconciliationMatch.amount_minor)
                                                       .where(ReconciliationMatch.txn_key == key))}
        queued = session.execute(select(ReconciliationException.reason, ReconciliationException.amount_minor,
                                        ReconciliationException.suggestions)
                                 .where(ReconciliationException.reason == ACCOUNTING_ONLY)).all()
    assert allocated == {invoice_ids[0]: first_total, invoice_ids[1]: second_total}
    assert queued == [(ACCOUNTING_ONLY, 123_456_78, number)]
    assert summary["accounting_records"] == 2 and summary["accounting_records_paired"] == 1
    assert summary["exceptions_by_reason"][ACCOUNTING_ONLY] == 1
