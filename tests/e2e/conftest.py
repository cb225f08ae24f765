"""One tiny demo warehouse built per test session, shared read-only by the e2e modules that only
read marts (reports, dashboards, e-mails). Building it is the slow part (about a minute on two
cores), so modules that do not change the warehouse should use `tiny_warehouse` instead of
building their own; modules that mutate it must build their own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pipeline_helpers import AS_OF, failed_checks, isolate_dbt_env, run_pipeline, seed_tiny

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


@dataclass(frozen=True)
class TinyWarehouse:
    operational_db: Path  # SQLite file the tiny demo was seeded into
    duckdb_path: Path  # the DuckDB warehouse built from it (do not write to it)
    semantic_manifest: Path  # target/semantic_manifest.json parsed for that warehouse
    as_of: object = AS_OF

    @property
    def operational_url(self) -> str:
        return f"sqlite:///{self.operational_db}"


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> TinyWarehouse:
    from dbt.cli.main import dbtRunner

    from tourstack.db.migrate import upgrade

    tmp = tmp_path_factory.mktemp("tiny_warehouse")
    db = tmp / "operational.db"
    url = f"sqlite:///{db}"
    upgrade(url)
    seed_tiny(url)
    path = tmp / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        isolate_dbt_env(mp)
        mp.setenv("DBT_TARGET", "duckdb")
        mp.setenv("TOURSTACK_DUCKDB_PATH", str(path))
        result = run_pipeline(url, duckdb_path=str(path), full_refresh=True)
        assert result.success, failed_checks(result)
        parsed = dbtRunner().invoke([
            "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--quiet",
        ])
    assert parsed.success, parsed.exception
    return TinyWarehouse(db, path, tmp / "target" / "semantic_manifest.json")


@pytest.fixture(scope="module")
def ops(tiny_warehouse):
    """The tiny demo's operational tables, loaded once per module for independent recomputation."""
    from tests.e2e.analytics.kpi_operational import load

    return load(str(tiny_warehouse.operational_db))


@pytest.fixture(scope="module")
def marts(tiny_warehouse):
    """A read-only DuckDB connection to the shared tiny warehouse."""
    import duckdb

    con = duckdb.connect(str(tiny_warehouse.duckdb_path), read_only=True)
    yield con
    con.close()
