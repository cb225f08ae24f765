"""Migration 0019 (accounting sync, outbound and inbound): up and down, it matches the models, and
the database keeps one row per provider payment and per webhook delivery."""

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

TABLES = ("accounting_remote_payments", "accounting_webhook_deliveries")
DELIVERY = ("INSERT INTO accounting_webhook_deliveries (provider, delivery_key, received_at, created_at, updated_at) "
            "VALUES ('xero', 'k1', :t, :t, :t)")
T = "2026-12-07 10:00:00+00:00"


def _check(url: str) -> None:
    upgrade(url, "0019")
    engine = make_engine(url)
    try:
        names = inspect(engine).get_table_names()
        assert all(t in names for t in TABLES)
        assert "remote_content_hash" in {c["name"] for c in inspect(engine).get_columns("accounting_mappings")}
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "accounting" in repr(d)] == []
        with engine.begin() as conn:
            conn.execute(text(DELIVERY), {"t": T})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(DELIVERY), {"t": T})
        downgrade(url, "0018")
        names = inspect(engine).get_table_names()
        assert not any(t in names for t in TABLES)
        assert "remote_content_hash" not in {c["name"] for c in inspect(engine).get_columns("accounting_mappings")}
        upgrade(url, "head")
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
