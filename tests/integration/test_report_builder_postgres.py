"""The same report specs answer identically on the PostgreSQL warehouse and on DuckDB: the tiny
demo is built once into a fresh PostgreSQL database (module scope), the semantic manifest is
parsed for that database, and every example spec is compared row by row, exactly."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest

from tests.e2e.conftest import PROJECT_DIR, tiny_warehouse  # noqa: F401 (the shared DuckDB build)
from tests.pipeline_helpers import AS_OF, failed_checks, isolate_dbt_env, run_pipeline, seed_tiny
from tourstack.reporting import ReportSource, load_spec, run_report

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.xdist_group("dbt_postgres")]

EXAMPLES = Path(__file__).resolve().parents[2] / "reports" / "examples"


@pytest.fixture(scope="module")
def pg_source(pg_admin_url, tmp_path_factory):
    from dbt.cli.main import dbtRunner

    from tourstack.db.migrate import upgrade

    tmp = tmp_path_factory.mktemp("report_pg")
    name = f"ts_reports_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{pg_admin_url.rpartition('/')[0]}/{name}"
    try:
        operational = f"sqlite:///{tmp / 'operational.db'}"
        upgrade(operational)
        seed_tiny(operational)
        with pytest.MonkeyPatch.context() as mp:
            isolate_dbt_env(mp)
            result = run_pipeline(operational, postgres_url=url, full_refresh=True)
            assert result.success, failed_checks(result)
            mp.setenv("DBT_TARGET", "postgres")
            mp.setenv("TOURSTACK_PG_DBNAME", name)
            parsed = dbtRunner().invoke([
                "parse", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
                "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--quiet",
            ])
        assert parsed.success, parsed.exception
        yield ReportSource("postgres", tmp / "target" / "semantic_manifest.json", postgres_url=url)
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_spec_answers_identically_on_postgres_and_duckdb(example, pg_source, tiny_warehouse):  # noqa: F811
    spec = load_spec(EXAMPLES / example)
    duck = ReportSource("duckdb", tiny_warehouse.semantic_manifest, duckdb_path=tiny_warehouse.duckdb_path)
    on_duckdb = run_report(spec, duck, as_of=AS_OF)
    on_postgres = run_report(spec, pg_source, as_of=AS_OF)
    assert [c.name for c in on_postgres.columns] == [c.name for c in on_duckdb.columns]
    assert on_postgres.rows, example
    if spec.sort:  # ordered output: identical order (ties may differ: compare as sets then)
        assert sorted(on_postgres.rows, key=repr) == sorted(on_duckdb.rows, key=repr)
    else:
        assert set(on_postgres.rows) == set(on_duckdb.rows)


def test_a_manifest_for_another_database_is_refused(pg_source, tiny_warehouse):  # noqa: F811
    from tourstack.reporting import SourceError

    wrong = ReportSource("postgres", tiny_warehouse.semantic_manifest, postgres_url=pg_source.postgres_url)
    with pytest.raises(SourceError, match="parsed for database"):
        wrong.layer()
