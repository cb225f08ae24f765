"""One op every 5 minutes: send the report e-mails whose schedule is due.

Each due schedule renders its saved report on the warehouse and is e-mailed through
tourstack.mail (SMTP, or the outbox folder when no SMTP host is configured). A failing schedule
is recorded on its row (last_status, last_error) and the others still go out.

Runs must not overlap (a slow SMTP server can stretch one past the next tick): the job carries
a concurrency tag that dagster.yaml and deploy/dagster.yaml limit to one run, and its op sits in
a one-slot pool. The real guarantee is in reports.builder.delivery, which claims each due
row with a conditional UPDATE before sending, so even overlapping runs send a schedule once.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt

from dagster import OpExecutionContext, job, op
from sqlalchemy.orm import Session

from orchestration.defs.reports.manifest import semantic_manifest_for
from orchestration.defs.resources import OperationalDatabase, WarehouseResource
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import MailResource
from reports.builder import ReportSource
from reports.builder.delivery import run_due


# dagster.yaml / deploy/dagster.yaml: tag_concurrency_limits allow one run with this tag at a time
CONCURRENCY_TAG = {"tourstack/concurrency": "scheduled_reports"}
POOL = "report_delivery"  # one slot (concurrency.pools.default_limit)


def report_source(warehouse: WarehouseResource) -> ReportSource:
    return warehouse.report_source(semantic_manifest_for(warehouse))


@op(description="Render and e-mail every report schedule that is due.", pool=POOL)
def send_due_reports(context: OpExecutionContext, operational_db: OperationalDatabase,
                     warehouse: WarehouseResource, mail: MailResource) -> None:
    now = dt.datetime.now(dt.UTC)
    with operational_db.engine() as engine, Session(engine) as session:
        from reports.builder.store import due_schedules

        if not due_schedules(session, now):  # nothing due: skip the manifest and the warehouse
            context.log.info("no report schedules due")
            return
        outcomes = run_due(session, report_source(warehouse), mail.transport(),
                           sender=mail.sender(), now=now,
                           allowed_domains=mail.report_recipient_domains())
    failed = [o for o in outcomes if o.status != "sent"]
    context.log.info(f"report schedules run: {len(outcomes)}, failed or disabled: {len(failed)}")
    for outcome in failed:
        context.log.warning(f"schedule {outcome.schedule_id} {outcome.status}: {outcome.error}")


@job(description="Scheduled report e-mails (saved reports with a due schedule).", tags=CONCURRENCY_TAG)
def scheduled_reports_job() -> None:
    send_due_reports()


scheduled_reports = scheduled_job(
    "scheduled_reports_job", job=scheduled_reports_job,
    cron="*/5 * * * *", schedule_name="scheduled_reports", schedule_description="Every 5 minutes.",
)
