"""The inbox's mailbox as an asset, polled every five minutes, with a check over the task list.

`inbox_mail` fetches the unseen mail of the TOURSTACK_IMAP_* mailbox through
`tourstack.inbox.imap_poll` (each message stored and committed before it is marked on the
server). With IMAP not configured it polls nothing and succeeds, saying so: the SMTP receiver,
the Mailgun route or `tourstack mail ingest` may be how mail arrives. A refused login fails
the run (someone must fix the credentials); a connection dropped mid-poll keeps what was stored,
is logged as a warning, and the next run fetches the rest.

`inbox_tasks_answered_in_time` runs with every poll (and on demand): open tasks older than
TOURSTACK_INBOX_TASK_STALE_HOURS are a warning, counted by kind in the metadata. "A task list
(API, CLI and Dagster check) holds what needs a person."
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    MaterializeResult,
    asset,
    asset_check,
)
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job


@asset(group_name="inbox", description="The unseen mail of the IMAP mailbox, stored and processed.")
def inbox_mail(context: AssetExecutionContext, operational_db: OperationalDatabase) -> MaterializeResult:
    from tourstack.inbox.imap_poll import ImapConfig, poll
    from tourstack.settings import get_settings

    from tourstack.inbox.ai_setup import inbox_ai

    settings = get_settings()
    config = ImapConfig.from_settings(settings)
    if config is None:
        context.log.info("IMAP is not configured (TOURSTACK_IMAP_HOST/USER/PASSWORD): nothing to poll")
        return MaterializeResult(metadata={"polled": False})
    ai = inbox_ai(settings)
    with operational_db.engine() as engine:
        report = poll(config, sessionmaker(engine), ai=ai.classifier, replies=ai.replies)
    if report.error:
        context.log.warning(f"the poll stopped early after {report.fetched} messages: {report.error}")
    if report.not_stored:
        context.log.error(f"{report.not_stored} messages could not be stored and stay unseen on the server")
    return MaterializeResult(metadata={
        "polled": True, "fetched": report.fetched, "new": report.new, "duplicates": report.duplicates,
        "unreadable": report.failed, "not_stored": report.not_stored, "stopped_early": report.error or ""})


@asset_check(asset=inbox_mail, name="inbox_tasks_answered_in_time", blocking=False,
             description="No open inbox task is older than TOURSTACK_INBOX_TASK_STALE_HOURS.")
def inbox_tasks_answered_in_time(context: AssetCheckExecutionContext,
                                 operational_db: OperationalDatabase) -> AssetCheckResult:
    from tourstack.inbox.task_age import stale_open_tasks
    from tourstack.settings import get_settings

    hours = get_settings().inbox_task_stale_hours
    with operational_db.engine() as engine, sessionmaker(engine)() as session:
        age = stale_open_tasks(session, older_than_hours=hours)
    if age.stale_total:
        context.log.warning(f"{age.stale_total} open inbox tasks are older than {hours} h: {age.stale_by_kind}")
    return AssetCheckResult(
        passed=age.stale_total == 0, severity=AssetCheckSeverity.WARN,
        metadata={"threshold_hours": hours, "open": age.open_total, "older_than_threshold": age.stale_total,
                  **{f"older:{kind}": n for kind, n in age.stale_by_kind.items()},
                  "oldest_ids": ", ".join(map(str, age.oldest_stale_ids))})


inbox_poll_schedule = scheduled_job("inbox_poll_job", cron="*/5 * * * *", selection=[inbox_mail],
                                    description="Poll the IMAP mailbox; check the task list's age.",
                                    schedule_name="inbox_poll_schedule")
