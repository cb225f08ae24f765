"""The daily (07:00) and weekly (Monday 07:30) executive e-mails, Asia/Kolkata time.

Each run reads the latest asset-check evaluations of the marts the e-mail is built from; a
failed check (severity error) holds the e-mail back under the default policy. The e-mail reports
the day before the run (daily) or the ISO week that ended the day before (weekly) unless
`as_of` is given. Figures, rendering, sending and the archive are reports.executive's job.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from dagster import (
    AssetCheckKey,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    Config,
    DagsterEventType,
    DagsterInstance,
    EventRecordsFilter,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from orchestration.defs.pools import WAREHOUSE_WRITER
from orchestration.defs.resources import OperationalDatabase, WarehouseResource
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import MailResource, PublishingResource

TIMEZONE = "Asia/Kolkata"
SOURCE_MARTS = ("exec_kpi_daily", "kpi_bookings", "dim_agents")


class ExecutiveEmailConfig(Config):
    as_of: str = Field(default="", description="YYYY-MM-DD day reported; empty: yesterday in Asia/Kolkata")
    ignore_checks: bool = Field(default=False, description="send even if mart checks failed (manual re-run)")


def mart_check_keys(context: AssetExecutionContext, marts: Iterable[str] = SOURCE_MARTS) -> list[AssetCheckKey]:
    """The asset checks (dbt tests) defined on the marts the e-mail reads.

    From the code location's asset graph; where there is none (a run outside a code location,
    e.g. `materialize()`), from the checks the instance has recorded evaluations for.
    """
    wanted = {AssetKey([m]) for m in marts}
    try:
        keys = set(context.repository_def.asset_graph.asset_check_keys)
    except Exception:  # no repository definition on this run
        keys = recorded_check_keys(context.instance, wanted)
    return sorted((k for k in keys if k.asset_key in wanted), key=lambda k: k.to_user_string())


def recorded_check_keys(instance: DagsterInstance, assets: set[AssetKey], limit: int = 5000) -> set[AssetCheckKey]:
    records = instance.get_event_records(
        EventRecordsFilter(event_type=DagsterEventType.ASSET_CHECK_EVALUATION), limit=limit
    )
    keys: set[AssetCheckKey] = set()
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if evaluation.asset_key in assets:
            keys.add(AssetCheckKey(evaluation.asset_key, evaluation.check_name))
    return keys


def failed_checks(instance: DagsterInstance, check_keys: Iterable[AssetCheckKey]) -> list[str]:
    """Names of the checks whose latest evaluation failed with severity error (warnings pass)."""
    failed: list[str] = []
    for key in check_keys:
        record = instance.get_latest_asset_check_evaluation_record(key)
        if record is None or record.event is None or record.event.dagster_event is None:
            continue
        evaluation = record.event.dagster_event.event_specific_data
        if not getattr(evaluation, "passed", True) and getattr(evaluation, "severity", None) != AssetCheckSeverity.WARN:
            failed.append(key.to_user_string())
    return failed


def _as_of(config: ExecutiveEmailConfig) -> dt.date:
    if config.as_of:
        return dt.date.fromisoformat(config.as_of)
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date() - dt.timedelta(days=1)


def _send(kind, context, config, warehouse, operational_db, mail, publishing) -> MaterializeResult:
    from reports.executive import ExecutiveEmailFailed, send_executive_email

    checks = [] if config.ignore_checks else failed_checks(context.instance, mart_check_keys(context))
    with warehouse.reader() as conn:
        try:
            archived = send_executive_email(
                kind, warehouse=conn, operational_url=operational_db.url, as_of=_as_of(config),
                transport=mail.transport(), config=publishing.executive_email_config(), failed_checks=checks,
            )
        except ExecutiveEmailFailed as exc:
            context.log.error(str(exc))
            raise
    if archived.status == "held":
        context.log.warning(f"executive {kind} e-mail held back: {archived.reason}")
    return MaterializeResult(metadata={
        "status": archived.status,
        "reason": archived.reason or "",
        "period": f"{archived.period_start} - {archived.period_end}",
        "subject": archived.subject,
        "recipients": len(archived.recipients),
        "revenue": str(archived.figures.current.revenue),
        "bookings": archived.figures.current.bookings,
        "restatements": len(archived.restatements),
        "failed_checks": MetadataValue.json(checks),
        "archive_id": archived.id,
        "eml": MetadataValue.path(str(archived.eml_path)),
        "delivered_to": (str(archived.delivery.path) if archived.delivery and archived.delivery.path
                         else ("smtp" if archived.delivery else "")),
    })


@asset(
    group_name="executive",
    kinds={"email"},
    deps=[AssetKey([m]) for m in SOURCE_MARTS],
    pool=WAREHOUSE_WRITER,  # a DuckDB reader cannot open the file while dbt writes it
    description="The daily executive e-mail (KPI tiles, charts, PDF and XLSX) for the day before, "
                "archived in executive_emails.",
)
def daily_executive_email(
    context: AssetExecutionContext, config: ExecutiveEmailConfig,
    warehouse: WarehouseResource, operational_db: OperationalDatabase,
    mail: MailResource, publishing: PublishingResource,
) -> MaterializeResult:
    return _send("daily", context, config, warehouse, operational_db, mail, publishing)


@asset(
    group_name="executive",
    kinds={"email"},
    deps=[AssetKey([m]) for m in SOURCE_MARTS],
    pool=WAREHOUSE_WRITER,  # a DuckDB reader cannot open the file while dbt writes it
    description="The weekly executive e-mail for the last complete ISO week, archived in executive_emails.",
)
def weekly_executive_email(
    context: AssetExecutionContext, config: ExecutiveEmailConfig,
    warehouse: WarehouseResource, operational_db: OperationalDatabase,
    mail: MailResource, publishing: PublishingResource,
) -> MaterializeResult:
    return _send("weekly", context, config, warehouse, operational_db, mail, publishing)


daily_executive_email_schedule = scheduled_job(
    "daily_executive_email_job",
    selection=AssetSelection.assets(daily_executive_email),
    description="Send (or hold back) the daily executive e-mail.",
    cron="0 7 * * *", timezone=TIMEZONE, schedule_name="daily_executive_email_schedule",
)
weekly_executive_email_schedule = scheduled_job(
    "weekly_executive_email_job",
    selection=AssetSelection.assets(weekly_executive_email),
    description="Send (or hold back) the weekly executive e-mail.",
    cron="30 7 * * 1", timezone=TIMEZONE, schedule_name="weekly_executive_email_schedule",
)
daily_executive_email_job = daily_executive_email_schedule.job
weekly_executive_email_job = weekly_executive_email_schedule.job
