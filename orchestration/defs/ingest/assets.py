"""One asset per operational table, keyed ["raw", table] so dbt sources attach to them.

Incremental by default (updated_at watermark, primary-key merge); `full_refresh: true` in the
run config rebuilds a table from scratch, which also removes rows hard-deleted at the source.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import AssetExecutionContext, AssetKey, AssetsDefinition, Config, MaterializeResult, asset

from orchestration.defs.pools import WAREHOUSE_WRITER
from orchestration.defs.resources import OperationalDatabase, WarehouseResource
from tourstack.ingest import ingest_table, operational_tables
from sqlalchemy import Table


class IngestConfig(Config):
    full_refresh: bool = False


def _ingest_asset(table: Table) -> AssetsDefinition:
    @asset(
        key=AssetKey(["raw", table.name]),
        group_name="ingest",
        kinds={"sqlalchemy", "duckdb"},
        pool=WAREHOUSE_WRITER,
        description=f"`{table.name}` copied from the operational database (incremental).",
    )
    def _ingest(
        context: AssetExecutionContext,
        config: IngestConfig,
        operational_db: OperationalDatabase,
        warehouse: WarehouseResource,
    ) -> MaterializeResult:
        with operational_db.engine() as engine, warehouse.connect() as wh:
            result = ingest_table(engine, wh, table, full_refresh=config.full_refresh)
        context.log.info(
            f"{table.name}: {result.rows_extracted} rows read, {result.rows_in_warehouse} in raw"
        )
        return MaterializeResult(
            metadata={
                "rows_extracted": result.rows_extracted,
                "dagster/row_count": result.rows_in_warehouse,
                "full_refresh": result.full_refresh,
                "watermark": str(result.watermark) if result.watermark else "none",
            }
        )

    _ingest.__name__ = f"raw_{table.name}"
    return _ingest


ingest_assets = [_ingest_asset(table) for table in operational_tables()]
