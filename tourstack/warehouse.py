"""Read-side helpers over the warehouse (mart inventory for summaries and tests)."""

from __future__ import annotations

from tourstack.settings import Settings

MART_SCHEMAS = ("marts",)


def mart_row_counts(settings: Settings) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every table in the mart schemas, sorted by name."""
    if settings.warehouse == "postgres":
        import psycopg

        from tourstack.ingest.load import _libpq_url

        url = _libpq_url(settings.warehouse_url.get_secret_value())
        with psycopg.connect(url) as conn:
            return _count(lambda sql, params=(): conn.execute(sql.replace("?", "%s"), params).fetchall())
    import duckdb

    with duckdb.connect(str(settings.duckdb_file), read_only=True) as con:
        return _count(lambda sql, params=(): con.execute(sql, list(params)).fetchall())


def _count(query) -> list[tuple[str, str, int]]:
    tables = query(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema = ? and table_type in ('BASE TABLE') order by table_name",
        MART_SCHEMAS,
    )
    return [(s, t, query(f'select count(*) from "{s}"."{t}"')[0][0]) for s, t in tables]
