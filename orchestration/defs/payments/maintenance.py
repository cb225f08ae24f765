"""One op, run every 15 minutes: the payments work that must heal itself without a person.

It completes bank transfers from new statement lines, re-sends refunds a gateway outage left
without an answer (after looking for them at the gateway), reprocesses stored webhook events
that were parked (out of order) or failed, reads Stripe fees a charge could not report at once,
applies payments to invoices issued after them, and retries failed payments whose retry is due
(1, 3, 7 days; see tourstack.payments.retry_policy). Every step is idempotent, so an overlapping
or repeated run does no harm. Dead-lettered webhook events are counted on every run and logged
as an error while any remain, so the run's log shows them until finance requeues them.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt

from dagster import OpExecutionContext, job, op
from sqlalchemy.orm import Session

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import PaymentsResource
from tourstack.payments import run_payments_maintenance


@op(description="Bank-transfer matching, unsent refunds, parked webhooks, missing fees, invoice status and "
                "due payment retries; reports dead-lettered webhook events.")
def payments_maintenance(context: OpExecutionContext, operational_db: OperationalDatabase,
                         payments: PaymentsResource) -> None:
    runtime = payments.runtime()
    with operational_db.engine() as engine, Session(engine) as session:
        report = run_payments_maintenance(session, runtime.router, runtime.gateways, now=dt.datetime.now(dt.UTC))
    context.log.info(
        f"webhooks {report.webhook_events}; refunds sent {report.refunds_sent}; "
        f"bank transfers matched {report.bank_transfers_matched}; fees filled {report.fees_filled}; "
        f"bookings' invoices refreshed {report.invoices_refreshed}; payment retries {report.payments}"
    )
    if report.dead_lettered_events:
        context.log.error(f"{report.dead_lettered_events} webhook events are dead-lettered: "
                          "GET /api/v1/webhook-events?status=dead_lettered")


@job(description="Payments maintenance (webhook retries, refunds, bank transfers, dunning).")
def payments_maintenance_job() -> None:
    payments_maintenance()


payments_maintenance_schedule = scheduled_job(
    "payments_maintenance_job", job=payments_maintenance_job, schedule_name="payments_maintenance_schedule",
    cron="*/15 * * * *", schedule_description="Every 15 minutes.",
)
