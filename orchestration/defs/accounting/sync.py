"""One job per provider, every 15 minutes: push new and changed documents to QuickBooks Online
or Xero (tourstack.accounting.sync), so an issued invoice is there within the hour, then pull the
payments recorded there (tourstack.accounting.inbound).

A provider that is not connected is skipped (the run succeeds and says so): most installations
connect one of the two. A connection that turned `revoked` or `expired` is logged as an error
on every run until a person reconnects (`tourstack accounting connect P`). Open errors and
conflicts are counted in the run's metadata; a run that meets another one already syncing
the same provider (the per-provider lock) skips too.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import OpExecutionContext, Output, job, op
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job

CRON = "*/15 * * * *"


def _sync(context: OpExecutionContext, operational_db: OperationalDatabase, provider: str) -> Output[dict]:
    from tourstack.accounting.connections import connection_statuses
    from tourstack.accounting.runner import pull_provider, sync_provider
    from tourstack.accounting.sync import SyncBusy
    from tourstack.db.models import AccountingConflict, AccountingSyncError
    from tourstack.settings import get_settings

    with operational_db.engine() as engine:
        sessions = sessionmaker(engine, expire_on_commit=False)
        with sessions() as session:
            status = next(s for s in connection_statuses(session) if s.provider == provider)
        if status.status in ("revoked", "expired"):
            context.log.error(f"{provider} is {status.status}: reconnect with `tourstack accounting connect {provider}`")
        try:
            report = sync_provider(get_settings(), sessions, provider)
        except SyncBusy as exc:
            context.log.info(f"skipped: {exc}")
            return Output({"skipped": "busy"}, metadata={"skipped": "another sync is running"})
        if report is None:
            context.log.info(f"{provider} is not connected: nothing to sync")
            return Output({"skipped": "not connected"}, metadata={"skipped": f"{provider} not connected"})
        pulled = pull_provider(get_settings(), sessions, provider)  # payments recorded there
        with sessions() as session:
            errors = session.scalar(select(func.count()).select_from(AccountingSyncError).where(
                AccountingSyncError.provider == provider, AccountingSyncError.status == "open"))
            conflicts = session.scalar(select(func.count()).select_from(AccountingConflict).where(
                AccountingConflict.provider == provider, AccountingConflict.status == "open"))
    counts = {entity: vars(c) | {"planned": len(c.planned)} for entity, c in report.entities.items()}
    context.log.info(f"{provider}: sent {report.sent}, pulled {pulled} payments; open errors {errors}, open conflicts {conflicts}")
    if errors or conflicts:
        context.log.warning(f"{provider}: {errors} open errors, {conflicts} open conflicts: "
                            "`tourstack accounting errors` / `tourstack accounting conflicts`")
    return Output(counts, metadata={"sent": report.sent, "pulled_payments": pulled, "open_errors": errors, "open_conflicts": conflicts})


@op(description="Push new and changed customers, invoices, credit notes, payments, vendors, bills and bill payments to QuickBooks Online.")
def quickbooks_sync(context: OpExecutionContext, operational_db: OperationalDatabase) -> Output[dict]:
    return _sync(context, operational_db, "quickbooks")


@op(description="Push new and changed contacts, invoices, credit notes, payments, bills and bill payments to Xero.")
def xero_sync(context: OpExecutionContext, operational_db: OperationalDatabase) -> Output[dict]:
    return _sync(context, operational_db, "xero")


@job(description="Outbound accounting sync to QuickBooks Online (skips when not connected).")
def quickbooks_sync_job() -> None:
    quickbooks_sync()


@job(description="Outbound accounting sync to Xero (skips when not connected).")
def xero_sync_job() -> None:
    xero_sync()


quickbooks_sync_schedule = scheduled_job("quickbooks_sync_job", cron=CRON, job=quickbooks_sync_job,
                                         schedule_name="quickbooks_sync_schedule")
xero_sync_schedule = scheduled_job("xero_sync_job", cron=CRON, job=xero_sync_job,
                                   schedule_name="xero_sync_schedule")
