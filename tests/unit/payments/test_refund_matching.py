"""Refunds are counted once: a refund whose answer was lost is matched by our key when its
webhook arrives, adopted (not paid again) when it is resent, and a gateway refund id can be
recorded on one row only; bank-transfer refunds are recorded paid by finance."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError

from tests.unit.payments.conftest import NOW, deliver, make_booking
from tourstack.db.models import Payment, Refund
from tourstack.payments import (
    BankAccount,
    Conflict,
    Invalid,
    PaymentInput,
    received_minor,
    record_manual_refund,
    request_refund,
    retry_events,
    take_payment,
)
from tourstack.payments.bank_transfer import BankTransferGateway
from tourstack.payments.refunds import submit_pending_refunds


def _paid(session, router, amount=40_000_00):
    booking = make_booking(session)
    payment = take_payment(session, PaymentInput(booking, f"k-{booking.id}", amount_minor=amount), router,
                           now=NOW).payment
    session.commit()
    return booking, payment


def _refund_event(session, gw, event_id, payment, refund_reference, amount, key=None):
    fields = {"payment_reference": payment.gateway_reference, "refund_reference": refund_reference,
              "amount_minor": amount, "currency": payment.currency}
    if key is not None:
        fields["merchant_refund_key"] = key
    return deliver(session, gw, event_id, "refund.succeeded", **fields)


def test_a_refund_whose_answer_was_lost_is_counted_once(session, router, gateways):
    gw = gateways["razorpay"]
    booking, payment = _paid(session, router)
    gw.refund_outcome = "lost"  # the gateway refunds, but our call times out
    refund = request_refund(session, payment, 5_000_00, "goodwill", requested_by_key_id=1, thresholds={},
                            gateways=gateways, now=NOW)
    session.commit()
    assert (refund.status, refund.gateway_reference) == ("pending", "")
    made = gw.refunded[f"refund-{refund.id}"]

    receipt = _refund_event(session, gw, "evt-r1", payment, made.reference, 5_000_00, key=f"refund-{refund.id}")
    assert receipt.outcome == "processed"
    assert session.query(Refund).count() == 1
    assert (refund.status, refund.gateway_reference, refund.failure_reason) == ("succeeded", made.reference, None)

    gw.refund_outcome = "succeeded"
    assert submit_pending_refunds(session, gateways, now=NOW) == 0  # nothing left to resend
    assert len(gw.refunded) == 1 and session.query(Refund).count() == 1
    assert received_minor(session, booking) == 40_000_00 - 5_000_00


def test_an_event_without_our_key_waits_while_a_refund_is_unanswered(session, router, gateways):
    gw = gateways["razorpay"]
    booking, payment = _paid(session, router)
    gw.refund_outcome = "lost"
    refund = request_refund(session, payment, 5_000_00, "goodwill", requested_by_key_id=1, thresholds={},
                            gateways=gateways, now=NOW)
    session.commit()
    made = gw.refunded[f"refund-{refund.id}"]

    parked = _refund_event(session, gw, "evt-r2", payment, made.reference, 5_000_00)
    assert parked.outcome == "parked" and session.query(Refund).count() == 1

    gw.refund_outcome = "succeeded"
    assert submit_pending_refunds(session, gateways, now=NOW) == 1  # looked up and adopted, not paid again
    assert len(gw.refunded) == 1 and refund.gateway_reference == made.reference
    session.commit()
    assert retry_events(session, gateways=gateways, now=NOW) == {"processed": 1}
    assert session.query(Refund).count() == 1 and refund.status == "succeeded"
    assert received_minor(session, booking) == 35_000_00


def test_an_event_for_a_refund_not_yet_committed_is_parked_not_duplicated(session, router, gateways):
    gw = gateways["razorpay"]
    _, payment = _paid(session, router)
    receipt = _refund_event(session, gw, "evt-r3", payment, "re_early", 1_000_00, key="refund-999")
    assert receipt.outcome == "parked" and "not recorded yet" in receipt.event.last_error
    assert session.query(Refund).count() == 0


def test_a_gateway_refund_id_is_recorded_once(session, router):
    _, payment = _paid(session, router)
    for ref in ("", ""):  # unnamed refunds may be many
        session.add(Refund(payment_id=payment.id, gateway="razorpay", amount_minor=1, currency="INR", reason="x",
                           status="pending", gateway_reference=ref, refunded_at=NOW))
    session.flush()
    session.add(Refund(payment_id=payment.id, gateway="razorpay", amount_minor=1, currency="INR", reason="x",
                       status="succeeded", gateway_reference="rfnd_1", refunded_at=NOW))
    session.flush()
    session.add(Refund(payment_id=payment.id, gateway="razorpay", amount_minor=1, currency="INR", reason="x",
                       status="succeeded", gateway_reference="rfnd_1", refunded_at=NOW))
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_refund_refused_by_the_gateway_fails_and_an_outage_leaves_it_to_resend(session, router, gateways):
    gw = gateways["razorpay"]
    _, payment = _paid(session, router)
    gw.refund_outcome = "declined"
    refused = request_refund(session, payment, 1_000_00, "x", requested_by_key_id=1, thresholds={},
                             gateways=gateways, now=NOW)
    assert refused.status == "failed" and "refund refused" in refused.failure_reason
    gw.refund_outcome = "down"
    waiting = request_refund(session, payment, 1_000_00, "x", requested_by_key_id=1, thresholds={},
                             gateways=gateways, now=NOW)
    assert waiting.status == "pending" and waiting.failure_reason
    assert submit_pending_refunds(session, gateways, now=NOW) == 0  # the look-up fails too: never sent blind
    assert "look-up before resending failed" in waiting.failure_reason and gw.refunded == {}


def _bank_transfer_payment(session):
    booking = make_booking(session)
    payment = Payment(booking_id=booking.id, gateway="bank_transfer", gateway_reference="TSVA1", method="bank_transfer",
                      amount_minor=20_000_00, currency="INR", fee_minor=0, status="succeeded", attempted_at=NOW,
                      capture_reference="bsl-1")
    session.add(payment)
    session.commit()
    return booking, payment


def test_bank_transfer_refund_is_recorded_paid_by_hand(session):
    gateways = {"bank_transfer": BankTransferGateway(BankAccount("Tourstack", "50200012345678"))}
    booking, payment = _bank_transfer_payment(session)
    refund = request_refund(session, payment, 5_000_00, "cancelled", requested_by_key_id=1, thresholds={},
                            gateways=gateways, now=NOW)
    assert (refund.status, refund.gateway_reference) == ("pending", f"manual-refund-{refund.id}")
    assert received_minor(session, booking) == 20_000_00

    with pytest.raises(Invalid):
        record_manual_refund(session, refund, reference="UTR1", paid_on=NOW.date() + dt.timedelta(days=1),
                             recorded_by_key_id=7, now=NOW)
    record_manual_refund(session, refund, reference=" UTR000123 ", paid_on=dt.date(2026, 2, 27),
                         recorded_by_key_id=7, now=NOW)
    assert (refund.status, refund.gateway_reference, refund.paid_out_by_key_id) == ("succeeded", "UTR000123", 7)
    assert refund.refunded_at == dt.datetime(2026, 2, 27, tzinfo=dt.UTC) and refund.paid_out_recorded_at == NOW
    assert received_minor(session, booking) == 15_000_00
    with pytest.raises(Conflict):  # settled once
        record_manual_refund(session, refund, reference="UTR9", paid_on=NOW.date(), recorded_by_key_id=7, now=NOW)

    other = request_refund(session, payment, 1_000_00, "x", requested_by_key_id=1, thresholds={},
                           gateways=gateways, now=NOW)
    with pytest.raises(Conflict, match="already recorded"):  # one bank debit pays one refund
        record_manual_refund(session, other, reference="UTR000123", paid_on=NOW.date(), recorded_by_key_id=7, now=NOW)


def test_only_bank_transfer_refunds_are_recorded_by_hand(session, router, gateways):
    gateways["razorpay"].refund_outcome = "down"
    _, payment = _paid(session, router)
    refund = request_refund(session, payment, 1_000_00, "x", requested_by_key_id=1, thresholds={},
                            gateways=gateways, now=NOW)
    with pytest.raises(Conflict, match="not by hand"):
        record_manual_refund(session, refund, reference="UTR1", paid_on=NOW.date(), recorded_by_key_id=7, now=NOW)
