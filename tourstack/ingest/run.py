"""One table's ingestion: read the watermark, extract changes, merge them, move the watermark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, Table

import tourstack.db.models  # noqa: F401  (registers every table)
from tourstack.db.base import Base
from tourstack.ingest.extract import extract_changes
from tourstack.ingest.load import Warehouse
from tourstack.ingest.schema import arrow_schema, primary_key

# Credentials never belong in the warehouse. Saved report definitions, their schedules (who
# receives what) and the executive e-mail archive are application state, not business facts:
# analysts have no use for them and recipients' addresses should not spread further. The
# messaging outbox holds phone numbers and message bodies: the same (and its threads table). The
# inbox holds third parties' raw mail and attachments, and what was read from them before a
# person checked it. The accounting sync's tables hold OAuth tokens (encrypted, but credentials
# still) and the sync's own bookkeeping. WhatsApp's tables hold customers' numbers, consent and
# the text of their conversations.
EXCLUDED_TABLES = frozenset({"api_keys", "saved_reports", "report_schedules", "executive_emails",
                             "outbox_messages", "outbox_rate_slots", "message_threads", "calendar_events",
                             "booking_requests",
                             "inbox_messages", "inbox_staged_rates", "inbox_confirmations", "inbox_tasks",
                             "inbox_inbound_tokens",
                             "accounting_connections", "accounting_mappings", "accounting_sync_errors",
                             "accounting_conflicts", "accounting_remote_payments",
                             "accounting_webhook_deliveries", "whatsapp_contacts", "whatsapp_messages"})


def operational_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in EXCLUDED_TABLES]


@dataclass(frozen=True)
class IngestResult:
    table: str
    rows_extracted: int
    rows_in_warehouse: int
    previous_watermark: dt.datetime | None
    watermark: dt.datetime | None
    full_refresh: bool


def ingest_table(
    source: Engine, warehouse: Warehouse, table: Table, *, full_refresh: bool = False
) -> IngestResult:
    previous = None if full_refresh else warehouse.watermark(table.name)
    extracted_at = dt.datetime.now(dt.UTC)
    batches = list(extract_changes(source, table, previous, extracted_at))
    data = (
        pa.Table.from_batches(batches)
        if batches
        else arrow_schema(table).empty_table()
    )
    watermark = previous
    if data.num_rows:
        newest = pc.max(data.column("updated_at")).as_py()
        watermark = newest.replace(tzinfo=dt.UTC)
    # A first load of an empty table still creates it, so dbt sources always exist.
    warehouse.merge(table.name, primary_key(table), data, full_refresh or previous is None, watermark)
    return IngestResult(
        table=table.name,
        rows_extracted=data.num_rows,
        rows_in_warehouse=warehouse.row_count(table.name),
        previous_watermark=previous,
        watermark=watermark,
        full_refresh=full_refresh or previous is None,
    )
