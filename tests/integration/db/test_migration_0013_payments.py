"""Migration 0013 (payments integrity): up, down and up again, matching the models exactly at
head (later revisions add to the same tables), on SQLite and PostgreSQL; existing refunds get
their gateway and existing events a status."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.db.engine import make_engine
from tourstack.db.migrate import downgrade, upgrade

TABLES = ("refunds", "webhook_events", "payments")


def _mine(diff) -> list:
    return [d for d in diff if any(t in repr(d) for t in TABLES)]


def _check(url: str) -> None:
    upgrade(url, "0012")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO webhook_events (gateway, event_id, type, payload, signature_valid, received_at, "
                "processed_at, attempts, last_error, created_at, updated_at) VALUES "
                "('stripe', 'e1', 't', '{}', true, '2026-01-01', '2026-01-01', 1, NULL, '2026-01-01', '2026-01-01'),"
                "('stripe', 'e2', 't', '{}', true, '2026-01-01', NULL, 3, 'parked: later', '2026-01-01', '2026-01-01'),"
                "('stripe', 'e3', 't', '{}', true, '2026-01-01', NULL, 25, 'KeyError: x', '2026-01-01', '2026-01-01'),"
                "('stripe', 'e4', 't', '{}', false, '2026-01-01', NULL, 0, NULL, '2026-01-01', '2026-01-01')"))
        upgrade(url, "0013")
        with engine.connect() as conn:
            statuses = dict(conn.execute(text("SELECT event_id, status FROM webhook_events")).all())
            assert statuses == {"e1": "processed", "e2": "parked", "e3": "dead_lettered", "e4": "invalid"}
        upgrade(url, "head")
        with engine.connect() as conn:
            assert _mine(compare_metadata(MigrationContext.configure(conn), Base.metadata)) == []
        downgrade(url, "0012")
        upgrade(url, "head")
        with engine.connect() as conn:
            assert _mine(compare_metadata(MigrationContext.configure(conn), Base.metadata)) == []
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
