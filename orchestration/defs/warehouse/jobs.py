"""The warehouse refresh job and its hourly schedule."""

from __future__ import annotations

from dagster import AssetSelection

from orchestration.defs.gateway_feeds.assets import gateway_assets
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.scheduling import scheduled_job

# Ingestion (operational tables and gateway feeds) and dbt only: the jobs that write back to the
# operational DB (FX sync, reconciliation, AI batches, payment maintenance, bank file imports)
# run on their own schedules. The dbt models are selected by kind, not by their definition
# object, which exists only once the manifest is loaded (orchestration/defs/dbt/definitions.py).
WAREHOUSE_SELECTION = AssetSelection.assets(*ingest_assets, *gateway_assets) | AssetSelection.kind("dbt")

hourly_warehouse_refresh = scheduled_job(
    "warehouse_refresh",
    selection=WAREHOUSE_SELECTION,
    description="Ingest changed operational rows, check them, then build and test the dbt models.",
    cron="5 * * * *",
)
warehouse_refresh_job = hourly_warehouse_refresh.job
