"""A job and the schedule that runs it, in one call: the shape every scheduled job here has.

The schedule carries its job, so a module that defines `x = scheduled_job(...)` at module scope
adds both to its folder's definitions (orchestration/defs/<domain>/definitions.py discovers
them); nothing else needs listing. Every schedule starts RUNNING when deployed: none is an
optional extra, and one left STOPPED silently never runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dagster import (
    AssetsDefinition,
    AssetSelection,
    DefaultScheduleStatus,
    JobDefinition,
    ScheduleDefinition,
    define_asset_job,
)


def scheduled_job(
    name: str,
    *,
    cron: str,
    timezone: str = "UTC",
    selection: AssetSelection | Sequence[AssetsDefinition] | None = None,
    job: JobDefinition | None = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    schedule_name: str | None = None,
    schedule_description: str | None = None,
) -> ScheduleDefinition:
    """The schedule `schedule_name` (default `<name>_schedule`) running, on `cron` in `timezone`,
    either an asset job `name` over `selection` or an op-based `job` defined with `@job`.
    The job is `.job` on the result."""
    if (selection is None) == (job is None):
        raise ValueError("scheduled_job needs exactly one of selection= (an asset job) or job= (an op job)")
    if job is not None and job.name != name:
        raise ValueError(f"the op job is named {job.name!r}, not {name!r}")
    target = job if job is not None else define_asset_job(
        name=name, selection=selection, description=description, tags=tags
    )
    return ScheduleDefinition(
        name=schedule_name or f"{name}_schedule",
        job=target,
        cron_schedule=cron,
        execution_timezone=timezone,
        description=schedule_description,
        default_status=DefaultScheduleStatus.RUNNING,
    )
