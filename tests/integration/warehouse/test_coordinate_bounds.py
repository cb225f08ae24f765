"""The dbt coordinate test on real catalogue rows: one misplaced site fails, nothing else does.

One `dbt build` of the seed and three staging views over raw tables copied from the seeded
SQLite catalogue, with one site moved to Paris: the destinations and suppliers tests pass on
the demo's rows and the sites test fails on exactly that row. One invocation (several seconds)
is the price of running the real test rather than its SQL by hand.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.unit.itinerary.conftest import seeded_template  # noqa: F401 (fixture)

duckdb = pytest.importorskip("duckdb")
dbt_main = pytest.importorskip("dbt.cli.main")
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("dbt_coordinates")]

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"


def _warehouse(catalogue: str, path: Path) -> None:
    import pandas as pd

    source = sqlite3.connect(catalogue)
    con = duckdb.connect(str(path))
    con.execute("create schema if not exists raw")
    for table in ("destinations", "sites", "suppliers"):
        frame = pd.read_sql(f"select * from {table}", source)
        frame["_extracted_at"] = pd.Timestamp("2026-07-01")
        if table == "sites":
            frame.loc[0, ["latitude", "longitude"]] = [48.8584, 2.2945]  # the Eiffel Tower
        con.register("frame", frame)
        con.execute(f"create or replace table raw.{table} as select * from frame")
        con.unregister("frame")
    con.close()
    source.close()


def _build(path: Path, tmp: Path):
    saved = dict(os.environ)
    os.environ.update(DO_NOT_TRACK="1", TOURSTACK_DUCKDB_PATH=str(path))
    try:
        return dbt_main.dbtRunner().invoke([
            "build", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR), "--target", "duckdb",
            "--target-path", str(tmp / "target"), "--log-path", str(tmp / "logs"), "--quiet",
            "--select", "country_bounds", "stg_destinations", "stg_sites", "stg_suppliers",
        ])
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_a_site_in_the_wrong_country_fails_and_the_rest_of_the_catalogue_passes(seeded_template, tmp_path):
    path = tmp_path / "wh.duckdb"
    _warehouse(seeded_template, path)
    result = _build(path, tmp_path)
    statuses = {r.node.name: str(r.status) for r in result.result}
    failed = {name for name, status in statuses.items() if status in ("fail", "error")}
    assert failed == {"within_country_bounds_stg_sites_latitude"}
    assert statuses["within_country_bounds_stg_destinations_latitude__country_code"] == "pass"
    assert statuses["within_country_bounds_stg_suppliers_latitude"] == "pass"
    failing = next(r for r in result.result if r.node.name == "within_country_bounds_stg_sites_latitude")
    assert failing.failures == 1
