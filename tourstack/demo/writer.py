"""Bulk writes of column frames: PostgreSQL COPY (CSV) or SQLite executemany.

Why not the ORM: millions of rows. A frame (dict of numpy arrays / lists / polars Series) is
turned into a polars DataFrame, cast to the text forms each database expects for dates, times
and UTC timestamps (the same forms SQLAlchemy's types write), and streamed: COPY FROM STDIN on
PostgreSQL, executemany in large transactions with synchronous=OFF on SQLite.

On PostgreSQL the whole load is one transaction: foreign keys and secondary indexes are
dropped first and recreated at the end (one set-based validation and one index build per
table instead of a trigger call and an index insert per row). DDL is transactional there, so a
failed load rolls back to the untouched, empty schema. Unique constraints stay in place.
"""

from __future__ import annotations

import io

import polars as pl
from sqlalchemy import Boolean, Date, Engine, Table, Time, inspect

import tourstack.db.models  # noqa: F401  (registers every table)
from tourstack.db.base import Base, ExactDecimal, UTCDateTime

COPY_BLOCK = 8 * 1024 * 1024


class BulkWriter:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        self.conn = self.raw.driver_connection
        self.rows: dict[str, int] = {}
        self.deferred: list[str] = []
        if self.dialect == "postgresql":
            self._defer_constraints(engine)
        if self.dialect == "sqlite":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=OFF")
            self.conn.execute("PRAGMA temp_store=MEMORY")
            self.conn.execute("PRAGMA cache_size=-200000")

    def _defer_constraints(self, engine: Engine) -> None:
        insp = inspect(engine)
        drops, creates = [], []
        for name in Base.metadata.tables:
            for fk in insp.get_foreign_keys(name):
                cols = ", ".join(fk["constrained_columns"])
                ref = ", ".join(fk["referred_columns"])
                drops.append(f'ALTER TABLE {name} DROP CONSTRAINT "{fk["name"]}"')
                creates.append(f'ALTER TABLE {name} ADD CONSTRAINT "{fk["name"]}" FOREIGN KEY ({cols}) '
                               f'REFERENCES {fk["referred_table"]} ({ref})')
            for ix in insp.get_indexes(name):
                if ix.get("unique") or ix["name"].startswith("uq_"):
                    continue
                cols = ", ".join(ix["column_names"])
                drops.append(f'DROP INDEX "{ix["name"]}"')
                creates.insert(0, f'CREATE INDEX "{ix["name"]}" ON {name} ({cols})')
        for sql in drops:
            self.execute(sql)
        self.deferred = creates

    def _frame(self, table: Table, frame: dict) -> pl.DataFrame:
        columns = {}
        for name, values in frame.items():
            col = table.c[name]
            s = values if isinstance(values, pl.Series) else pl.Series(name, values, strict=False)
            s = s.rename(name)
            if isinstance(col.type, UTCDateTime):
                fmt = "%Y-%m-%d %H:%M:%S%.6f" + ("+00" if self.dialect == "postgresql" else "")
                s = s.cast(pl.Datetime("us")).dt.strftime(fmt)
            elif isinstance(col.type, Date):
                s = s.cast(pl.Date).dt.strftime("%Y-%m-%d")
            elif isinstance(col.type, Time):
                s = s.cast(pl.String)
                if self.dialect == "sqlite":
                    s = s + ".000000"
            elif isinstance(col.type, Boolean) and self.dialect == "sqlite":
                s = s.cast(pl.Int8)
            elif isinstance(col.type, ExactDecimal):
                s = s.cast(pl.String)
            elif s.dtype == pl.Object:
                s = pl.Series(name, s.to_list(), dtype=pl.String)
            columns[name] = s
        return pl.DataFrame(columns)

    def write(self, table_name: str, frame: dict) -> int:
        table = Base.metadata.tables[table_name]
        df = self._frame(table, frame)
        n = df.height
        if n == 0:
            return 0
        cols = ", ".join(df.columns)
        if self.dialect == "postgresql":
            buf = io.BytesIO()
            df.write_csv(buf, include_header=False, null_value="")
            data = buf.getbuffer()
            with self.conn.cursor() as cur:
                with cur.copy(f"COPY {table_name} ({cols}) FROM STDIN (FORMAT csv)") as copy:
                    for offset in range(0, len(data), COPY_BLOCK):
                        copy.write(data[offset: offset + COPY_BLOCK])
        else:
            marks = ", ".join("?" for _ in df.columns)
            self.conn.executemany(f"INSERT INTO {table_name} ({cols}) VALUES ({marks})", df.iter_rows())
        self.rows[table_name] = self.rows.get(table_name, 0) + n
        return n

    def execute(self, sql: str, params=None) -> None:
        cur = self.conn.cursor()
        cur.execute(sql, params or ())
        cur.close()

    def executemany(self, sql: str, rows) -> None:
        cur = self.conn.cursor()
        cur.executemany(sql, rows)
        cur.close()

    def commit(self) -> None:
        """End of a chunk: SQLite commits; PostgreSQL keeps the single load transaction open."""
        if self.dialect == "sqlite":
            self.conn.commit()

    def finish(self) -> None:
        """Move id sequences past the loaded ids (PostgreSQL) and commit."""
        if self.dialect == "postgresql":
            for sql in self.deferred:
                self.execute(sql)
            for name, table in Base.metadata.tables.items():
                if "id" not in table.c or not table.c["id"].primary_key:
                    continue
                self.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)")
            self.conn.commit()
            self.execute("ANALYZE")
        else:
            self.conn.commit()
            self.execute("PRAGMA synchronous=NORMAL")
        self.conn.commit()

    def close(self) -> None:
        self.raw.close()


def placeholder(dialect: str) -> str:
    return "%s" if dialect == "postgresql" else "?"

