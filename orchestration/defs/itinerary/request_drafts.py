"""Draft an itinerary for each new quote request, hourly, within the AI budget.

Agents then open a request and find a plan to review instead of a blank page. Every generation
is recorded in ai_generations, so the warehouse's fct_ai_generations shows what the job spent,
and approved drafts feed rpt_itinerary_edit_distance.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt

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
from tourstack.itinerary.request_drafts import draft_for_open_requests


class RequestItineraryDraftsConfig(Config):
    limit: int = Field(default=50, ge=1, le=1000, description="open requests to draft in this run")


@asset(
    group_name="itinerary",
    kinds={"openai", "sqlalchemy"},
    description="Open quote requests without an itinerary get a generated draft linked to them, "
                "newest first, within the monthly AI budget.",
)
def request_itinerary_drafts(
    context: AssetExecutionContext, config: RequestItineraryDraftsConfig, operational_db: OperationalDatabase,
    itinerary: ItineraryResource,
) -> MaterializeResult:
    services = itinerary.services()
    with operational_db.engine() as engine, Session(engine) as session:
        report = draft_for_open_requests(session, services, limit=config.limit, as_of=dt.date.today())
    if report.stopped_by_budget:
        context.log.warning("AI budget reached: the remaining requests were drafted offline")
    for request_id, reason in report.failures[:20]:
        context.log.warning(f"quote request {request_id}: {reason}")
    context.log.info(f"request drafts: {report.drafted} drafted, {report.failed} failed "
                     f"of {report.considered} open requests without an itinerary")
    return MaterializeResult(metadata={
        "considered": report.considered, "drafted": report.drafted, "failed": report.failed,
        "skipped": report.skipped, "by_provider": dict(report.by_provider),
        "stopped_by_budget": report.stopped_by_budget, "cost_usd": report.cost_usd_micros / 1_000_000,
        "failed_request_ids": [rid for rid, _ in report.failures][:100],
    })


hourly_itinerary_request_drafts = scheduled_job(
    "itinerary_request_drafts_job",
    selection=AssetSelection.assets(request_itinerary_drafts),
    description="Draft an itinerary for open quote requests that have none.",
    cron="15 * * * *", timezone="Asia/Kolkata", schedule_name="hourly_itinerary_request_drafts",
)
itinerary_request_drafts_job = hourly_itinerary_request_drafts.job
