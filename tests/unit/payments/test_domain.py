"""Domain services on SQLite with in-process gateways: plans and status propagation,
idempotency, refund approval, disputes, webhook storage and ordering, and the Dagster job."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.payments.conftest import NOW, deliver, make_booking
from tourstack.db.models import Dispute, Payment, WebhookEvent
from tourstack.payments import (
    Conflict,
    Invalid,
    InvalidSignature,
    PaymentInput,
    PlanTerms,
    approve_refund,
    create_plan,
    plan_installments,
    receive,
    request_refund,
    retry_events,
    take_payment,
)

_booking = make_booking


def test_deposit_confirms_and_balance_pays_the_booking(session, router):
    booking = _booking(session)
    plan = create_plan(session, booking, PlanTerms("deposit_balance", deposit_bps=3000, balance_days_before_travel=30),
                       today=NOW.date())
    deposit, balance = plan_installments(session, plan)
    assert (deposit.amount_minor, balance.amount_minor, balance.due_on) == (30_000_00, 70_000_00, dt.date(2026, 8, 2))
    take_payment(session, PaymentInput(booking, "k-part", amount_minor=10_000_00), router, now=NOW)
    assert (booking.status, deposit.status) == ("pending", "partially_paid")
    take_payment(session, PaymentInput(booking, "k-dep"), router, now=NOW)  # the rest of the deposit
    assert (booking.status, deposit.status, balance.status) == ("confirmed", "paid", "pending")
    with pytest.raises(Conflict):  # within the booking, beyond what is left: 409, not 422
        take_payment(session, PaymentInput(booking, "k-over", amount_minor=70_000_01), router, now=NOW)
    with pytest.raises(Invalid):  # beyond what the booking costs: never possible
        take_payment(session, PaymentInput(booking, "k-huge", amount_minor=100_000_01), router, now=NOW)
    take_payment(session, PaymentInput(booking, "k-bal"), router, now=NOW)
    assert (booking.status, balance.status) == ("paid", "paid")
    with pytest.raises(Conflict):
        create_plan(session, booking, PlanTerms("full"), today=NOW.date())


def test_same_idempotency_key_returns_the_same_payment(session, router, gateways):
    booking = _booking(session)
    first = take_payment(session, PaymentInput(booking, "agency1:abc", amount_minor=500_00), router, now=NOW)
    again = take_payment(session, PaymentInput(booking, "agency1:abc", amount_minor=500_00), router, now=NOW)
    assert again.replayed and again.payment.id == first.payment.id
    assert gateways["razorpay"].calls == 1 and session.query(Payment).count() == 1
    other = _booking(session)
    with pytest.raises(Conflict):
        take_payment(session, PaymentInput(other, "agency1:abc"), router, now=NOW)


def test_refund_threshold_approval_and_never_more_than_paid(session, router, gateways):
    booking = _booking(session)
    payment = take_payment(session, PaymentInput(booking, "k1", amount_minor=40_000_00), router, now=NOW).payment
    small = request_refund(session, payment, 1_000_00, "goodwill", requested_by_key_id=1,
                           thresholds={"INR": 5_000_00}, gateways=gateways, now=NOW)
    assert small.status == "succeeded" and not small.approval_required
    big = request_refund(session, payment, None, "cancelled", requested_by_key_id=1,
                         thresholds={"INR": 5_000_00}, gateways=gateways, now=NOW)
    assert (big.status, big.approval_required, big.amount_minor) == ("pending", True, 39_000_00)
    with pytest.raises(Conflict):  # the pending one already holds the rest
        request_refund(session, payment, 1, "x", requested_by_key_id=1, thresholds={}, gateways=gateways)
    with pytest.raises(Invalid):  # more than the payment itself
        request_refund(session, payment, 40_000_01, "x", requested_by_key_id=1, thresholds={}, gateways=gateways)
    with pytest.raises(Conflict):
        approve_refund(session, big, approver_key_id=1, gateways=gateways)
    gateways["razorpay"].outcome = "down"
    approve_refund(session, big, approver_key_id=2, gateways=gateways, now=NOW)
    assert big.status == "pending" and big.gateway_reference == "" and "503" in big.failure_reason
    gateways["razorpay"].outcome = "succeeded"
    from tourstack.payments.refunds import submit_pending_refunds

    assert submit_pending_refunds(session, gateways, now=NOW) == 1
    assert big.status == "succeeded"


_deliver = deliver


def test_webhooks_are_stored_first_idempotent_and_reordered(session, router, gateways):
    gw = gateways["razorpay"]
    booking = _booking(session)
    gw.outcome = "pending"
    payment = take_payment(session, PaymentInput(booking, "k1", amount_minor=20_000_00), router, now=NOW).payment
    session.commit()
    with pytest.raises(InvalidSignature):
        receive(session, gw, b'{"event_id": "x"}', {"x-sig": "forged"}, now=NOW)
    assert session.query(WebhookEvent).count() == 0  # verified before anything is stored

    # a dispute for a payment we do not know yet is parked, not lost
    parked = _deliver(session, gw, "e1", "dispute.opened", payment_reference="unknown", dispute_reference="d1",
                      amount_minor=100, currency="INR", evidence_due_on=None)
    assert parked.outcome == "parked" and parked.event.processed_at is None
    ok = _deliver(session, gw, "e2", "payment.succeeded", payment_reference=payment.gateway_reference)
    assert ok.outcome == "processed" and payment.status == "succeeded" and booking.status == "confirmed"
    assert _deliver(session, gw, "e2", "payment.succeeded", payment_reference=payment.gateway_reference).outcome == "duplicate"
    late = _deliver(session, gw, "e3", "payment.failed", payment_reference=payment.gateway_reference, failure_code="x")
    assert late.outcome == "processed" and payment.status == "succeeded"  # never backwards

    # the parked event becomes applicable once its payment is known under that reference
    parked.event.payload = parked.event.payload.replace("unknown", payment.gateway_reference)
    session.commit()
    assert retry_events(session, gateways=gateways, now=NOW) == {"processed": 1}
    dispute = session.query(Dispute).one()
    assert (dispute.status, dispute.gateway_reference) == ("open", "d1")
    lost = _deliver(session, gw, "e4", "dispute.lost", payment_reference=payment.gateway_reference,
                    dispute_reference="d1", amount_minor=100, currency="INR")
    assert lost.outcome == "processed" and dispute.status == "lost"
    _deliver(session, gw, "e5", "dispute.won", payment_reference=payment.gateway_reference, dispute_reference="d1")
    assert dispute.status == "lost"  # a closed dispute never reopens or flips


def test_dagster_maintenance_job_runs(migrated_sqlite_url, monkeypatch):
    from orchestration.defs.payments import payments_maintenance_job
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.setenv("TOURSTACK_DATABASE_URL", migrated_sqlite_url)
    try:
        result = payments_maintenance_job.execute_in_process(
            resources={"operational_db": OperationalDatabase(url=migrated_sqlite_url), **settings_backed_resources()})
    finally:
        get_settings.cache_clear()
    assert result.success
