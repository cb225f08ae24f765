"""When the dashboards are rebuilt: after every successful warehouse refresh, and on demand.

Why a run-status sensor rather than a schedule: the pages should change exactly when the marts
do; the refresh job stays ingest + dbt only (its selection is explicit), and a failed refresh
leaves the previous pages in place.
"""

from __future__ import annotations

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunRequest,
    define_asset_job,
    run_status_sensor,
)

from orchestration.defs.dashboards.assets import dashboards
from orchestration.defs.warehouse.jobs import warehouse_refresh_job

dashboards_job = define_asset_job(
    name="dashboards_refresh", selection=[dashboards],
    description="Rewrite the six analytics dashboards from the marts.",
)


@run_status_sensor(
    run_status=DagsterRunStatus.SUCCESS,
    monitored_jobs=[warehouse_refresh_job],
    request_job=dashboards_job,
    description="Rebuild the dashboards after each successful warehouse refresh.",
    default_status=DefaultSensorStatus.RUNNING,
)
def dashboards_after_refresh(context):
    return RunRequest(run_key=context.dagster_run.run_id)
