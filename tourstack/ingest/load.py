"""Warehouse writers: merge Arrow batches into `raw.<table>` by primary key.

DuckDB reads the Arrow batch in place (zero copy); PostgreSQL receives it through COPY into a
temporary table and merges from there. Each writer also keeps the per-table watermark in
`raw._ingest_state`, in the same transaction as the data it describes.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Protocol

import pyarrow as pa
import pyarrow.csv as pcsv

from tourstack.ingest.schema import postgres_type
from tourstack.warehouse import libpq_url

STATE_TABLE = "_ingest_state"


class Warehouse(Protocol):
    def watermark(self, table: str) -> dt.datetime | None: ...

    def merge(
        self, table: str, key: str, data: pa.Table, full_refresh: bool, watermark: dt.datetime | None
    ) -> None: ...

    def row_count(self, table: str) -> int: ...

    def frame(self, sql: str): ...

    def close(self) -> None: ...


class DuckDBWarehouse:
    """The embedded default. One writer at a time: Dagster serialises writers by a pool.

    Results are always fetched whole: DuckDB refuses new work on a connection that still
    holds an unfinished result.
    """

    def __init__(self, path: str) -> None:
        import duckdb

        self.con = duckdb.connect(str(path))
        self.con.execute("SET TimeZone = 'UTC'")
        self.con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        self.con.execute(
            f"CREATE TABLE IF NOT EXISTS raw.{STATE_TABLE} (table_name VARCHAR PRIMARY KEY,"
            " watermark TIMESTAMP, loaded_at TIMESTAMP)"
        )

    def watermark(self, table: str) -> dt.datetime | None:
        rows = self.con.execute(
            f"SELECT watermark FROM raw.{STATE_TABLE} WHERE table_name = ?", [table]
        ).fetchall()
        row = rows[0] if rows else None
        if not row or row[0] is None or not self._exists(table):
            return None
        return row[0].replace(tzinfo=dt.UTC)

    def _exists(self, table: str) -> bool:
        return bool(
            self.con.execute(
                "SELECT count(*) FROM information_schema.tables"
                " WHERE table_schema = 'raw' AND table_name = ?",
                [table],
            ).fetchall()[0][0]
        )

    def merge(self, table, key, data, full_refresh, watermark) -> None:
        con = self.con
        con.register("_batch", data)
        try:
            con.execute("BEGIN")
            if full_refresh or not self._exists(table):
                con.execute(f'CREATE OR REPLACE TABLE raw."{table}" AS SELECT * FROM _batch')
            elif data.num_rows:
                self._add_missing_columns(table, data.schema)
                con.execute(f'DELETE FROM raw."{table}" WHERE {key} IN (SELECT {key} FROM _batch)')
                con.execute(f'INSERT INTO raw."{table}" BY NAME SELECT * FROM _batch')
            con.execute(
                f"INSERT OR REPLACE INTO raw.{STATE_TABLE} VALUES (?, ?, now()::timestamp)",
                [table, _naive(watermark)],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            con.unregister("_batch")

    def row_count(self, table: str) -> int:
        return self.con.execute(f'SELECT count(*) FROM raw."{table}"').fetchall()[0][0]

    def _add_missing_columns(self, table: str, schema: pa.Schema) -> None:
        existing = {
            row[0]
            for row in self.con.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'raw' AND table_name = ?",
                [table],
            ).fetchall()
        }
        for field in schema:
            if field.name not in existing:
                kind = postgres_type(field.type).replace("double precision", "double")
                self.con.execute(f'ALTER TABLE raw."{table}" ADD COLUMN "{field.name}" {kind}')

    def frame(self, sql: str):
        """Run a read query and return a pandas DataFrame."""
        return self.con.execute(sql).df()

    def close(self) -> None:
        self.con.close()


class PostgresWarehouse:
    """Production warehouse: COPY into a temp table, then delete + insert by key."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(libpq_url(url))
        with self.conn.transaction():
            self.conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
            self.conn.execute(
                f"CREATE TABLE IF NOT EXISTS raw.{STATE_TABLE} (table_name text PRIMARY KEY,"
                " watermark timestamp, loaded_at timestamp)"
            )

    def _exists(self, table: str) -> bool:
        row = self.conn.execute("SELECT to_regclass(%s)", [f'raw."{table}"']).fetchone()
        return row[0] is not None

    def watermark(self, table: str) -> dt.datetime | None:
        row = self.conn.execute(
            f"SELECT watermark FROM raw.{STATE_TABLE} WHERE table_name = %s", [table]
        ).fetchone()
        self.conn.commit()
        if not row or row[0] is None or not self._exists(table):
            return None
        return row[0].replace(tzinfo=dt.UTC)

    def merge(self, table, key, data, full_refresh, watermark) -> None:
        columns = ", ".join(
            f'"{field.name}" {postgres_type(field.type)}' for field in data.schema
        )
        names = ", ".join(f'"{name}"' for name in data.schema.names)
        with self.conn.transaction():
            self.conn.execute(f'CREATE TABLE IF NOT EXISTS raw."{table}" ({columns})')
            self._add_missing_columns(table, data.schema)
            if full_refresh:
                # TRUNCATE, not DROP: dbt's staging views depend on the raw tables.
                self.conn.execute(f'TRUNCATE raw."{table}"')
                if data.num_rows:
                    self._copy_in(f'raw."{table}"', names, data)
            elif data.num_rows:
                self.conn.execute(f"CREATE TEMP TABLE _batch ({columns}) ON COMMIT DROP")
                self._copy_in("_batch", names, data)
                self.conn.execute(
                    f'DELETE FROM raw."{table}" t USING _batch b WHERE t."{key}" = b."{key}"'
                )
                self.conn.execute(f'INSERT INTO raw."{table}" ({names}) SELECT {names} FROM _batch')
            self.conn.execute(
                f"INSERT INTO raw.{STATE_TABLE} VALUES (%s, %s, now() AT TIME ZONE 'UTC')"
                " ON CONFLICT (table_name) DO UPDATE"
                " SET watermark = excluded.watermark, loaded_at = excluded.loaded_at",
                [table, _naive(watermark)],
            )

    def _add_missing_columns(self, table: str, schema: pa.Schema) -> None:
        """A migration that adds a column reaches the warehouse without a rebuild."""
        existing = {
            row[0]
            for row in self.conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_schema = 'raw' AND table_name = %s",
                [table],
            ).fetchall()
        }
        for field in schema:
            if field.name not in existing:
                self.conn.execute(
                    f'ALTER TABLE raw."{table}" ADD COLUMN "{field.name}" {postgres_type(field.type)}'
                )

    def _copy_in(self, target: str, names: str, data: pa.Table) -> None:
        # CSV keeps NULL (empty, unquoted) apart from the empty string (quoted), like COPY does.
        buffer = io.BytesIO()
        pcsv.write_csv(data, buffer, pcsv.WriteOptions(include_header=False))
        with self.conn.cursor().copy(f"COPY {target} ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.getbuffer())

    def row_count(self, table: str) -> int:
        count = self.conn.execute(f'SELECT count(*) FROM raw."{table}"').fetchone()[0]
        self.conn.commit()
        return count

    def frame(self, sql: str):
        import pandas as pd

        with self.conn.cursor() as cursor:
            cursor.execute(sql)
            names = [d.name for d in cursor.description]
            data = pd.DataFrame(cursor.fetchall(), columns=names)
        self.conn.commit()
        return data

    def close(self) -> None:
        self.conn.close()


def _naive(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else moment.astimezone(dt.UTC).replace(tzinfo=None)
