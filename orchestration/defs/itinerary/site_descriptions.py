"""Fill missing site descriptions with AI text (or offline templates) within the AI budget.

Runs weekly and on demand; each model call is recorded in ai_generations, so the warehouse's
fct_ai_generations shows what the job spent.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Config,
    MaterializeResult,
    asset,
)
from pydantic import Field
from sqlalchemy.orm import Session

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import ItineraryResource
from tourstack.itinerary.batch import fill_site_descriptions


class SiteDescriptionsConfig(Config):
    limit: int = Field(default=100, ge=1, le=5000, description="sites to describe in this run")
    language: str = Field(default="en", description="en | hi | fr")
    dry_run: bool = Field(default=False, description="generate and report, write nothing")


@asset(
    group_name="itinerary",
    kinds={"openai", "sqlalchemy"},
    description="Catalogue sites without a description get one (model text, else a template), "
                "most popular first, within the monthly AI budget.",
)
def site_descriptions(
    context: AssetExecutionContext, config: SiteDescriptionsConfig, operational_db: OperationalDatabase,
    itinerary: ItineraryResource,
) -> MaterializeResult:
    if config.language not in ("en", "hi", "fr"):
        raise ValueError(f"language must be en, hi or fr, got {config.language!r}")
    services = itinerary.services()
    with operational_db.engine() as engine, Session(engine) as session:
        report = fill_site_descriptions(
            session, services.content_clients(), budget=services.budget, limit=config.limit,
            language=config.language, dry_run=config.dry_run,  # type: ignore[arg-type]
        )
    if report.stopped_by_budget:
        context.log.warning("AI budget reached: the remaining sites got template text")
    context.log.info(f"site descriptions: {report.written} written of {report.considered} missing")
    return MaterializeResult(metadata={
        "considered": report.considered, "written": report.written,
        "by_provider": dict(report.by_provider), "stopped_by_budget": report.stopped_by_budget,
        "cost_usd": report.cost_usd_micros / 1_000_000, "dry_run": config.dry_run,
    })


weekly_site_descriptions = scheduled_job(
    "site_descriptions_job",
    selection=AssetSelection.assets(site_descriptions),
    description="Describe catalogue sites that have no description yet.",
    cron="0 3 * * 1", timezone="Asia/Kolkata", schedule_name="weekly_site_descriptions",
)
site_descriptions_job = weekly_site_descriptions.job
