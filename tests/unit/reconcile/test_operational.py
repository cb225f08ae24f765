"""The daily run against a seeded operational database, and people's decisions surviving it:
an unmatched transaction comes back without that invoice, a manual remainder is queued."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from tourstack.db.engine import make_engine
from tourstack.db.models import (
    BankStatementLine,
    OutboxMessage,
    ReconciliationDecision,
    ReconciliationException,
    ReconciliationMatch,
)
from tourstack.demo import seed
from tourstack.fx import EcbOfflineSource
from tourstack.reconcile.decisions import Actor, allocate, unmatch
from tourstack.reconcile.operational import load_transactions, run_reconciliation

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('rec') / 'demo.db'}"
    seed(url, 300, seed=7, as_of=AS_OF.isoformat(), progress=False)
    return url


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def demo_copy(demo_url, tmp_path):
    """A private copy of the reconciled demo database, for tests that record decisions."""
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), copy)
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as session, session.begin():
        run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
    yield engine
    engine.dispose()


FINANCE = Actor(role="finance", key_id=1)


def _rerun(engine) -> dict:
    with Session(engine) as session, session.begin():
        return run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)


def _where(session, key: str) -> tuple[list, list]:
    matches = session.execute(select(ReconciliationMatch.invoice_id, ReconciliationMatch.booking_id,
                                     ReconciliationMatch.amount_minor, ReconciliationMatch.origin)
                              .where(ReconciliationMatch.txn_key == key)).all()
    queued = session.execute(select(ReconciliationException.reason, ReconciliationException.amount_minor)
                             .where(ReconciliationException.txn_key == key)).all()
    return matches, queued


def test_daily_run_matches_demo_data_and_counts_every_transaction(demo_url):
    engine = make_engine(demo_url)
    with Session(engine) as session, session.begin():
        summary = run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
    assert summary["transactions"] > 0 and summary["match_rate"] > 0.95
    with Session(engine) as session:
        auto = _count(session, ReconciliationMatch, ReconciliationMatch.origin == "auto")
        assert auto == summary["allocation_rows"]
        assert _count(session, ReconciliationException) == summary["exceptions"]
        # every loaded transaction is in the outputs: matched or queued
        loaded = set(load_transactions(session)["txn_id"].to_list())
        seen = set(session.scalars(select(ReconciliationMatch.txn_key))) | set(
            session.scalars(select(ReconciliationException.txn_key)))
        assert loaded <= seen
        # the run's exceptions are announced to finance, in the run's transaction, once per run
        (told,) = session.scalars(select(OutboxMessage).where(
            OutboxMessage.event_type == "reconciliation.exceptions",
            OutboxMessage.event_key == f"reconciliation-{summary['run_id']}"))
        assert (told.channel, told.recipient) == ("slack", "#finance")
        assert json.loads(told.payload)["facts"]["count"] == summary["exceptions"] > 0
    engine.dispose()


def test_an_unmatched_transaction_returns_on_the_next_run_without_that_invoice(demo_copy):
    with Session(demo_copy) as session, session.begin():
        match = session.scalars(select(ReconciliationMatch).where(
            ReconciliationMatch.origin == "auto", ReconciliationMatch.invoice_id.is_not(None),
            ReconciliationMatch.rule == "invoice_reference").order_by(ReconciliationMatch.id)).first()
        key, invoice_id = match.txn_key, match.invoice_id
        pair_rows = session.scalars(select(ReconciliationMatch.amount_minor).where(
            ReconciliationMatch.txn_key == key, ReconciliationMatch.invoice_id == invoice_id)).all()
        decision = unmatch(session, FINANCE, match.id, note="wrong invoice")
        assert (decision.invoice_id, decision.booking_id) == (invoice_id, match.booking_id)
        # every row of the pair goes at once (one per installment it filled), and the trail says how much
        assert decision.amount_minor == sum(pair_rows)
        assert not session.scalars(select(ReconciliationMatch.id).where(
            ReconciliationMatch.txn_key == key, ReconciliationMatch.invoice_id == invoice_id)).all()
    summary = _rerun(demo_copy)
    with Session(demo_copy) as session:
        matches, queued = _where(session, key)
        assert all(m.invoice_id != invoice_id for m in matches)
        # the transaction is back in the outputs: here its only reference was that invoice, so it
        # is queued with its whole amount
        assert matches or queued
        assert queued and queued[0].reason in ("no_match", "low_confidence", "ambiguous")
        assert summary["manual_transactions"] == 0  # an unmatch does not take the transaction away
        trail = session.scalars(select(ReconciliationDecision).where(ReconciliationDecision.txn_key == key)).all()
        assert [(d.action, d.actor_role, d.note) for d in trail] == [("unmatch", "finance", "wrong invoice")]


def test_a_partly_allocated_manual_match_queues_its_remainder(demo_copy):
    with Session(demo_copy) as session, session.begin():
        match = session.scalars(select(ReconciliationMatch).where(
            ReconciliationMatch.origin == "auto", ReconciliationMatch.txn_key.like("bank:%"),
            ReconciliationMatch.invoice_id.is_not(None), ReconciliationMatch.amount_minor > 1000)
            .order_by(ReconciliationMatch.id)).first()
        key, invoice_id, currency = match.txn_key, match.invoice_id, match.currency
        line = session.get(BankStatementLine, int(key.removeprefix("bank:")))
        assert line.currency == currency
        total = line.amount_minor
        part = total // 3
        allocate(session, FINANCE, key, [(invoice_id, part)], rates=EcbOfflineSource())
    summary = _rerun(demo_copy)
    with Session(demo_copy) as session:
        matches, queued = _where(session, key)
        assert [(m.invoice_id, m.amount_minor, m.origin) for m in matches] == [(invoice_id, part, "manual")]
        assert [(q.reason, q.amount_minor) for q in queued] == [("partly_allocated", total - part)]
        assert summary["manual_transactions"] == 1 and summary["exceptions_by_reason"]["partly_allocated"] == 1


def test_a_legacy_unmatch_without_a_target_holds_the_transaction_in_the_queue(demo_copy):
    with Session(demo_copy) as session, session.begin():
        key = session.scalar(select(ReconciliationMatch.txn_key).where(ReconciliationMatch.origin == "auto")
                             .order_by(ReconciliationMatch.id).limit(1))
        session.execute(insert(ReconciliationDecision), [{
            "action": "unmatch", "txn_key": key, "actor_role": "finance", "actor_key_id": 1,
            "decided_at": dt.datetime.now(dt.UTC)}])
    summary = _rerun(demo_copy)
    with Session(demo_copy) as session:
        matches, queued = _where(session, key)
        assert matches == [] and [q.reason for q in queued] == ["manually_unmatched"]
        assert summary["manual_transactions"] == 1


def test_an_unmatched_payout_line_is_not_matched_to_its_batch_again(demo_copy):
    with Session(demo_copy) as session, session.begin():
        match = session.scalars(select(ReconciliationMatch).where(ReconciliationMatch.rule == "payout_batch")
                                .order_by(ReconciliationMatch.id)).first()
        key, batch_id = match.txn_key, match.settlement_batch_id
        unmatch(session, FINANCE, match.id)
    _rerun(demo_copy)
    with Session(demo_copy) as session:
        matches, queued = _where(session, key)
        assert matches or queued
        assert not session.scalar(select(func.count()).select_from(ReconciliationMatch).where(
            ReconciliationMatch.txn_key == key, ReconciliationMatch.settlement_batch_id == batch_id))


def test_gateway_refunds_follow_the_payment_they_return(demo_url):
    from tourstack.db.models import Refund

    engine = make_engine(demo_url)
    with Session(engine) as session, session.begin():
        run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
        linked = session.execute(select(ReconciliationMatch.txn_key, ReconciliationMatch.invoice_id,
                                        ReconciliationMatch.booking_id, ReconciliationMatch.amount_minor)
                                 .where(ReconciliationMatch.rule.like("refund_of_payment%"))).all()
        assert linked, "the demo's gateway refunds are linked through payments"
        for key, invoice_id, booking_id, amount in linked:
            refund = session.get(Refund, int(key.removeprefix("refund:")))
            paid_to = session.execute(select(ReconciliationMatch.invoice_id, ReconciliationMatch.booking_id)
                                      .where(ReconciliationMatch.txn_key == f"payment:{refund.payment_id}",
                                             ReconciliationMatch.amount_minor > 0)).all()
            assert (invoice_id, booking_id) in paid_to
            assert amount < 0
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


def test_reconciliation_runs_after_the_bank_statement_import_and_settlement_batches():
    from dagster import AssetKey

    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    upstream = graph.get(AssetKey("reconciliation_run")).parent_keys
    expected = {AssetKey("bank_statement_files"), AssetKey("gateway_settlement_batches")}
    assert expected <= upstream
    # real assets of the code location, not placeholders for keys nobody materialises
    assert all(graph.get(key).is_materializable for key in expected)
