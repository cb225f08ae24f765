"""Taking a payment: never more than is owed counting checkouts in progress, an idempotency key
replayed with other parameters is refused, a declined attempt keeps the gateway's id, and
invoices follow the money - also money that arrived before the invoice was issued."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.payments.conftest import NOW, deliver, make_booking
from tourstack.db.models import BankStatementLine, Invoice, Payment
from tourstack.payments import (
    IdempotencyKeyReused,
    PaymentInProgress,
    PaymentInput,
    match_bank_lines,
    take_payment,
)
from tourstack.payments.invoice_link import apply_unapplied_payments
from tourstack.payments.service import PENDING_HOLD


def test_a_checkout_in_progress_holds_its_amount(session, router, gateways):
    gateways["razorpay"].outcome = "pending"  # the payer is in Razorpay Checkout
    booking = make_booking(session, total_sell_minor=50_000_00)
    first = take_payment(session, PaymentInput(booking, "k-a"), router, now=NOW).payment
    assert (first.status, first.amount_minor) == ("pending", 50_000_00)
    with pytest.raises(PaymentInProgress, match=f"payment {first.id}"):
        take_payment(session, PaymentInput(booking, "k-b"), router, now=NOW + dt.timedelta(minutes=5))
    with pytest.raises(PaymentInProgress):
        take_payment(session, PaymentInput(booking, "k-c", amount_minor=1_00), router, now=NOW)
    assert session.query(Payment).count() == 1 and gateways["razorpay"].calls == 1
    # the same request replayed is not a second payment: it continues the first
    assert take_payment(session, PaymentInput(booking, "k-a"), router, now=NOW).payment.id == first.id
    # an abandoned checkout stops holding the amount after PENDING_HOLD
    later = take_payment(session, PaymentInput(booking, "k-d"), router, now=NOW + PENDING_HOLD + dt.timedelta(seconds=1))
    assert later.payment.amount_minor == 50_000_00


def test_a_partial_checkout_leaves_the_rest_payable(session, router, gateways):
    gateways["razorpay"].outcome = "pending"
    booking = make_booking(session, total_sell_minor=50_000_00)
    take_payment(session, PaymentInput(booking, "k-a", amount_minor=20_000_00), router, now=NOW)
    rest = take_payment(session, PaymentInput(booking, "k-b", amount_minor=30_000_00), router, now=NOW)
    assert rest.payment.amount_minor == 30_000_00


def test_a_key_replayed_with_other_parameters_is_refused(session, router, gateways):
    booking = make_booking(session)
    first = take_payment(session, PaymentInput(booking, "agency1:k", amount_minor=500_00), router, now=NOW)
    with pytest.raises(IdempotencyKeyReused, match=f"payment {first.payment.id}"):
        take_payment(session, PaymentInput(booking, "agency1:k", amount_minor=900_00), router, now=NOW)
    with pytest.raises(IdempotencyKeyReused):
        take_payment(session, PaymentInput(booking, "agency1:k", amount_minor=500_00, gateway="paypal"), router, now=NOW)
    again = take_payment(session, PaymentInput(booking, "agency1:k", amount_minor=500_00), router, now=NOW)
    assert again.replayed and again.payment.id == first.payment.id
    assert gateways["razorpay"].calls == 1


def test_a_declined_attempt_keeps_the_gateways_id_so_its_events_find_it(session, router, gateways):
    gw = gateways["razorpay"]
    gw.outcome = "declined"
    booking = make_booking(session)
    payment = take_payment(session, PaymentInput(booking, "k-d", amount_minor=500_00), router, now=NOW).payment
    session.commit()
    assert payment.status == "failed" and payment.gateway_reference.startswith("razorpay_declined_")
    receipt = deliver(session, gw, "evt-f", "payment.failed", payment_reference=payment.gateway_reference,
                      failure_code="card_declined")
    assert receipt.outcome == "processed"  # not parked for want of a payment


def _invoice(session, booking, total_minor, status="issued"):
    invoice = Invoice(series="INV", fiscal_year=2025, booking_id=booking.id, agency_id=booking.agency_id,
                      currency=booking.currency, subtotal_minor=total_minor, tax_minor=0, total_minor=total_minor,
                      status=status, kind="invoice", issued_on=NOW.date())
    session.add(invoice)
    session.commit()
    return invoice


def _bank_line(session, booking, amount_minor, n):
    session.add(BankStatementLine(bank_account="50200012345678", booked_on=NOW.date(), value_on=NOW.date(),
                                  amount_minor=amount_minor, currency=booking.currency,
                                  reference=f"NEFT TSVA{booking.booking_ref} {n}"))
    session.commit()


def test_bank_transfers_move_an_issued_invoice_to_partially_paid_then_paid(session):
    booking = make_booking(session, total_sell_minor=30_000_00)
    invoice = _invoice(session, booking, 30_000_00)
    _bank_line(session, booking, 10_000_00, 1)
    assert match_bank_lines(session, now=NOW) == 1
    assert invoice.status == "partially_paid"
    _bank_line(session, booking, 20_000_00, 2)
    assert match_bank_lines(session, now=NOW) == 1
    assert invoice.status == "paid"
    assert {p.invoice_id for p in session.query(Payment)} == {invoice.id}


def test_money_received_before_the_invoice_counts_once_it_is_issued(session, router):
    booking = make_booking(session, total_sell_minor=30_000_00)
    take_payment(session, PaymentInput(booking, "k-dep", amount_minor=30_000_00), router, now=NOW)
    session.commit()
    draft = _invoice(session, booking, 30_000_00, status="approved")
    assert apply_unapplied_payments(session, now=NOW) == 0  # not issued: nothing applies yet
    draft.status = "issued"  # issued outside the API (the API applies payments at issue itself)
    session.commit()
    assert apply_unapplied_payments(session, now=NOW) == 1
    assert draft.status == "paid" and session.query(Payment).one().invoice_id == draft.id
    assert apply_unapplied_payments(session, now=NOW) == 0
