"""DuckDB allows a single writer: every asset that writes the warehouse shares this pool, and
dagster.yaml gives pools one slot, so the daemon never runs two writers at once."""

WAREHOUSE_WRITER = "warehouse_writer"
