"""Statement files dropped in the bank inbox, imported into bank_statement_lines.

The asset imports every waiting file (each on its own, all or nothing) and moves it to
processed/ or rejected/ (with <name>.error.txt); see tourstack.bankfiles.inbox. The sensor
lists the inbox and asks for a run when the set of waiting files changes, so a file is
imported within a minute of arriving, without a schedule polling the database. The lines
reach the warehouse through the regular ingest of bank_statement_lines.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import hashlib
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Config,
    DefaultSensorStatus,
    MaterializeResult,
    MetadataValue,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    asset,
    define_asset_job,
    sensor,
)
from pydantic import Field

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.services import BankInboxResource
from tourstack.bankfiles import pending_files, process_inbox


class BankInboxConfig(Config):
    inbox: str = Field(default="", description="folder to import from; empty means settings.bank_inbox")


@asset(
    group_name="finance",
    kinds={"sqlalchemy"},
    description="Bank statement files (CSV, CAMT.053) from the bank inbox, imported into "
                "bank_statement_lines and bank_statement_imports; files move to processed/ or rejected/.",
)
def bank_statement_files(
    context: AssetExecutionContext, config: BankInboxConfig, operational_db: OperationalDatabase,
    bank_inbox: BankInboxResource,
) -> MaterializeResult:
    inbox = Path(config.inbox) if config.inbox else bank_inbox.folder()
    with operational_db.engine() as engine:
        report = process_inbox(engine, inbox, log=context.log.info)
    for name, reason in report.rejected.items():
        context.log.warning(f"rejected {name}: {reason}")
    return MaterializeResult(
        metadata={
            "inbox": str(inbox),
            "files": report.files,
            "lines_imported": report.lines_imported,
            "duplicates_skipped": report.duplicates_skipped,
            "duplicate_files": report.duplicate_files,
            "rejected": len(report.rejected),
            "rejected_files": MetadataValue.json(report.rejected),
        }
    )


bank_statement_import_job = define_asset_job(
    name="bank_statement_import",
    selection=AssetSelection.assets(bank_statement_files),
    description="Import the statement files waiting in the bank inbox.",
)


def inbox_fingerprint(inbox: Path) -> str:
    """Name, size and mtime of each waiting file: changes when a file arrives or is rewritten."""
    parts = []
    for path in pending_files(inbox):
        stat = path.stat()
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest() if parts else ""


@sensor(job=bank_statement_import_job, minimum_interval_seconds=60,
        description="Requests an import run when new statement files wait in the bank inbox.",
        default_status=DefaultSensorStatus.RUNNING)
def bank_inbox_sensor(context: SensorEvaluationContext, bank_inbox: BankInboxResource):
    inbox = bank_inbox.folder()
    fingerprint = inbox_fingerprint(inbox)
    if not fingerprint:
        return SkipReason(f"no files waiting in {inbox}")
    if fingerprint == context.cursor:
        return SkipReason("the waiting files were already handed to a run")
    context.update_cursor(fingerprint)
    return RunRequest(run_key=fingerprint, tags={"tourstack/trigger": "bank_inbox_sensor"})
