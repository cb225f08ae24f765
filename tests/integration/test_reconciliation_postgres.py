"""The daily reconciliation on a real PostgreSQL operational database, through the Dagster asset
the schedule runs: it matches, splits across installments, checks payouts, keeps a person's
decision, and a second run replaces (never duplicates) its own rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select
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
            key = session.scalar(select(ReconciliationMatch.txn_key)
                                 .where(ReconciliationMatch.invoice_id.is_not(None)).order_by(ReconciliationMatch.id))
            session.execute(insert(ReconciliationDecision), [{
                "action": "unmatch", "txn_key": key, "actor_role": "finance", "actor_key_id": 1,
                "decided_at": dt.datetime.now(dt.UTC)}])
            removed = _count(session, ReconciliationMatch, ReconciliationMatch.txn_key == key)
        second = _materialize(pg_url)
        with Session(engine) as session:
            assert _count(session, ReconciliationMatch, ReconciliationMatch.txn_key == key) == 0
            assert _count(session, ReconciliationMatch) == rows - removed
            assert second["manual_transactions"] == 1
            runs = session.scalars(select(ReconciliationMatch.run_id).distinct()).all()
            assert len(runs) == 1  # the first run's rows were replaced, not kept beside the second's
    finally:
        engine.dispose()
