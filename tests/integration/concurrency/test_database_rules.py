"""The database refuses money rows that break the rules on its own, whatever code writes them:
rows written straight through the ORM (no service, no lock of our own) are refused by name, two
raw writers racing on one payment are decided by the trigger's lock, the limits written into
the triggers are the ones the code uses, and a refusal reaching the API is a 409 problem."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy.exc import IntegrityError

from tests import factories as f
from tests.integration.concurrency.conftest import call
from tests.integration.concurrency.helpers import NOW, bank_line, issued_invoice, payment
from tourstack.db.models import (
    Installment,
    Invoice,
    PaymentPlan,
    ReconciliationDecision,
    ReconciliationMatch,
    Refund,
    SupplierPayout,
    SupplierPayoutItem,
)
from tourstack.db.rules import broken_rule
from tourstack.reconcile.decisions import WRITE_OFF_LIMIT_BPS
from tourstack.reconcile.scoring import FX_TOLERANCE_BPS

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("concurrency_rules")]


def refused(s, rule: str, *rows) -> None:
    """Adding `rows` (or flushing what is pending) is refused by `rule`; the session is rolled
    back."""
    s.add_all(rows)
    with pytest.raises(IntegrityError) as caught:
        s.flush()
    s.rollback()
    assert broken_rule(caught.value) == rule, str(caught.value)


def _refund(payment_id: int, amount: int, status: str = "succeeded") -> Refund:
    return Refund(payment_id=payment_id, gateway="razorpay", amount_minor=amount, currency="INR", reason="x",
                  status=status, gateway_reference="", refunded_at=NOW)


def test_refunds_beyond_the_payment_are_refused(stack):
    with stack.factory() as s:
        pid = payment(s, 1_000_00).id
        s.add(_refund(pid, 600_00))
        s.commit()
        refused(s, "ck_refunds_within_payment", _refund(pid, 400_01, "pending"))
        refused(s, "ck_refunds_amount_not_negative", _refund(pid, -1, "failed"))
        s.add(_refund(pid, 400_00))  # exactly what is left
        s.commit()
        failed = _refund(pid, 100_00, "failed")  # a failed refund holds nothing...
        s.add(failed)
        s.commit()
        failed.status = "pending"  # ...until it is made to count
        refused(s, "ck_refunds_within_payment")


def test_two_raw_writers_on_one_payment_are_decided_by_the_database(stack):
    with stack.factory() as s:
        pid = payment(s, 1_000_00).id
        s.commit()
    first = stack.factory()
    first.add(_refund(pid, 600_00))
    first.flush()  # holds the payment's lock (PostgreSQL) or the write lock (SQLite) until commit
    outcome: dict[str, BaseException | None] = {}

    def second_writer() -> None:
        with stack.factory() as s:
            s.add(_refund(pid, 600_00))
            try:
                s.commit()
                outcome["error"] = None
            except IntegrityError as exc:
                outcome["error"] = exc

    thread = threading.Thread(target=second_writer)
    thread.start()
    first.commit()
    first.close()
    thread.join(timeout=60)
    assert broken_rule(outcome["error"]) == "ck_refunds_within_payment"


def test_a_succeeded_payment_keeps_its_status_and_amount_and_a_capture_is_recorded_once(stack):
    with stack.factory() as s:
        row = payment(s, 1_000_00)
        row.capture_reference = f"pay_capture_{row.id}"
        s.commit()
        row.status = "failed"
        refused(s, "ck_payments_succeeded_is_final")
        row.amount_minor = 999_00
        refused(s, "ck_payments_succeeded_is_final")
        twin = payment(s, 1_000_00, status="pending")
        twin.capture_reference = row.capture_reference
        refused(s, "uq_payments_gateway_capture_reference")


def _manual_match(s, key: str, invoice: Invoice, amount: int, *, txn_amount: int | None = None,
                  txn_currency: str | None = None) -> ReconciliationMatch:
    decision = ReconciliationDecision(action="match", txn_key=key, invoice_id=invoice.id, amount_minor=amount,
                                      currency=invoice.currency, txn_amount_minor=txn_amount,
                                      txn_currency=txn_currency, decided_at=NOW)
    s.add(decision)
    s.flush()
    return ReconciliationMatch(txn_key=key, invoice_id=invoice.id, booking_id=invoice.booking_id, amount_minor=amount,
                               currency=invoice.currency, rule="manual_match", confidence=99, origin="manual",
                               decision_id=decision.id, booked_on=dt.date(2025, 3, 10))


def test_allocations_beyond_the_invoice_or_the_transaction_are_refused(stack):
    with stack.factory() as s:
        invoice = issued_invoice(s, 1_000_00)
        other = issued_invoice(s, 1_000_00)
        key, second_key = bank_line(s, 800_00), bank_line(s, 800_00)
        s.add(_manual_match(s, key, invoice, 800_00))
        s.commit()
        refused(s, "ck_matches_within_invoice", _manual_match(s, second_key, invoice, 200_01))
        refused(s, "ck_matches_within_transaction", _manual_match(s, key, other, 1))
        automatic = ReconciliationMatch(txn_key=second_key, invoice_id=invoice.id, amount_minor=200_01,
                                        currency="EUR", rule="exact", confidence=100, origin="auto",
                                        booked_on=dt.date(2025, 3, 10))
        refused(s, "ck_matches_within_invoice", automatic)


def test_the_fx_tolerance_in_the_database_is_the_matchers(stack):
    """A cross-currency allocation may exceed the transaction by FX_TOLERANCE_BPS of the
    converted amount, not a minor unit more (the same limit the service applies)."""
    with stack.factory() as s:
        invoice = issued_invoice(s, 20_000_00, currency="INR")
        key = bank_line(s, 100_00)  # EUR
        s.commit()
        allowed = 100_00  # the largest equivalent the service accepts (decisions.allocate's formula)
        while (allowed + 1) - 100_00 <= (allowed + 1) * FX_TOLERANCE_BPS // 10_000:
            allowed += 1
        refused(s, "ck_matches_within_transaction",
                _manual_match(s, key, invoice, 9_000_00, txn_amount=allowed + 1, txn_currency="EUR"))
        s.add(_manual_match(s, key, invoice, 9_000_00, txn_amount=allowed, txn_currency="EUR"))
        s.commit()


def _write_off(invoice: Invoice, amount: int) -> ReconciliationDecision:
    return ReconciliationDecision(action="write_off", invoice_id=invoice.id, amount_minor=amount,
                                  currency=invoice.currency, decided_at=NOW)


def test_write_offs_beyond_their_limit_or_the_invoice_are_refused(stack):
    with stack.factory() as s:
        invoice = issued_invoice(s, 1_000_00)
        limit = 1_000_00 * WRITE_OFF_LIMIT_BPS // 10_000
        s.add(_write_off(invoice, limit))
        s.commit()
        refused(s, "ck_write_offs_within_limit", _write_off(invoice, 1))
        full = issued_invoice(s, 1_000_00)
        s.add(_manual_match(s, bank_line(s, 1_000_00), full, 1_000_00))
        s.commit()
        refused(s, "ck_matches_within_invoice", _write_off(full, 1))


def test_credit_notes_beyond_the_invoice_and_renumbering_are_refused(stack):
    with stack.factory() as s:
        invoice = issued_invoice(s, 1_000_00, currency="INR")

        def note(total: int) -> Invoice:
            return Invoice(series="CN", fiscal_year=2025, booking_id=invoice.booking_id, agency_id=invoice.agency_id,
                           currency="INR", subtotal_minor=total, tax_minor=0, total_minor=total, status="issued",
                           kind="credit_note", credited_invoice_id=invoice.id)

        s.add(note(700_00))
        s.commit()
        refused(s, "ck_credit_notes_within_invoice", note(300_01))
        invoice.invoice_number = invoice.invoice_number + "-again"
        refused(s, "ck_invoices_number_is_final")


def test_installments_beyond_their_plan_are_refused(stack):
    with stack.factory() as s:
        booking = f.make_booking(s, total_sell_minor=900_00)
        plan = PaymentPlan(booking_id=booking.id, kind="installments", currency="INR", total_minor=900_00)
        s.add(plan)
        s.flush()

        def installment(seq: int, amount: int) -> Installment:
            return Installment(payment_plan_id=plan.id, sequence=seq, due_on=dt.date(2026, 9, seq), amount_minor=amount,
                               currency="INR", status="pending")

        s.add_all([installment(1, 450_00), installment(2, 450_00)])
        s.commit()
        refused(s, "ck_installments_within_plan", installment(3, 1))
        refused(s, "ck_installments_within_plan", installment(3, -1))


def test_payout_links_beyond_the_cost_are_refused(stack):
    with stack.factory() as s:
        booking = f.make_booking(s)
        item = f.make_booking_item(s, booking, cost_minor=500_00)
        payout = SupplierPayout(supplier_id=item.supplier_id, amount_minor=500_01, currency=item.cost_currency,
                                period_start=dt.date(2026, 5, 1), period_end=dt.date(2026, 5, 31),
                                status="pending_approval")
        s.add(payout)
        s.flush()
        link = {"supplier_payout_id": payout.id, "booking_item_id": item.id, "live_booking_item_id": item.id}
        refused(s, "ck_payout_items_within_cost", SupplierPayoutItem(amount_minor=500_01, **link))
        refused(s, "ck_supplier_payout_items_amount_positive", SupplierPayoutItem(amount_minor=0, **link))


def test_a_refusal_by_the_database_reaches_the_api_as_a_409_problem(stack, monkeypatch):
    """With the service's own check out of the way, the trigger still refuses, cleanly."""
    import tourstack.payments.refunds as refunds

    with stack.factory() as s:
        pid = payment(s, 5_000_00).id
        s.add(_refund(pid, 4_000_00))
        s.commit()
    monkeypatch.setattr(refunds, "refundable_minor", lambda session, p, **kw: p.amount_minor)
    r = call(stack, "POST", f"/api/v1/payments/{pid}/refunds", "finance_a", {"amount": "5000.00", "reason": "x"})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json"), r.text
    assert r.json()["type"] == "/problems/exceeds-remaining" and "ck_refunds_within_payment" in r.json()["detail"]


def test_a_refusal_no_service_translated_is_a_409_problem_not_a_500():
    """The API's last line: an IntegrityError that reaches it is a conflict with what is stored,
    named by its rule, with no SQL in the answer."""
    import asyncio
    import sqlite3

    from starlette.requests import Request

    from api.problems import _integrity_error

    exc = IntegrityError("INSERT INTO refunds ...", {}, sqlite3.IntegrityError(
        "ck_refunds_within_payment: refunds would exceed the payment"))
    request = Request({"type": "http", "method": "POST", "path": "/api/v1/x", "headers": [], "query_string": b""})
    response = asyncio.run(_integrity_error(request, exc))
    assert response.status_code == 409 and response.media_type == "application/problem+json"
    assert b"refunds pending or made never exceed the payment" in response.body and b"INSERT" not in response.body
