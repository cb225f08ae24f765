"""Settlement batches for the daily reconciliation, built from the landed gateway payouts.

Runs in the `gateway_feeds` job after the four feeds (hourly at :50), so a payout landed during
the night is a batch before the 06:00 reconciliation looks for it on the bank statement. It
reads the warehouse, so it takes the warehouse pool: an embedded DuckDB file cannot be opened
while another process writes it.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.defs.pools import WAREHOUSE_WRITER
from orchestration.defs.resources import OperationalDatabase, WarehouseResource
from orchestration.defs.services import GatewayFeedsResource
from tourstack.gateway_feeds import FEED_TABLES
from tourstack.gateway_feeds.settlements import sync_settlement_batches


@asset(
    name="gateway_settlement_batches",
    group_name="gateway_feeds",
    deps=[AssetKey(["raw", table.name]) for table in FEED_TABLES],
    kinds={"sqlalchemy", "duckdb"},
    pool=WAREHOUSE_WRITER,
    description="Operational settlement_batches upserted from the landed Stripe payouts, Razorpay"
                " settlements and PayPal withdrawals (keyed by the gateway's payout id), and Stripe"
                " payments linked to the payout that paid them out.",
)
def gateway_settlement_batches(
    context: AssetExecutionContext, operational_db: OperationalDatabase, warehouse: WarehouseResource,
    gateway_feeds: GatewayFeedsResource,
) -> MaterializeResult:
    # the account gateways pay into: the configured bank-transfer account, if any
    with operational_db.engine() as engine, warehouse.connect() as wh:
        result = sync_settlement_batches(wh, engine, bank_account=gateway_feeds.payout_account())
    summary = result.summary
    context.log.info(f"settlement batches: {summary}")
    if result.without_breakdown:
        context.log.info(f"batches with gross = net and fee = 0 (no breakdown yet): "
                         f"{', '.join(result.without_breakdown[:20])}")
    if result.conflicts:
        context.log.warning(f"payout references already used by another batch: {', '.join(result.conflicts[:20])}")
    return MaterializeResult(metadata={
        "inserted": summary["inserted"],
        "updated": summary["updated"],
        "payments_linked": summary["payments_linked"],
        "batches_without_breakdown": summary["without_breakdown"],
        "skipped_demo": summary["skipped_demo"],
        "conflicts": summary["conflicts"],
    })
