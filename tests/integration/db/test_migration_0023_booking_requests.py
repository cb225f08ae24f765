"""Migration 0023 (booking requests): up and down, it matches the model, and the database keeps
one row per Idempotency-Key."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.db.engine import make_engine
from tourstack.db.migrate import downgrade, upgrade

ROW = ("INSERT INTO booking_requests (idempotency_key, request_digest, booking_id, created_at, updated_at) "
       "VALUES ('agency1:abc', 'd', 1, :t, :t)")
T = "2026-12-08 10:00:00+00:00"


def _check(url: str) -> None:
    upgrade(url, "0023")
    engine = make_engine(url)
    off = "PRAGMA foreign_keys=OFF" if engine.dialect.name == "sqlite" else "SET session_replication_role = replica"
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "booking_requests" in repr(d)] == []
        with engine.begin() as conn:
            conn.execute(text(off))
            conn.execute(text(ROW), {"t": T})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(off))
            conn.execute(text(ROW), {"t": T})
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM booking_requests"))
        downgrade(url, "0022")
        assert "booking_requests" not in inspect(engine).get_table_names()
        upgrade(url, "head")
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
