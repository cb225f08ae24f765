"""Daily load of ECB (or Open Exchange Rates) reference rates into the operational `fx_rates`.

The schedule runs at 16:30 Europe/Berlin, after the ECB publishes (around 16:00 CET), and
re-reads a lookback window so a late correction or a missed run heals itself; the upsert makes
re-runs harmless. Conversions in the API and jobs then read exactly these stored rows.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
import datetime as dt
from zoneinfo import ZoneInfo

from dagster import (
    AssetExecutionContext,
    AssetSelection,
    Config,
    MaterializeResult,
    asset,
)
from pydantic import Field

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.scheduling import scheduled_job
from orchestration.defs.services import FxRatesResource
from tourstack.fx import SYNC_SOURCE_NAMES, sync_rates

BERLIN = ZoneInfo("Europe/Berlin")


class FxSyncConfig(Config):
    source: str = Field(default="ecb-offline", description="ecb-offline | ecb-live | oxr")
    lookback_days: int = Field(default=7, ge=0, le=366, description="days before the end date to re-read")
    end_date: str = Field(default="", description="YYYY-MM-DD; empty means today in Berlin")


@asset(
    group_name="finance",
    kinds={"sqlalchemy"},
    description="EUR-based reference rates upserted into the operational fx_rates table.",
)
def fx_rates_sync(
    context: AssetExecutionContext, config: FxSyncConfig, operational_db: OperationalDatabase, fx: FxRatesResource
) -> MaterializeResult:
    if config.source not in SYNC_SOURCE_NAMES:
        raise ValueError(f"source must be one of {', '.join(SYNC_SOURCE_NAMES)}, got {config.source!r}")
    end = dt.date.fromisoformat(config.end_date) if config.end_date else dt.datetime.now(BERLIN).date()
    start = end - dt.timedelta(days=config.lookback_days)
    source = fx.source(config.source)
    with operational_db.engine() as engine:
        written = sync_rates(engine, source, start, end)
    context.log.info(f"fx_rates: {written} rows inserted or updated from {config.source} ({start} .. {end})")
    return MaterializeResult(
        metadata={
            "rows_written": written,
            "source": config.source,
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
    )


daily_fx_rates_sync = scheduled_job(
    "fx_rates_sync_job",
    selection=AssetSelection.assets(fx_rates_sync),
    description="Load the day's FX reference rates into the operational database.",
    cron="30 16 * * *", timezone="Europe/Berlin", schedule_name="daily_fx_rates_sync",
)
fx_rates_sync_job = daily_fx_rates_sync.job
