"""The whole embedded pipeline: seed -> ingest -> blocking raw checks -> dbt build on DuckDB (the
session's shared tiny book, tests/tiny_book.py, asserts that build materialised every mart with
no failed check), then on a private copy of it an incremental refresh, then a bad row that must
stop the marts."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from sqlalchemy import text

from tests.pipeline_helpers import MARTS, failed_checks, isolate_dbt_env, materialized_keys, run_pipeline
from tests.tiny_book import copy_operational
from tourstack.db.engine import make_engine

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


def _query(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_embedded_pipeline_end_to_end(tmp_path, tiny_warehouse, monkeypatch):
    isolate_dbt_env(monkeypatch)
    migrated_sqlite_url = copy_operational(tiny_warehouse, tmp_path / "operational.db")
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(tiny_warehouse.duckdb_path, warehouse)

    for mart in MARTS:
        assert _query(warehouse, f"select count(*) from marts.{mart}")[0][0] > 0, mart

    engine = make_engine(migrated_sqlite_url)
    with engine.connect() as c:
        live = c.execute(text(
            "select currency, count(*), sum(total_sell_minor) from bookings"
            " where deleted_at is null group by currency order by currency")).fetchall()
    marts = _query(warehouse, "select currency, count(*), sum(total_sell_amount) from marts.fct_bookings"
                              " group by currency order by currency")
    assert [(c, n) for c, n, _ in marts] == [(c, n) for c, n, _ in live]

    # Incremental: change ~1% of bookings and check only they are re-read and the mart follows.
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    with engine.begin() as c:
        changed = c.execute(text(
            "update bookings set cancellation_reason = 'changed', updated_at = :t"
            " where id % 100 = 0 and deleted_at is null"), {"t": later}).rowcount
    second = run_pipeline(migrated_sqlite_url, duckdb_path=str(warehouse))
    assert second.success
    extracted = [
        m.metadata["rows_extracted"].value
        for m in (e.event_specific_data.materialization for e in second.get_asset_materialization_events())
        if m.asset_key.path == ["raw", "bookings"]
    ]
    assert extracted == [changed]
    assert _query(warehouse, "select count(*) from marts.fct_bookings"
                             " where cancellation_reason = 'changed'")[0][0] == changed

    # A row no suite may accept: the blocking check fails and the marts are not rebuilt.
    with engine.begin() as c:
        c.execute(text("update bookings set currency = 'ZZZ', updated_at = :t where id = 1"),
                  {"t": later})
    third = run_pipeline(migrated_sqlite_url, duckdb_path=str(warehouse))
    assert "raw/bookings:great_expectations_suite" in failed_checks(third)
    assert "fct_bookings" not in materialized_keys(third)
    assert _query(warehouse, "select count(*) from marts.fct_bookings where currency = 'ZZZ'")[0][0] == 0
    engine.dispose()
