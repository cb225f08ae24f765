"""The warehouse refresh job and its hourly schedule."""

from __future__ import annotations

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

# Everything but the FX sync, which writes to the operational DB on its own daily schedule.
WAREHOUSE_SELECTION = AssetSelection.all() - AssetSelection.assets("fx_rates_sync")

warehouse_refresh_job = define_asset_job(
    name="warehouse_refresh",
    selection=WAREHOUSE_SELECTION,
    description="Ingest changed operational rows, check them, then build and test the dbt models.",
)

hourly_warehouse_refresh = ScheduleDefinition(
    job=warehouse_refresh_job,
    cron_schedule="5 * * * *",
    execution_timezone="UTC",
)
