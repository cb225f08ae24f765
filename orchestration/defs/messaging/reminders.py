"""Customers' WhatsApp reminders, each morning (10:00 Asia/Kolkata, outside the quiet hours):
overdue receivables (once per AR ageing bucket) and trips starting in 7 days and tomorrow.

Why a daily job: the reminders depend on today, not on a change; their keys (invoice and
bucket, booking and lead) make a re-run of the same day write nothing new. Only numbers with a
current opt-in get them (tourstack.messaging.reminders).
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt
from zoneinfo import ZoneInfo

from dagster import Config, OpExecutionContext, Output, job, op
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import MessagingResource
from tourstack.messaging.reminders import announce_payment_reminders, announce_trip_reminders

ZONE = "Asia/Kolkata"


class RemindersConfig(Config):
    day: str = ""  # ISO date; empty: today in Asia/Kolkata


@op(description="Queue today's payment and trip reminders for opted-in customers.")
def customer_reminders(context: OpExecutionContext, config: RemindersConfig, operational_db: OperationalDatabase,
                       messaging: MessagingResource) -> Output[dict]:
    day = dt.date.fromisoformat(config.day) if config.day else dt.datetime.now(ZoneInfo(ZONE)).date()
    with operational_db.engine() as engine, sessionmaker(engine)() as session:
        payments = announce_payment_reminders(session, day, config=messaging.config())
        trips = announce_trip_reminders(session, day, config=messaging.config())
        session.commit()
    context.log.info(f"{day}: {payments} payment reminders, {trips} trip reminders queued")
    return Output({"day": day.isoformat(), "payment_reminders": payments, "trip_reminders": trips},
                  metadata={"payment_reminders": payments, "trip_reminders": trips})


@job(description="Payment reminders (overdue receivables) and trip reminders (7 days, 1 day) on WhatsApp.")
def customer_reminders_job() -> None:
    customer_reminders()


customer_reminders_schedule = scheduled_job("customer_reminders_job", cron="0 10 * * *", timezone=ZONE,
                                            job=customer_reminders_job, schedule_name="customer_reminders_schedule")
