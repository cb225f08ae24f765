"""Shared steps of the end-to-end pipeline tests: seed, materialise, read the marts."""

from __future__ import annotations

import datetime as dt
import os

from dagster import DagsterInstance

AS_OF = dt.date(2026, 6, 30)
MARTS = [
    "dim_agencies", "dim_agents", "dim_customers", "dim_suppliers", "dim_destinations",
    "dim_sites", "dim_dates", "fct_quotes", "fct_bookings", "fct_booking_items",
    "fct_invoices", "fct_payments",
]
DBT_ENV_KEYS = ["DBT_TARGET", "TOURSTACK_DUCKDB_PATH", "TOURSTACK_PG_HOST", "TOURSTACK_PG_PORT",
                "TOURSTACK_PG_USER", "TOURSTACK_PG_PASSWORD", "TOURSTACK_PG_DBNAME"]


def isolate_dbt_env(monkeypatch) -> None:
    """The warehouse resource exports dbt's env vars; restore them after each test."""
    for key in DBT_ENV_KEYS:
        if key in os.environ:
            monkeypatch.setenv(key, os.environ[key])
        else:  # recorded as unset, so teardown removes what the pipeline exported
            monkeypatch.setenv(key, "")
            monkeypatch.delenv(key)
    monkeypatch.setenv("DO_NOT_TRACK", "1")
    monkeypatch.setenv("GX_ANALYTICS_ENABLED", "false")


def seed_tiny(url: str, seed: int = 11) -> dict[str, int]:
    from tourstack.demo import seed as seed_demo

    return seed_demo(url, "tiny", seed=seed, as_of=AS_OF, progress=False)


def run_pipeline(operational_url: str, *, duckdb_path: str = "", postgres_url: str = "",
                 full_refresh: bool = False):
    from orchestration.defs.resources import OperationalDatabase, WarehouseResource
    from orchestration.run import materialize_platform

    warehouse = (
        WarehouseResource(kind="postgres", postgres_url=postgres_url)
        if postgres_url
        else WarehouseResource(kind="duckdb", duckdb_path=duckdb_path)
    )
    return materialize_platform(
        full_refresh=full_refresh,
        resources={"operational_db": OperationalDatabase(url=operational_url), "warehouse": warehouse},
        instance=DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def materialized_keys(result) -> set[str]:
    return {
        "/".join(event.asset_key.path)
        for event in result.get_asset_materialization_events()
    }


def failed_checks(result) -> list[str]:
    return [
        f"{e.event_specific_data.asset_key.to_user_string()}:{e.event_specific_data.check_name}"
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.event_specific_data.passed
    ]
