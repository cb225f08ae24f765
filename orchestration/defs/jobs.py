"""The warehouse refresh job and its hourly schedule."""

from __future__ import annotations

from dagster import AssetSelection, ScheduleDefinition, define_asset_job

# Everything but the jobs that write back to the operational DB on their own schedule.
WAREHOUSE_SELECTION = AssetSelection.all() - AssetSelection.groups("finance")

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
