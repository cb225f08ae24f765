"""Land a feed into raw.<table>: cursor from the table itself, read, merge by primary key.

The cursor is the newest `created_at` already in the raw table, so no state lives anywhere
else and dropping the table means "read everything again". Reading uses `>=` the cursor:
records created in the same second as the newest landed one are not missed, and the ones
read twice merge onto themselves. Each read also looks back `LOOKBACK` before the cursor:
gateways change records after creating them (a payout goes from pending to in_transit to paid
within days), and re-reading that window lets the merge pick the new status up. A first run
creates the table even when the gateway has no records yet, so the dbt sources always exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from tourstack.gateway_feeds.base import GatewayFeed
from tourstack.gateway_feeds.tables import CURSOR_COLUMN, EXTRACTED_AT, FeedTable
from tourstack.ingest.load import Warehouse


LOOKBACK = dt.timedelta(days=7)


@dataclass(frozen=True)
class LandResult:
    table: str
    source: str
    records_read: int
    rows_in_warehouse: int
    previous_cursor: dt.datetime | None
    cursor: dt.datetime | None


def _exists(warehouse: Warehouse, table: str) -> bool:
    frame = warehouse.frame(
        "SELECT count(*) AS n FROM information_schema.tables"
        f" WHERE table_schema = 'raw' AND table_name = '{table}'"
    )
    return int(frame.iloc[0, 0]) > 0


def current_cursor(warehouse: Warehouse, table: FeedTable) -> dt.datetime | None:
    if not _exists(warehouse, table.name):
        return None
    value = warehouse.frame(f'SELECT max("{CURSOR_COLUMN}") AS cursor FROM raw."{table.name}"').iloc[0, 0]
    if value is None or value != value:  # NULL arrives as None or NaT
        return None
    moment = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    return moment.replace(tzinfo=dt.UTC)


def _naive_utc(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return value


def to_arrow(table: FeedTable, records: list[dict[str, Any]], extracted_at: dt.datetime) -> pa.Table:
    stamp = _naive_utc(extracted_at)
    names = [name for name, _ in table.columns]
    rows = [{**{n: _naive_utc(r.get(n)) for n in names}, EXTRACTED_AT: stamp} for r in records]
    return pa.Table.from_pylist(rows, schema=table.schema)


def land_feed(feed: GatewayFeed, warehouse: Warehouse, *, now: dt.datetime | None = None) -> LandResult:
    table = feed.table
    existed = _exists(warehouse, table.name)
    previous = current_cursor(warehouse, table) if existed else None
    by_key: dict[Any, dict[str, Any]] = {}
    since = previous - LOOKBACK if previous is not None else None
    for page in feed.iter_records(since):
        for record in page.records:
            by_key[record[table.key]] = record  # a record on two pages lands once, newest wins
    records = list(by_key.values())
    data = to_arrow(table, records, now or dt.datetime.now(dt.UTC))
    newest = max((r[CURSOR_COLUMN] for r in records if r.get(CURSOR_COLUMN)), default=None)
    cursor = max(c for c in (previous, newest) if c is not None) if (previous or newest) else None
    warehouse.merge(table.name, table.key, data, not existed, cursor)
    return LandResult(table.name, feed.source, len(records), warehouse.row_count(table.name),
                      previous, cursor)
