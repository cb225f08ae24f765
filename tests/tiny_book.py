"""The tiny demo book, built once per test session into each warehouse the tests compare.

A full `dbt build` of the tiny demo is the slowest step of the suite (about a minute on DuckDB,
two on PostgreSQL, on two cores). The modules that only read marts share one build per
warehouse (the `tiny_warehouse` and `pg_tiny_warehouse` fixtures in tests/conftest.py); a module
that changes the data copies the build first (`copy_operational`, a PostgreSQL template clone),
so no module sees another's edits.

The book is the tiny seed reconciled once, so the reconciliation marts and reports have matches,
payouts and exceptions to show.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pipeline_helpers import (
    AS_OF,
    MARTS,
    failed_checks,
    isolate_dbt_env,
    materialized_keys,
    run_pipeline,
    seed_tiny,
)

PROJECT_DIR = Path(__file__).resolve().parents[1] / "dbt_project"


@dataclass(frozen=True)
class TinyWarehouse:
    operational_db: Path  # SQLite file the tiny book was seeded into (do not write to it)
    duckdb_path: Path  # the DuckDB warehouse built from it (do not write to it)
    semantic_manifest: Path  # target/semantic_manifest.json parsed for that warehouse
    as_of: dt.date = AS_OF

    @property
    def operational_url(self) -> str:
        return f"sqlite:///{self.operational_db}"


@dataclass(frozen=True)
class PostgresTinyWarehouse:
    database: str  # name of the PostgreSQL database holding the marts (do not write to it)
    url: str
    semantic_manifest: Path


ACCOUNTING_ONLY_MINOR = 4_321_99  # a payment recorded in QuickBooks that no statement line shows


def seed_tiny_book(url: str) -> None:
    """The tiny seed, reconciled as of the seed's date, with one payment recorded in QuickBooks
    that no statement shows (an `accounting_only` exception, outside the match rate)."""
    from sqlalchemy.orm import Session

    from tourstack.db.engine import make_engine
    from tourstack.db.models import AccountingRemotePayment
    from tourstack.fx import EcbOfflineSource
    from tourstack.reconcile.operational import run_reconciliation

    seed_tiny(url)
    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        session.add(AccountingRemotePayment(provider="quickbooks", remote_id="tiny-1", invoice_ids="[]",
                                            paid_on=AS_OF - dt.timedelta(days=20), currency="INR",
                                            amount_minor=ACCOUNTING_ONLY_MINOR, ours=False, status="active"))
    with Session(engine) as session, session.begin():
        run_reconciliation(session, rates=EcbOfflineSource(), as_of=AS_OF)
    engine.dispose()


def copy_operational(book: TinyWarehouse, into: Path) -> str:
    """A private copy of the book's operational database, for a test that changes rows."""
    shutil.copyfile(book.operational_db, into)
    return f"sqlite:///{into}"


def parse_manifest(target: Path, **env: str) -> Path:
    """`dbt parse` for the warehouse `env` points at; returns its semantic manifest."""
    from dbt.cli.main import dbtRunner

    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        parsed = dbtRunner().invoke([
            "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(target / "target"), "--log-path", str(target / "logs"), "--quiet",
        ])
    assert parsed.success, parsed.exception
    return target / "target" / "semantic_manifest.json"


def build_duckdb_book(tmp: Path) -> TinyWarehouse:
    from tourstack.db.migrate import upgrade

    db = tmp / "operational.db"
    url = f"sqlite:///{db}"
    upgrade(url)
    seed_tiny_book(url)
    path = tmp / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        isolate_dbt_env(mp)
        mp.setenv("DBT_TARGET", "duckdb")
        mp.setenv("TOURSTACK_DUCKDB_PATH", str(path))
        result = run_pipeline(url, duckdb_path=str(path), full_refresh=True)
        assert result.success, failed_checks(result)
        assert failed_checks(result) == []
        assert set(MARTS) <= materialized_keys(result)
        manifest = parse_manifest(tmp)
    return TinyWarehouse(db, path, manifest)


def build_postgres_book(book: TinyWarehouse, admin_url: str, name: str, tmp: Path) -> PostgresTinyWarehouse:
    """The same operational book materialised into a fresh PostgreSQL database `name`."""
    url = f"{admin_url.rpartition('/')[0]}/{name}"
    with pytest.MonkeyPatch.context() as mp:
        isolate_dbt_env(mp)
        result = run_pipeline(book.operational_url, postgres_url=url, full_refresh=True)
        assert result.success, failed_checks(result)
        assert failed_checks(result) == []
        manifest = parse_manifest(tmp, DBT_TARGET="postgres", TOURSTACK_PG_DBNAME=name)
    return PostgresTinyWarehouse(name, url, manifest)
