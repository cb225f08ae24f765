"""Read changed rows from the operational database as Arrow record batches.

Why not pandas/SQLAlchemy rows: at a million bookings the per-row ORM cost dominates. SQLite is
read through its DB-API cursor in chunks and converted column-wise; PostgreSQL streams
`COPY ... TO STDOUT` CSV straight into Arrow's CSV reader.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from sqlalchemy import Engine, Table

from tourstack.ingest.schema import (
    EXTRACTED_AT,
    TIMESTAMP,
    arrow_schema,
    ingested_columns,
    primary_key,
)

CHUNK_ROWS = 250_000


def extract_changes(
    engine: Engine, table: Table, since: dt.datetime | None, extracted_at: dt.datetime
) -> Iterator[pa.RecordBatch]:
    """Yield batches of rows with updated_at >= since (all rows when since is None).

    `>=` rather than `>`: rows committed later with the same updated_at as the watermark are not
    missed; re-reading the boundary row is harmless because loading merges on the primary key.
    """
    if engine.dialect.name == "postgresql":
        yield from _extract_postgres(engine, table, since, extracted_at)
    else:
        yield from _extract_sqlite(engine, table, since, extracted_at)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def _extract_sqlite(engine, table, since, extracted_at) -> Iterator[pa.RecordBatch]:
    schema = arrow_schema(table)
    names = [c.name for c in ingested_columns(table)]
    sql = f'SELECT {", ".join(names)} FROM "{table.name}"'
    params: tuple = ()
    if since is not None:
        sql += " WHERE updated_at >= ?"
        params = (_naive_utc(since).isoformat(sep=" ", timespec="microseconds"),)
    sql += f" ORDER BY {primary_key(table)}"
    stamp = _naive_utc(extracted_at)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            columns = list(zip(*rows, strict=True))
            arrays = [_sqlite_array(values, schema.field(i).type) for i, values in enumerate(columns)]
            arrays.append(pa.array([stamp] * len(rows), TIMESTAMP))
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
    finally:
        raw.close()


def _sqlite_array(values: tuple, kind: pa.DataType) -> pa.Array:
    """SQLite hands back text for dates, times, timestamps and decimals: parse column-wise."""
    if kind == TIMESTAMP or kind == pa.date32():
        return pc.cast(pa.array(values, pa.string()), kind)
    if kind == pa.time64("us"):
        as_text = pa.array(values, pa.string())
        stamps = pc.cast(pc.binary_join_element_wise("1970-01-01 ", as_text, ""), TIMESTAMP)
        return pc.cast(stamps, kind)
    if pa.types.is_decimal(kind):
        return pc.cast(pa.array(values, pa.string()), kind)
    if kind == pa.bool_():  # stored as 0/1
        return pc.cast(pa.array(values, pa.int8()), kind)
    return pa.array(values, kind)


def _extract_postgres(engine, table, since, extracted_at) -> Iterator[pa.RecordBatch]:
    schema = arrow_schema(table)
    select = []
    for column in ingested_columns(table):
        if schema.field(column.name).type == TIMESTAMP:
            select.append(f"(\"{column.name}\" AT TIME ZONE 'UTC') AS \"{column.name}\"")
        else:
            select.append(f'"{column.name}"')
    where = ""
    if since is not None:
        where = f" WHERE updated_at >= '{since.astimezone(dt.UTC).isoformat()}'::timestamptz"
    query = f'SELECT {", ".join(select)} FROM "{table.name}"{where} ORDER BY {primary_key(table)}'
    body = _copy_out(engine, f"COPY ({query}) TO STDOUT WITH (FORMAT csv)")
    if not body:
        return
    columns = schema.names[:-1]
    convert = pcsv.ConvertOptions(
        column_types={name: schema.field(name).type for name in columns},
        true_values=["t"],
        false_values=["f"],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    reader = pcsv.open_csv(
        io.BytesIO(body),
        read_options=pcsv.ReadOptions(column_names=columns, block_size=64 << 20),
        convert_options=convert,
    )
    stamp = pa.scalar(_naive_utc(extracted_at), TIMESTAMP)
    for batch in reader:
        stamps = pa.array([stamp.as_py()] * batch.num_rows, TIMESTAMP)
        yield pa.RecordBatch.from_arrays([*batch.columns, stamps], schema=schema)


def _copy_out(engine: Engine, statement: str) -> bytes:
    raw = engine.raw_connection()
    try:
        buffer = bytearray()
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for chunk in copy:
                buffer += chunk
        return bytes(buffer)
    finally:
        raw.close()


__all__ = ["EXTRACTED_AT", "extract_changes"]
