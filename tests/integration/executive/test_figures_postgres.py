"""The same figures from a PostgreSQL warehouse as from DuckDB (the SQL runs unchanged on both)."""

from __future__ import annotations

import psycopg
import pytest

from tests.unit.executive.conftest import AS_OF
from reports.executive.checks import read_data_state
from reports.executive.figures import load_figures
from reports.executive.periods import report_periods
from tourstack.warehouse import connect_postgres, query

pytestmark = pytest.mark.postgres
TABLES = ("marts.dim_agents", "marts.kpi_bookings", "marts.exec_kpi_daily", "raw._ingest_state")


def _copy_to_postgres(duck, pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute("create schema marts; create schema raw")
        for table in TABLES:
            cols = duck.execute(f"describe {table}").fetchall()
            pg.execute(f"create table {table} ({', '.join(f'{c[0]} {c[1]}' for c in cols)})".replace("VARCHAR", "text"))
            rows = duck.execute(f"select * from {table}").fetchall()
            if rows:
                marks = ", ".join(["%s"] * len(cols))
                with pg.cursor() as cur:
                    cur.executemany(f"insert into {table} values ({marks})", rows)


@pytest.mark.parametrize("kind", ["daily", "weekly"])
def test_figures_equal_on_duckdb_and_postgres(mini_warehouse, pg_url, kind):
    duck = mini_warehouse.connect()
    try:
        _copy_to_postgres(duck, pg_url)
        expected = load_figures(duck, report_periods(kind, AS_OF), base_currency="INR")
        expected_state = read_data_state(duck, AS_OF, stale_after_hours=36)
    finally:
        duck.close()
    pg = connect_postgres(pg_url)
    try:
        got = load_figures(pg, report_periods(kind, AS_OF), base_currency="INR")
        assert got.current == expected.current and got.comparisons == expected.comparisons
        assert got.to_date == expected.to_date and got.trend == expected.trend
        assert got.top_destinations == expected.top_destinations and got.top_agents == expected.top_agents
        assert read_data_state(pg, AS_OF, stale_after_hours=36) == expected_state
        pg.execute("drop table raw._ingest_state")
        state = read_data_state(pg, AS_OF, stale_after_hours=36)  # no ingest table: still answers
        assert state.last_ingest_at is None and state.newest_booking_at == expected_state.newest_booking_at
        assert query(pg, "select 1")[0][0] == 1  # the connection is usable after the failed query
    finally:
        pg.close()
