"""Daily reconciliation: gateway payments and bank lines matched to invoices, bookings and
installments; gateway payouts matched to their settlement batches.

Runs at 06:00 Europe/Berlin, after the overnight bank statement import and the previous day's
gateway settlements: the asset depends on `bank_statement_files` (orchestration/defs/bankfiles)
and `gateway_settlement_batches` (orchestration/defs/gateway_feeds), so the graph shows that order
and a run selecting all three materialises them first. It reads the operational tables, keeps
every manual decision, replaces the automatic matches and the exception queue
(tourstack.reconcile.operational), and reports the match rate and the exception counts as
metadata. The new tables reach the warehouse through the
regular ingest, where rpt_reconciliation summarises them.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field
from sqlalchemy.orm import Session

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job


class ReconciliationConfig(Config):
    as_of: str = Field(default="", description="YYYY-MM-DD exceptions are aged to; empty means today (UTC)")


# Keys, not the asset objects: this module must not import (and so re-register) other domains.
BANK_STATEMENTS = AssetKey("bank_statement_files")
SETTLEMENT_BATCHES = AssetKey("gateway_settlement_batches")


@asset(
    group_name="finance",
    kinds={"sqlalchemy", "polars"},
    deps=[BANK_STATEMENTS, SETTLEMENT_BATCHES],
    description="Automatic matches and the exception queue in reconciliation_matches / "
                "reconciliation_exceptions, rebuilt from payments, refunds, bank_statement_lines, invoices, "
                "bookings, installments and settlement_batches.",
)
def reconciliation_run(
    context: AssetExecutionContext, config: ReconciliationConfig, operational_db: OperationalDatabase
) -> MaterializeResult:
    from tourstack.fx import EcbOfflineSource
    from tourstack.reconcile.operational import run_reconciliation

    as_of = dt.date.fromisoformat(config.as_of) if config.as_of else dt.datetime.now(dt.UTC).date()
    with operational_db.engine() as engine, Session(engine) as session, session.begin():
        summary = run_reconciliation(session, rates=EcbOfflineSource(), as_of=as_of, run_id=context.run_id)
    # No transactions at all: nothing is unmatched either; the metadata stays a number.
    rate = summary["match_rate"] if summary["match_rate"] is not None else 1.0
    context.log.info(f"reconciliation: {summary['transactions_matched']} of {summary['transactions']} "
                     f"transactions matched ({rate:.2%}), {summary['exceptions']} exceptions")
    return MaterializeResult(metadata={
        "transactions": summary["transactions"],
        "match_rate": MetadataValue.float(float(rate)),
        "allocations": summary["allocations"],
        "exceptions": summary["exceptions"],
        "duplicates": summary["duplicates"],
        "exceptions_by_reason": MetadataValue.json(summary["exceptions_by_reason"]),
        "manual_transactions": summary["manual_transactions"],
        "booking_only_allocations": summary["booking_only_allocations"],
        "installment_allocations": summary["installment_allocations"],
        "payouts_matched": summary["payouts_matched"],
        "payouts_mismatched": summary["payouts_mismatched"],
        "payouts_missing": summary["payouts_missing"],
    })


daily_reconciliation = scheduled_job(
    "reconciliation_job",
    selection=AssetSelection.assets(reconciliation_run),
    description="Match payments and bank lines to invoices; rebuild the exception queue.",
    cron="0 6 * * *", timezone="Europe/Berlin", schedule_name="daily_reconciliation",
)
reconciliation_job = daily_reconciliation.job
