"""The same book through DuckDB and through PostgreSQL (the session's tiny book, built once
into each) gives identical marts: row counts and money totals per mart, compared exactly; after
a change to the operational rows, an incremental run gives on both warehouses the incremental
facts a full refresh gives."""

from __future__ import annotations

import shutil
from decimal import Decimal

import duckdb
import psycopg
import pytest

from tests.pipeline_helpers import MARTS, failed_checks, isolate_dbt_env, run_pipeline
from tests.tiny_book import copy_operational

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


def test_duckdb_and_postgres_marts_are_identical(tiny_warehouse, pg_tiny_warehouse):
    duck, pg = tiny_warehouse.duckdb_path, pg_tiny_warehouse.url
    duck_profile, pg_profile = _duckdb_profile(duck), _postgres_profile(pg)
    assert set(duck_profile) == set(MARTS)
    for mart in MARTS:
        left = tuple(Decimal(str(v)) if not isinstance(v, int) else v for v in duck_profile[mart])
        right = tuple(Decimal(str(v)) if not isinstance(v, int) else v for v in pg_profile[mart])
        assert left == right, mart
        assert left[0] > 0, mart
    assert _rows(duck, pg, "rpt_reconciliation")
    _analytics_marts_match(duck, pg)


def test_incremental_runs_give_on_both_warehouses_what_a_full_refresh_gives(
        tiny_warehouse, pg_tiny_warehouse, make_pg_database, tmp_path, monkeypatch):
    """On private copies of the shared builds (the operational file, the DuckDB file and a
    PostgreSQL template clone), so the other modules keep reading the untouched book."""
    isolate_dbt_env(monkeypatch)
    operational = copy_operational(tiny_warehouse, tmp_path / "operational.db")
    duck = tmp_path / "wh.duckdb"
    shutil.copyfile(tiny_warehouse.duckdb_path, duck)
    pg = make_pg_database("ts_wh", template=pg_tiny_warehouse.database)

    changed = _change_booking_rows(operational)
    for kwargs in ({"duckdb_path": str(duck)}, {"postgres_url": pg}):
        incremental = run_pipeline(operational, **kwargs)
        assert incremental.success and failed_checks(incremental) == [], kwargs
    refreshed = tmp_path / "refreshed.duckdb"
    assert run_pipeline(operational, duckdb_path=str(refreshed), full_refresh=True).success
    _incremental_facts_match(duck, pg, refreshed, changed)


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


# incremental fact: (operational table, edit, rows edited); a booking edit must also re-process
# the items, invoices and payments that hang off the booking
EDITS = {
    "fct_bookings": ("bookings", "cancellation_reason = 'changed'", "id % 37 = 0"),
    "fct_booking_items": ("booking_items", "description = 'changed'", "id % 23 = 0"),
    "fct_invoices": ("invoices", "place_of_supply = 'ZZ'", "id % 29 = 0"),
    "fct_payments": ("payments", "failure_code = 'changed'", "id % 31 = 0"),
}
CHANGED_AT = "2026-07-01 12:00:00"  # after the seed's as-of date: later than every loaded row


def _change_booking_rows(url: str) -> dict[str, int]:
    """Apply EDITS to the operational database; returns how many rows each fact should show edited."""
    from sqlalchemy import text

    from tourstack.db.engine import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        changed = {
            fact: conn.execute(text(f"update {table} set {edit}, updated_at = :t where {where}"),
                               {"t": CHANGED_AT}).rowcount
            for fact, (table, edit, where) in EDITS.items()
        }
    engine.dispose()
    assert all(changed.values()), changed
    return changed


def _incremental_facts_match(duck_path, pg_url: str, refreshed_path, changed: dict[str, int]) -> None:
    """Each incremental fact, after the incremental runs, holds on DuckDB and on PostgreSQL
    exactly the rows of a full refresh of the same data, edits included."""
    def key(row):
        return tuple((v is None, str(v)) for v in row)

    def rows(cursor, fact):
        return sorted((tuple(map(str, r)) for r in cursor.execute(f"select * from marts.{fact}").fetchall()),
                      key=key)

    with (duckdb.connect(str(duck_path), read_only=True) as duck,
          duckdb.connect(str(refreshed_path), read_only=True) as full,
          psycopg.connect(pg_url) as pg):
        for fact, (_, edit, _) in EDITS.items():
            expected = rows(full, fact)
            assert expected, fact
            assert rows(duck, fact) == expected, fact
            assert rows(pg, fact) == expected, fact
            edited = f"select count(*) from marts.{fact} where {edit}"
            assert duck.execute(edited).fetchone()[0] == changed[fact], fact
            assert pg.execute(edited).fetchone()[0] == changed[fact], fact


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
