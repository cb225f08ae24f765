"""Read-side access to the warehouse, DuckDB or PostgreSQL, behind one query function.

SQL is written once with `?` placeholders and bound parameters; for psycopg the placeholders
are rewritten to `%s` (and literal `%` escaped). User input is never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

MART_SCHEMAS = ("marts",)


def libpq_url(url: str) -> str:
    """psycopg wants a libpq URL, not SQLAlchemy's `postgresql+driver://` form."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgresql") else url


def _is_duckdb(conn: Any) -> bool:
    return type(conn).__module__.split(".")[0] in {"duckdb", "_duckdb"}


def query(conn: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    """Run a SELECT on a duckdb or psycopg connection and return all rows."""
    if _is_duckdb(conn):
        return conn.execute(sql, list(params)).fetchall()
    with conn.cursor() as cur:
        cur.execute(sql.replace("%", "%%").replace("?", "%s"), list(params))
        return cur.fetchall()


def connect_duckdb(path: str | Path):
    """Read-only: readers never take DuckDB's single writer lock."""
    import duckdb

    return duckdb.connect(str(path), read_only=True)


def connect_postgres(url: str):
    import psycopg

    return psycopg.connect(libpq_url(url))


def connect(kind: str, *, duckdb_path: str | Path | None = None, postgres_url: str | None = None):
    if kind == "postgres":
        if not postgres_url:
            raise ValueError("the PostgreSQL warehouse needs TOURSTACK_WAREHOUSE_URL")
        return connect_postgres(postgres_url)
    if duckdb_path is None or not Path(duckdb_path).exists():
        raise FileNotFoundError(f"no warehouse at {duckdb_path}: run `tourstack demo` first")
    return connect_duckdb(duckdb_path)


def mart_row_counts(conn: Any) -> list[tuple[str, str, int]]:
    """(schema, table, rows) for every table in the mart schemas, sorted by name."""
    tables = query(
        conn,
        "select table_schema, table_name from information_schema.tables"
        " where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
        MART_SCHEMAS,
    )
    return [(s, t, query(conn, f'select count(*) from "{s}"."{t}"')[0][0]) for s, t in tables]
