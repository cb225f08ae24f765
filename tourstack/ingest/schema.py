"""How each operational column type looks in Arrow and in the warehouse.

Timestamps land as naive `timestamp` holding UTC in both warehouses, so SQL over them is the
same on DuckDB and PostgreSQL and nothing depends on a session time zone.
"""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
)

from tourstack.db.base import ExactDecimal, UTCDateTime

EXTRACTED_AT = "_extracted_at"
# Columns that never leave the operational DB: raw gateway payloads carry payer details.
EXCLUDED_COLUMNS = frozenset({("webhook_events", "payload")})
TIMESTAMP = pa.timestamp("us")
DECIMAL = pa.decimal128(18, 8)


def arrow_type(column: Column) -> pa.DataType:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return TIMESTAMP
    if isinstance(kind, ExactDecimal):
        return DECIMAL
    if isinstance(kind, Boolean):
        return pa.bool_()
    if isinstance(kind, SmallInteger):
        return pa.int32()
    if isinstance(kind, (BigInteger, Integer)):
        return pa.int64()
    if isinstance(kind, Float):
        return pa.float64()
    if isinstance(kind, Date):
        return pa.date32()
    if isinstance(kind, Time):
        return pa.time64("us")
    if isinstance(kind, (String, Text)):
        return pa.string()
    raise TypeError(f"no warehouse mapping for {column.table.name}.{column.name}: {kind!r}")


def ingested_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if (table.name, c.name) not in EXCLUDED_COLUMNS]


def arrow_schema(table: Table) -> pa.Schema:
    fields = [pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in ingested_columns(table)]
    return pa.schema([*fields, pa.field(EXTRACTED_AT, TIMESTAMP, nullable=False)])


_PG_TYPES = {
    pa.int32(): "integer",
    pa.int64(): "bigint",
    pa.float64(): "double precision",
    pa.bool_(): "boolean",
    pa.date32(): "date",
    pa.time64("us"): "time",
    pa.string(): "text",
    TIMESTAMP: "timestamp",
    DECIMAL: "numeric(18,8)",
}


def postgres_type(arrow: pa.DataType) -> str:
    return _PG_TYPES[arrow]


def primary_key(table: Table) -> str:
    (column,) = table.primary_key.columns
    return column.name
