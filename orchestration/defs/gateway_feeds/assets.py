"""One asset per gateway raw table, keyed ["raw", table] like the operational ingest.

Each run reads from the cursor (newest created_at already landed) and merges by primary key,
so runs can overlap or repeat without duplicating rows. A gateway without credentials in
settings is fed by its demo reader (rows marked source = 'demo'). Writers share the warehouse
pool because DuckDB allows one writer.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSelection,
    AssetsDefinition,
    MaterializeResult,
    asset,
)

from orchestration.defs.gateway_feeds.settlements import gateway_settlement_batches
from orchestration.defs.pools import WAREHOUSE_WRITER
from orchestration.defs.resources import OperationalDatabase, WarehouseResource
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import GatewayFeedsResource
from tourstack.gateway_feeds import FEED_TABLES, FeedTable, build_feeds, land_feed


def _gateway_asset(table: FeedTable) -> AssetsDefinition:
    @asset(
        key=AssetKey(["raw", table.name]),
        group_name="gateway_feeds",
        kinds={table.gateway, "duckdb"},
        pool=WAREHOUSE_WRITER,
        description=f"{table.description} Incremental by created_at cursor, merged on `{table.key}`.",
    )
    def _land(
        context: AssetExecutionContext, operational_db: OperationalDatabase, warehouse: WarehouseResource,
        gateway_feeds: GatewayFeedsResource,
    ) -> MaterializeResult:
        with operational_db.engine() as engine, warehouse.connect() as wh:
            feed = build_feeds(gateway_feeds.credentials(), engine)[table.name]
            result = land_feed(feed, wh)
        context.log.info(f"{table.name} ({result.source}): {result.records_read} records read from "
                         f"{result.previous_cursor or 'the beginning'}, {result.rows_in_warehouse} in raw")
        return MaterializeResult(metadata={
            "source": result.source,
            "records_read": result.records_read,
            "dagster/row_count": result.rows_in_warehouse,
            "previous_cursor": str(result.previous_cursor) if result.previous_cursor else "none",
            "cursor": str(result.cursor) if result.cursor else "none",
        })

    _land.__name__ = f"raw_{table.name}"
    return _land


gateway_assets = [_gateway_asset(table) for table in FEED_TABLES]

hourly_gateway_feeds = scheduled_job(
    "gateway_feeds",
    # The settlement batches follow the feeds (their deps), so every landing refreshes them.
    selection=AssetSelection.assets(*gateway_assets, gateway_settlement_batches),
    description="Land new Stripe, Razorpay and PayPal records in the warehouse's raw schema, then"
                " upsert the operational settlement batches from the landed payouts.",
    cron="50 * * * *",
)
gateway_feeds_job = hourly_gateway_feeds.job
