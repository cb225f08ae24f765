"""Great Expectations suites on every raw table, run as blocking Dagster asset checks.

Blocking: when a suite fails, Dagster does not materialise the dbt models downstream in the
same run, so bad raw data never reaches the marts.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import AssetCheckExecutionContext, AssetCheckResult, AssetChecksDefinition, AssetKey, asset_check
from sqlalchemy import Table

from orchestration.defs.resources import WarehouseResource
from tourstack.ingest import operational_tables
from tourstack.quality.raw_suites import columns_needed, validate_frame


def _raw_check(table: Table) -> AssetChecksDefinition:
    @asset_check(
        asset=AssetKey(["raw", table.name]),
        name="great_expectations_suite",
        blocking=True,
        description="Keys unique, money integral and non-negative, ISO 4217 currencies, sane dates.",
    )
    def _check(context: AssetCheckExecutionContext, warehouse: WarehouseResource) -> AssetCheckResult:
        columns = ", ".join(f'"{name}"' for name in columns_needed(table))
        # The rows this run landed: every row after a full refresh, the changes after an
        # incremental load (merging on the key keeps the rest unique and already checked).
        with warehouse.connect() as wh:
            frame = wh.frame(
                f'SELECT {columns} FROM raw."{table.name}" WHERE "_extracted_at" ='
                f' (SELECT max("_extracted_at") FROM raw."{table.name}")'
            )
        outcome = validate_frame(table, frame)
        if not outcome.success:
            context.log.error(f"raw.{table.name} failed {len(outcome.failures)} expectations")
        return AssetCheckResult(
            passed=outcome.success,
            metadata={
                "rows_checked": len(frame),
                "expectations": outcome.evaluated,
                "failures": outcome.failures,
            },
        )

    _check.__name__ = f"check_raw_{table.name}"
    return _check


raw_checks = [_raw_check(table) for table in operational_tables()]
