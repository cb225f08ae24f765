"""The same seed through DuckDB and through PostgreSQL gives identical marts: row counts and
money totals per mart, compared exactly."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import psycopg
import pytest

from tests.pipeline_helpers import MARTS, failed_checks, isolate_dbt_env, run_pipeline, seed_tiny

pytestmark = [pytest.mark.integration, pytest.mark.postgres, pytest.mark.slow,
              pytest.mark.xdist_group("dbt_postgres")]

MONEY_TYPES = ("DECIMAL", "NUMERIC")


def _money_columns(columns: list[tuple[str, str]]) -> list[str]:
    return [name for name, kind in columns
            if kind.upper().startswith(MONEY_TYPES) and ("amount" in name or name.endswith("_base"))]


def _duckdb_profile(path) -> dict[str, tuple]:
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for mart in MARTS:
            cols = con.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [mart]).fetchall()
            money = _money_columns(cols)
            sums = ", ".join(f"coalesce(sum({c}), 0)" for c in money) or "0"
            out[mart] = tuple(con.execute(f"select count(*), {sums} from marts.{mart}").fetchone())
    return out


def _postgres_profile(url: str) -> dict[str, tuple]:
    out = {}
    with psycopg.connect(url) as conn:
        for mart in MARTS:
            cols = conn.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'marts' and table_name = %s order by ordinal_position",
                [mart]).fetchall()
            money = _money_columns(cols)
            sums = ", ".join(f"coalesce(sum({c}), 0)" for c in money) or "0"
            out[mart] = tuple(conn.execute(f"select count(*), {sums} from marts.{mart}").fetchone())
    return out


def test_duckdb_and_postgres_marts_are_identical(tmp_path, migrated_sqlite_url, make_pg_database,
                                                 monkeypatch):
    isolate_dbt_env(monkeypatch)
    seed_tiny(migrated_sqlite_url)
    _reconcile(migrated_sqlite_url)  # so rpt_reconciliation has matches, payouts and exceptions to compare
    duck = tmp_path / "wh.duckdb"
    pg = make_pg_database("ts_wh")

    on_duckdb = run_pipeline(migrated_sqlite_url, duckdb_path=str(duck), full_refresh=True)
    assert on_duckdb.success and failed_checks(on_duckdb) == []
    on_postgres = run_pipeline(migrated_sqlite_url, postgres_url=pg, full_refresh=True)
    assert on_postgres.success and failed_checks(on_postgres) == []

    duck_profile, pg_profile = _duckdb_profile(duck), _postgres_profile(pg)
    assert set(duck_profile) == set(MARTS)
    for mart in MARTS:
        left = tuple(Decimal(str(v)) if not isinstance(v, int) else v for v in duck_profile[mart])
        right = tuple(Decimal(str(v)) if not isinstance(v, int) else v for v in pg_profile[mart])
        assert left == right, mart
        assert left[0] > 0, mart
    assert _rows(duck, pg, "rpt_reconciliation")
    _analytics_marts_match(duck, pg)


ANALYTICS = ["kpi_bookings", "exec_kpi_daily", "exec_kpi_monthly", "exec_revenue_by_currency_monthly",
             "exec_destination_monthly", "exec_site_revenue_monthly", "sales_funnel_monthly",
             "sales_conversion_monthly", "ops_monthly", "ops_staff_workload", "agent_leaderboard",
             "supplier_scorecard", "customer_lifetime", "customer_acquisition_monthly", "cohort_retention"]


def _analytics_marts_match(duck_path, pg_url: str) -> None:
    """Every row and column of the KPI marts is the same on both warehouses (sorted in Python:
    the two databases collate text differently)."""
    def key(row):
        return tuple((v is None, str(v)) for v in row)

    con = duckdb.connect(str(duck_path), read_only=True)
    try:
        with psycopg.connect(pg_url) as conn:
            for model in ANALYTICS:
                left = sorted(con.execute(f"select * from marts.{model}").fetchall(), key=key)
                right = sorted(conn.execute(f"select * from marts.{model}").fetchall(), key=key)
                assert left, model
                assert left == right, model
    finally:
        con.close()


def _reconcile(url: str) -> None:
    import datetime as dt

    from sqlalchemy.orm import Session

    from tourstack.db.engine import make_engine
    from tourstack.fx import EcbOfflineSource
    from tourstack.reconcile.operational import run_reconciliation

    engine = make_engine(url)
    with Session(engine) as session, session.begin():
        run_reconciliation(session, rates=EcbOfflineSource(), as_of=dt.date(2026, 6, 30))
    engine.dispose()


def _rows(duck_path, pg_url: str, model: str) -> list[tuple]:
    """The model's rows, identical on both warehouses (amounts are integer minor units)."""
    import duckdb
    import psycopg

    sql = f"select * from marts.{model} order by 1"
    con = duckdb.connect(str(duck_path), read_only=True)
    try:
        left = con.execute(sql).fetchall()
    finally:
        con.close()
    with psycopg.connect(pg_url) as conn:
        right = conn.execute(sql).fetchall()
    assert [tuple(map(str, r)) for r in left] == [tuple(map(str, r)) for r in right], model
    return left
