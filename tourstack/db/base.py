"""Declarative base, column types and mixins shared by every operational table.

Why custom types: SQLite has no DECIMAL and no timezone-aware timestamp. Money is therefore
stored as integer minor units everywhere (exact on SQLite, PostgreSQL and DuckDB alike), exact
ratios such as FX rates travel as `ExactDecimal` (NUMERIC on PostgreSQL, text on SQLite), and
`UTCDateTime` guarantees timezone-aware UTC values in both directions.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, MetaData, Numeric, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamp stored in UTC and always returned timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Tourstack stores timezone-aware UTC only")
        value = value.astimezone(dt.UTC)
        # SQLite keeps text; a naive UTC value sorts and compares correctly there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal: NUMERIC where the database has it, canonical text on SQLite."""

    impl = Numeric(18, 8)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(18, 8, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = Decimal(value)
        return format(value, "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


# Integer minor units (ISO 4217 exponent per currency, see tourstack.money).
MinorUnits = BigInteger


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    """created_at / updated_at on every table; updated_at drives incremental extraction."""

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=False)
    updated_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, index=True
    )


class SoftDelete:
    """Rows users can remove are flagged, never deleted, so the warehouse can honour it."""

    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)


def currency_column() -> Mapped[str]:
    return mapped_column(String(3))
