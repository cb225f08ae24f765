"""The daily reconciliation on a real PostgreSQL operational database, through the Dagster asset
the schedule runs: it matches, splits across installments, checks payouts, keeps a person's
unmatch (the pair stays undone, the transaction comes back queued), and a second run replaces
(never duplicates) its own rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.engine import make_engine
from tourstack.db.models import (
    Installment,
    ReconciliationDecision,
    ReconciliationException,
    ReconciliationMatch,
    SettlementBatch,
)
from tourstack.demo import seed
from tourstack.reconcile.decisions import Actor, unmatch

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

AS_OF = dt.date(2026, 11, 25)


def _materialize(url: str):
    from dagster import materialize

    from orchestration.defs.reconcile import reconciliation_run
    from orchestration.defs.resources import OperationalDatabase

    result = materialize([reconciliation_run], resources={"operational_db": OperationalDatabase(url=url)},
                         run_config={"ops": {"reconciliation_run": {"config": {"as_of": AS_OF.isoformat()}}}})
    assert result.success
    (mat,) = result.asset_materializations_for_node("reconciliation_run")
    return {k: v.value for k, v in mat.metadata.items()}


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_daily_reconciliation_asset_on_postgres(pg_url):
    seed(pg_url, "tiny", seed=5, as_of=AS_OF.isoformat(), progress=False)
    first = _materialize(pg_url)
    assert first["transactions"] > 0 and first["match_rate"] > 0.95
    engine = make_engine(pg_url)
    try:
        with Session(engine) as session, session.begin():
            rows = _count(session, ReconciliationMatch)
            batches = _count(session, SettlementBatch)
            payouts = _count(session, ReconciliationMatch, ReconciliationMatch.rule == "payout_batch")
            missing = _count(session, ReconciliationException, ReconciliationException.reason == "payout_missing")
            assert payouts > 0 and payouts + missing <= batches
            over = session.execute(
                select(Installment.id).join(ReconciliationMatch, ReconciliationMatch.installment_id == Installment.id)
                .group_by(Installment.id, Installment.amount_minor)
                .having(func.sum(ReconciliationMatch.amount_minor) > Installment.amount_minor)).all()
            assert over == []
            assert _count(session, ReconciliationMatch, ReconciliationMatch.installment_id.is_not(None)) > 0
            match = session.scalars(select(ReconciliationMatch).where(
                ReconciliationMatch.origin == "auto", ReconciliationMatch.invoice_id.is_not(None),
                ReconciliationMatch.rule == "invoice_reference").order_by(ReconciliationMatch.id)).first()
            key, invoice_id = match.txn_key, match.invoice_id
            removed = _count(session, ReconciliationMatch, ReconciliationMatch.txn_key == key)
            unmatch(session, Actor(role="finance", key_id=1), match.id, note="not this invoice")
        second = _materialize(pg_url)
        with Session(engine) as session:
            # the pair stays undone, and the transaction is back in the outputs (queued here)
            assert _count(session, ReconciliationMatch, ReconciliationMatch.txn_key == key,
                          ReconciliationMatch.invoice_id == invoice_id) == 0
            assert _count(session, ReconciliationException, ReconciliationException.txn_key == key) == 1
            assert _count(session, ReconciliationMatch) == rows - removed
            assert second["manual_transactions"] == 0
            (decision,) = session.scalars(select(ReconciliationDecision)
                                          .where(ReconciliationDecision.txn_key == key)).all()
            assert (decision.action, decision.invoice_id, decision.note) == ("unmatch", invoice_id, "not this invoice")
            runs = session.scalars(select(ReconciliationMatch.run_id).distinct()
                                   .where(ReconciliationMatch.origin == "auto")).all()
            assert len(runs) == 1  # the first run's rows were replaced, not kept beside the second's
    finally:
        engine.dispose()
