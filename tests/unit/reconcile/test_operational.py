"""The daily run against a seeded operational database, and decisions surviving it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tourstack.db.engine import make_engine
from tourstack.db.models import ReconciliationDecision, ReconciliationException, ReconciliationMatch
from tourstack.demo import seed
from tourstack.fx import EcbOfflineSource
from tourstack.reconcile.operational import run_reconciliation

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('rec') / 'demo.db'}"
    seed(url, 300, seed=7, as_of=AS_OF.isoformat(), progress=False)
    return url


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_daily_run_matches_demo_data_and_keeps_manual_decisions(demo_url):
    engine = make_engine(demo_url)
    with Session(engine) as session, session.begin():
        summary = run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
    assert summary["transactions"] > 0 and summary["match_rate"] > 0.95
    with Session(engine) as session, session.begin():
        auto = _count(session, ReconciliationMatch, ReconciliationMatch.origin == "auto")
        assert auto == summary["allocation_rows"]
        assert _count(session, ReconciliationException) == summary["exceptions"]
        # A person unmatches one automatically matched transaction ...
        key = session.scalar(select(ReconciliationMatch.txn_key).limit(1))
        session.execute(insert(ReconciliationDecision), [{
            "action": "unmatch", "txn_key": key, "actor_role": "finance", "actor_key_id": 1,
            "decided_at": dt.datetime.now(dt.UTC)}])
    with Session(engine) as session, session.begin():
        again = run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
        # ... and the next run leaves it alone.
        assert _count(session, ReconciliationMatch, ReconciliationMatch.txn_key == key) == 0
        assert again["manual_transactions"] == 1
    engine.dispose()


def test_dagster_asset_materialises_and_schedule_is_daily(demo_url):
    from dagster import materialize

    from orchestration.defs.reconcile import daily_reconciliation, reconciliation_job, reconciliation_run
    from orchestration.defs.resources import OperationalDatabase

    result = materialize([reconciliation_run], resources={"operational_db": OperationalDatabase(url=demo_url)},
                         run_config={"ops": {"reconciliation_run": {"config": {"as_of": AS_OF.isoformat()}}}})
    assert result.success
    (mat,) = result.asset_materializations_for_node("reconciliation_run")
    assert mat.metadata["transactions"].value > 0
    assert daily_reconciliation.cron_schedule == "0 6 * * *"
    assert daily_reconciliation.job_name == reconciliation_job.name


# --- targets beyond invoices: bookings not invoiced yet, installments, settlement batches ------


def test_money_for_bookings_without_an_issued_invoice_matches_the_booking(demo_url):
    from tourstack.db.models import Booking, Invoice

    engine = make_engine(demo_url)
    with Session(engine) as session, session.begin():
        summary = run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
        assert summary["booking_only_allocations"] > 0
        rows = session.execute(select(ReconciliationMatch.booking_id, ReconciliationMatch.currency)
                               .where(ReconciliationMatch.invoice_id.is_(None),
                                      ReconciliationMatch.settlement_batch_id.is_(None))).all()
        assert rows and all(booking_id is not None for booking_id, _ in rows)
        for booking_id, currency in rows[:20]:
            booking = session.get(Booking, booking_id)
            assert booking.currency == currency
            issued = session.scalar(select(func.count()).select_from(Invoice).where(
                Invoice.booking_id == booking_id, Invoice.kind == "invoice", Invoice.invoice_number.is_not(None),
                Invoice.status.not_in(("draft", "void", "pending_approval", "approved"))))
            assert issued == 0
        # every invoice match also names the invoice's booking
        assert _count(session, ReconciliationMatch, ReconciliationMatch.invoice_id.is_not(None),
                      ReconciliationMatch.booking_id.is_(None)) == 0
    engine.dispose()


def test_matched_money_fills_installments_in_sequence_without_overfilling(demo_url):
    from tourstack.db.models import Installment

    engine = make_engine(demo_url)
    with Session(engine) as session, session.begin():
        summary = run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
        assert summary["installment_allocations"] > 0
        filled = dict(session.execute(
            select(ReconciliationMatch.installment_id, func.sum(ReconciliationMatch.amount_minor))
            .where(ReconciliationMatch.installment_id.is_not(None))
            .group_by(ReconciliationMatch.installment_id)).all())
        installments = {i.id: i for i in session.scalars(select(Installment).where(Installment.id.in_(filled)))}
        for inst_id, amount in filled.items():
            assert 0 < amount <= installments[inst_id].amount_minor
        # waterfall: an installment only receives money once every earlier one is full
        by_plan: dict[int, list] = {}
        for inst in installments.values():
            by_plan.setdefault(inst.payment_plan_id, []).append(inst)
        for plan_installments in by_plan.values():
            ordered = sorted(plan_installments, key=lambda i: i.sequence)
            for earlier, later in zip(ordered, ordered[1:]):
                if later.sequence == earlier.sequence + 1:
                    assert filled[earlier.id] == earlier.amount_minor
        # splitting never changes what a transaction was matched for
        per_txn = dict(session.execute(select(ReconciliationMatch.txn_key, func.sum(ReconciliationMatch.amount_minor))
                                       .where(ReconciliationMatch.origin == "auto")
                                       .group_by(ReconciliationMatch.txn_key)).all())
        assert sum(1 for v in per_txn.values() if v == 0) == 0
    engine.dispose()


def test_payout_lines_match_their_settlement_batches_and_gaps_are_queued(demo_url, tmp_path):
    import shutil

    from sqlalchemy import update

    from tourstack.db.models import BankStatementLine, SettlementBatch

    copy = tmp_path / "payouts.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as session, session.begin():
        summary = run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
        batches = _count(session, SettlementBatch)
        assert summary["payouts_matched"] > 0
        assert summary["payouts_matched"] + summary["payouts_missing"] + summary["payouts_mismatched"] == batches
        matched = session.execute(select(ReconciliationMatch.settlement_batch_id, ReconciliationMatch.amount_minor)
                                  .where(ReconciliationMatch.rule == "payout_batch")).all()
        for batch_id, amount in matched[:20]:
            assert session.get(SettlementBatch, batch_id).net_minor == amount
        # one payout arrives short, another never arrives
        short, gone = session.execute(select(SettlementBatch.id, SettlementBatch.batch_reference,
                                             SettlementBatch.net_minor, SettlementBatch.settled_on)
                                      .order_by(SettlementBatch.id).limit(2)).all()
        session.execute(update(BankStatementLine).where(BankStatementLine.reference == short.batch_reference)
                        .values(amount_minor=short.net_minor - 150))
        session.execute(update(BankStatementLine).where(BankStatementLine.reference == gone.batch_reference)
                        .values(reference="", description="unrelated credit"))
    with Session(engine) as session, session.begin():
        again = run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
        assert again["payouts_mismatched"] == 1 and again["payouts_missing"] == 1
        mismatch = session.scalar(select(ReconciliationException).where(ReconciliationException.reason == "payout_mismatch"))
        assert mismatch.amount_minor == -150 and short.batch_reference in mismatch.suggestions
        missing = session.scalar(select(ReconciliationException).where(ReconciliationException.reason == "payout_missing"))
        assert missing.txn_key == f"batch:{gone.id}" and missing.amount_minor == gone.net_minor
        assert missing.age_days == (AS_OF - gone.settled_on).days
    engine.dispose()
