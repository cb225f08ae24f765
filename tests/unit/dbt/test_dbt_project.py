"""Static checks of the dbt project: `dbt parse` (no database needed) and the manifest's shape.

Every mart must enforce a contract, document every column with a data type, and be tested.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tourstack.ingest import operational_tables

dbt_main = pytest.importorskip("dbt.cli.main")

PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
MARTS = {
    "dim_agencies", "dim_agents", "dim_customers", "dim_suppliers", "dim_destinations", "dim_sites",
    "dim_dates", "fct_quotes", "fct_bookings", "fct_booking_items", "fct_invoices", "fct_payments",
}
INCREMENTAL = {"fct_bookings": "booking_id", "fct_booking_items": "booking_item_id",
               "fct_invoices": "invoice_id", "fct_payments": "payment_id"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dbt")
    saved = dict(os.environ)
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["TOURSTACK_DUCKDB_PATH"] = str(tmp / "unused.duckdb")
    try:
        result = dbt_main.dbtRunner().invoke([
            "parse",
            "--project-dir", str(PROJECT_DIR),
            "--profiles-dir", str(PROJECT_DIR),
            "--target", "duckdb",
            "--target-path", str(tmp / "target"),
            "--log-path", str(tmp / "logs"),
            "--no-partial-parse",
            "--quiet",
        ])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert result.success, result.exception
    return result.result


def _models(manifest, folder):
    return {
        node.name: node
        for node in manifest.nodes.values()
        if node.resource_type == "model" and node.fqn[1] == folder
    }


def _tested_models(manifest):
    tested = set()
    for node in manifest.nodes.values():
        if node.resource_type == "test":
            tested.update(dep.split(".")[-1] for dep in node.depends_on.nodes if dep.startswith("model."))
    return tested


def test_every_mart_exists_with_contract_descriptions_and_tests(manifest):
    marts = _models(manifest, "marts")
    assert MARTS <= set(marts)
    tested = _tested_models(manifest)
    for name, node in marts.items():
        assert node.contract.enforced, f"{name}: contract not enforced"
        assert node.description.strip(), f"{name}: no description"
        assert node.schema == "marts", f"{name}: schema {node.schema}"
        assert node.columns, f"{name}: no documented columns"
        for column in node.columns.values():
            assert column.description.strip(), f"{name}.{column.name}: no description"
            assert column.data_type, f"{name}.{column.name}: no data_type"
        assert name in tested, f"{name}: no tests"


def test_incremental_facts(manifest):
    marts = _models(manifest, "marts")
    for name, key in INCREMENTAL.items():
        config = marts[name].config
        assert config.materialized == "incremental"
        assert config.unique_key == key
        assert config.incremental_strategy == "delete+insert"
        assert config.on_schema_change in {"append_new_columns", "fail"}


def test_staging_covers_raw_sources_and_is_documented(manifest):
    sources = {s.name: s for s in manifest.sources.values() if s.source_name == "raw"}
    # exactly the tables the ingestion copies into the warehouse's raw schema
    assert set(sources) == {table.name for table in operational_tables()}
    assert all(s.schema == "raw" for s in sources.values())
    staging = _models(manifest, "staging")
    assert {f"stg_{name}" for name in sources} <= set(staging)
    for name, node in staging.items():
        assert node.schema == "staging"
        assert node.config.materialized == "view"
        assert node.description.strip(), name
        for column in node.columns.values():
            assert column.description.strip(), f"{name}.{column.name}"
