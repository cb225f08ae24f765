"""The Tourstack Dagster code location: assembles each domain's module under defs/."""

from __future__ import annotations

from dagster import Definitions

from orchestration.defs.dbt.assets import dbt_resource, tourstack_dbt_models
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.jobs import hourly_warehouse_refresh, warehouse_refresh_job
from orchestration.defs.quality.checks import raw_checks
from orchestration.defs.resources import default_resources

defs = Definitions(
    assets=[*ingest_assets, tourstack_dbt_models],
    asset_checks=raw_checks,
    jobs=[warehouse_refresh_job],
    schedules=[hourly_warehouse_refresh],
    resources={**default_resources(), "dbt": dbt_resource()},
)
