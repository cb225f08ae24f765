"""The analytics dashboards as a Dagster asset: six static HTML pages rebuilt from the marts.

Downstream of the analytics marts (and the dimensions the map and the drill-down read), so a
warehouse refresh that changes them marks the pages stale; materialising writes them into
`TOURSTACK_DASHBOARDS_DIR` (default <home>/dashboards), where the API serves them.

It reads through a read-only connection but joins the warehouse writer pool: DuckDB refuses a
second process any connection while a writer holds the file, so running beside dbt would fail.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
)
from pydantic import Field

from orchestration.defs.pools import WAREHOUSE_WRITER
from orchestration.defs.resources import WarehouseResource
from orchestration.defs.services import PublishingResource

# dbt models become assets keyed by their model name (orchestration/defs/dbt/assets.py).
SOURCE_MODELS = (
    "exec_kpi_daily", "exec_kpi_monthly", "exec_destination_monthly", "exec_site_revenue_monthly",
    "exec_revenue_by_currency_monthly", "sales_funnel_monthly", "sales_conversion_monthly",
    "ops_monthly", "ops_staff_workload", "agent_leaderboard", "supplier_scorecard",
    "customer_lifetime", "customer_acquisition_monthly", "cohort_retention", "kpi_bookings",
    "dim_destinations", "dim_sites",
)


class DashboardsConfig(Config):
    as_of: str = Field(default="", description="YYYY-MM-DD; empty: the newest booking date")
    out_dir: str = Field(default="", description="empty: TOURSTACK_DASHBOARDS_DIR")


@asset(
    group_name="analytics",
    deps=[AssetKey([name]) for name in SOURCE_MODELS],
    kinds={"html", "plotly"},
    pool=WAREHOUSE_WRITER,
    description="Executive, sales, operations, agents, suppliers and customers dashboards "
                "(static HTML sharing one plotly.min.js) written to TOURSTACK_DASHBOARDS_DIR.",
)
def dashboards(
    context: AssetExecutionContext, config: DashboardsConfig, warehouse: WarehouseResource,
    publishing: PublishingResource,
) -> MaterializeResult:
    from reports.dashboards import write_dashboards

    out_dir = Path(config.out_dir) if config.out_dir else publishing.dashboards_dir()
    as_of = dt.date.fromisoformat(config.as_of) if config.as_of else None
    with warehouse.reader() as conn:
        paths = write_dashboards(conn, out_dir, as_of, currency=publishing.base_currency())
    pages = [p.stem for p in paths]
    context.log.info(f"dashboards: {len(pages)} pages written to {out_dir}")
    return MaterializeResult(metadata={
        "pages": MetadataValue.json(pages),
        "paths": MetadataValue.json({p.stem: str(p) for p in paths}),
        "out_dir": MetadataValue.path(str(out_dir)),
        "index": MetadataValue.path(str(out_dir / "index.html")),
    })
