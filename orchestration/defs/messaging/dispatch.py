"""One op, run every minute: deliver the messaging outbox, search index changes included.

Why a schedule and not a sensor: a sensor's evaluation should decide, not do the sending; the
op does the work in a run whose log keeps what happened. Rounds are bounded (500 messages), so a
backlog drains over several runs instead of one long one. Dead letters are counted on every run
and logged as an error while any remain, so the run's log shows them until someone replays them
(`POST /api/v1/outbox/messages/{id}/replay` or `tourstack outbox replay ID`).
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import OpExecutionContext, Output, job, op
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import MessagingResource
from tourstack.messaging import dispatch_due, status_counts

ROUND = 500


@op(description="Send the outbox messages that are due; report the queue by status.")
def outbox_dispatch(context: OpExecutionContext, operational_db: OperationalDatabase,
                    messaging: MessagingResource) -> Output[dict]:
    with operational_db.engine() as engine:
        sessions = sessionmaker(engine, expire_on_commit=False)
        report = dispatch_due(sessions, messaging.transports(sessions), messaging.config(), limit=ROUND)
        with sessions() as session:
            counts = status_counts(session)
    context.log.info(f"claimed {report.claimed}: sent {report.sent}, retrying {report.retried}, "
                     f"dead {report.dead}, deferred {report.deferred}")
    if counts["dead"]:
        context.log.error(f"{counts['dead']} outbox messages are dead: GET /api/v1/outbox/messages?status=dead")
    return Output(counts, metadata={status: n for status, n in counts.items()})


@job(description="Deliver the outbox (Slack, Teams, WhatsApp, calendar, e-mail, search index changes).")
def outbox_dispatch_job() -> None:
    outbox_dispatch()


outbox_dispatch_schedule = scheduled_job("outbox_dispatch_job", cron="* * * * *", job=outbox_dispatch_job,
                                         schedule_name="outbox_dispatch_schedule")
