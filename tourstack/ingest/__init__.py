"""Incremental copy of the operational database into the warehouse's `raw` schema.

Extraction reads rows changed since the last watermark (updated_at), loading merges them by
primary key. Both sides speak Arrow, so the same batch can land in DuckDB or PostgreSQL.
"""

from tourstack.ingest.run import IngestResult, ingest_table, operational_tables

__all__ = ["IngestResult", "ingest_table", "operational_tables"]
