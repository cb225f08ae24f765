"""Materialise the platform from Python: used by `tourstack demo`, `tourstack refresh`,
the benchmarks and the end-to-end tests, so all of them run exactly the Dagster definitions."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dagster import DagsterInstance, ExecuteInProcessResult, materialize

from orchestration.definitions import domain_definitions
from orchestration.defs.ingest.assets import ingest_assets
from orchestration.defs.warehouse.jobs import WAREHOUSE_SELECTION
from orchestration.recovery import Owner

REPO_ROOT = Path(__file__).resolve().parent.parent


def dagster_home(home: Path) -> Path:
    """A DAGSTER_HOME under the Tourstack home, holding the repository's dagster.yaml."""
    path = home / "dagster"
    path.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO_ROOT / "dagster.yaml", path / "dagster.yaml")
    return path


def run_tags() -> dict[str, str]:
    """What triggered the run, and the process executing it in process: if that process dies,
    the next `tourstack refresh` can tell the run is dead (orchestration/recovery.py)."""
    return {"tourstack/trigger": os.environ.get("TOURSTACK_TRIGGER", "cli"), **Owner.current().tags()}


def platform() -> list:
    """Every asset and asset check of the code location, unbound, so a run can give them the
    resources it wants (tests, benchmarks)."""
    defs = domain_definitions()
    return [*defs.assets, *defs.asset_checks]


def platform_resources(overrides: dict | None = None) -> dict:
    """The resources configured from the current settings (read now, not when the code
    location was first loaded: one process may run several commands), then `overrides`."""
    from orchestration.defs.resources import default_resources

    return {**domain_definitions().resources, **default_resources(), **(overrides or {})}


def full_refresh_config() -> dict:
    return {
        "ops": {
            asset.op.name: {"config": {"full_refresh": True}} for asset in ingest_assets
        }
    }


def materialize_platform(
    *,
    full_refresh: bool = False,
    resources: dict | None = None,
    instance: DagsterInstance | None = None,
    raise_on_error: bool = True,
    log_level: str = "DEBUG",
) -> ExecuteInProcessResult:
    """Ingest every operational table, run the raw checks, then `dbt build`, in one run."""
    return materialize(
        platform(),
        resources=platform_resources(resources),
        instance=instance,
        selection=WAREHOUSE_SELECTION,
        run_config={
            **(full_refresh_config() if full_refresh else {}),
            "loggers": {"console": {"config": {"log_level": log_level}}},
        },
        raise_on_error=raise_on_error,
        tags=run_tags(),
    )


def run_reconciliation(
    *, resources: dict | None = None, instance: DagsterInstance | None = None, as_of=None
) -> ExecuteInProcessResult:
    """The daily reconciliation once, so the warehouse refresh that follows has its results.
    `as_of` (a date) is the day exceptions are aged to; None means today."""
    from orchestration.defs.reconcile import reconciliation_run

    return materialize(
        [reconciliation_run],
        resources=platform_resources(resources),
        instance=instance,
        run_config={
            "ops": {"reconciliation_run": {"config": {"as_of": as_of.isoformat() if as_of else ""}}},
            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
        },
        tags=run_tags(),
    )


def build_search_indexes(
    *, resources: dict | None = None, instance: DagsterInstance | None = None
) -> ExecuteInProcessResult:
    """Rebuild every search index and train the recommendations once, as the nightly schedule
    would (so a fresh demo answers /recommendations instead of 409 until the first night)."""
    from orchestration.defs.search import recommendations, search_indexes

    return materialize(
        [search_indexes, recommendations],
        resources=platform_resources(resources),
        instance=instance,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        raise_on_error=False,
        tags=run_tags(),
    )


def publish_analytics(
    *, as_of: str = "", resources: dict | None = None, instance: DagsterInstance | None = None
) -> ExecuteInProcessResult:
    """Write the dashboards and send the daily executive e-mail, as their schedules would after a
    refresh. `as_of` is the day the e-mail reports (empty: yesterday in Asia/Kolkata). Run on the
    instance that ran the refresh, so the e-mail sees that run's check results."""
    from orchestration.defs.executive import daily_executive_email
    from orchestration.defs.dashboards import dashboards

    return materialize(
        platform(),
        resources=platform_resources(resources),
        instance=instance,
        selection=[dashboards, daily_executive_email],
        run_config={
            "ops": {"daily_executive_email": {"config": {"as_of": as_of}}},
            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
        },
        raise_on_error=False,
        tags=run_tags(),
    )
