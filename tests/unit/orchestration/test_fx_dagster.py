"""The fx_rates_sync asset, its job and its 16:30 Berlin schedule."""

from __future__ import annotations

from dagster import materialize

from orchestration.defs.finance import daily_fx_rates_sync, fx_rates_sync, fx_rates_sync_job
from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.services import settings_backed_resources


def _run(url: str):
    return materialize(
        [fx_rates_sync],
        resources={"operational_db": OperationalDatabase(url=url), **settings_backed_resources()},
        run_config={"ops": {"fx_rates_sync": {"config": {"source": "ecb-offline", "lookback_days": 7, "end_date": "2025-03-10"}}}},
    )


def test_asset_syncs_idempotently(migrated_sqlite_url):
    first = _run(migrated_sqlite_url)
    assert first.success
    written = first.asset_materializations_for_node("fx_rates_sync")[0].metadata["rows_written"].value
    assert written > 150
    second = _run(migrated_sqlite_url)
    assert second.asset_materializations_for_node("fx_rates_sync")[0].metadata["rows_written"].value == 0


def test_schedule_runs_after_the_ecb_publishes():
    assert daily_fx_rates_sync.cron_schedule == "30 16 * * *"
    assert daily_fx_rates_sync.execution_timezone == "Europe/Berlin"
    assert daily_fx_rates_sync.job_name == fx_rates_sync_job.name == "fx_rates_sync_job"
    assert fx_rates_sync.group_names_by_key[fx_rates_sync.key] == "finance"
