"""The warehouse refresh job and its hourly schedule."""

from __future__ import annotations

from dagster import AssetSelection, DefaultScheduleStatus, ScheduleDefinition, define_asset_job

from orchestration.defs.dbt.assets import tourstack_dbt_models
from orchestration.defs.gateways import gateway_assets
from orchestration.defs.ingest.assets import ingest_assets

# Ingestion (operational tables and gateway feeds) and dbt only: the jobs that write back to the
# operational DB (FX sync, reconciliation, AI batches, payment maintenance, bank file imports)
# run on their own schedules.
WAREHOUSE_SELECTION = AssetSelection.assets(*ingest_assets, *gateway_assets, tourstack_dbt_models)

warehouse_refresh_job = define_asset_job(
    name="warehouse_refresh",
    selection=WAREHOUSE_SELECTION,
    description="Ingest changed operational rows, check them, then build and test the dbt models.",
)

hourly_warehouse_refresh = ScheduleDefinition(
    job=warehouse_refresh_job,
    cron_schedule="5 * * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
)
