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
    assert summary["transactions"] > 0 and summary["match_rate"] > 0.8  # the rest pay bookings not yet invoiced
    with Session(engine) as session, session.begin():
        auto = _count(session, ReconciliationMatch, ReconciliationMatch.origin == "auto")
        assert auto == summary["allocations"]
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
