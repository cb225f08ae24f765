"""A thin query adapter over the two warehouses: DuckDB (duckdb) and PostgreSQL (psycopg).

SQL is written once with `?` placeholders and bound parameters; for psycopg the placeholders
are rewritten to `%s` (and literal `%` escaped). User input is never formatted into SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


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
    import duckdb

    return duckdb.connect(str(path), read_only=True)


def connect_postgres(url: str):
    import psycopg

    return psycopg.connect(url)
