"""The daily digest (`digest.daily`: Slack #management, the management e-mail), each morning
for the day before, from the semantic layer (the same metrics as the dashboards and reports).

Why a job of its own and not part of the executive e-mail: the digest is one short team message
through the outbox (quiet hours, retries, dead letters apply), the executive e-mail a rendered
report. The day is the event's key, so a re-run of the same morning writes nothing new. Without
a warehouse the op fails (no digest of guessed numbers), and Dagster shows the failed run.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt
from zoneinfo import ZoneInfo

from dagster import Config, OpExecutionContext, Output, job, op
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import MessagingResource
from tourstack.messaging import status_counts
from tourstack.messaging.events import DIGEST_METRICS, announce_digest

ZONE = "Asia/Kolkata"


class DigestConfig(Config):
    day: str = ""  # ISO date; empty: yesterday in Asia/Kolkata


def day_metrics(day: dt.date) -> dict:
    from reports.builder.source import source_from_settings
    from tourstack.messaging.slash import day_metrics as metrics_of_day
    from tourstack.settings import get_settings

    return metrics_of_day(source_from_settings(get_settings()).run, day, DIGEST_METRICS)


@op(description="Announce yesterday's digest (digest.daily) into the outbox.")
def daily_digest(context: OpExecutionContext, config: DigestConfig, operational_db: OperationalDatabase,
                 messaging: MessagingResource) -> Output[dict]:
    from tourstack.settings import get_settings

    day = dt.date.fromisoformat(config.day) if config.day else dt.datetime.now(ZoneInfo(ZONE)).date() - dt.timedelta(days=1)
    metrics = day_metrics(day)
    recipients = get_settings().exec_report_recipients
    with operational_db.engine() as engine, sessionmaker(engine)() as session:
        routed = announce_digest(session, day, metrics, dead_messages=status_counts(session)["dead"],
                                 management_email=", ".join(recipients) or None, config=messaging.config())
        session.commit()
    context.log.info(f"digest {day}: {len(routed.queued)} messages queued, {routed.duplicates} already there")
    return Output({"day": day.isoformat(), "queued": len(routed.queued), "duplicates": routed.duplicates},
                  metadata={"queued": len(routed.queued), "duplicates": routed.duplicates})


@job(description="Yesterday's numbers as one digest message per route (Slack #management, e-mail).")
def daily_digest_job() -> None:
    daily_digest()


daily_digest_schedule = scheduled_job("daily_digest_job", cron="15 7 * * *", timezone=ZONE, job=daily_digest_job,
                                      schedule_name="daily_digest_schedule")
