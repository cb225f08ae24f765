"""Migration 0018 (message threads): up and down, it matches the model, and the database keeps
one root per channel, recipient and thread key."""

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

ROW = ("INSERT INTO message_threads (channel, recipient, thread_key, provider_thread_id, created_at, updated_at) "
       "VALUES ('slack', '#bookings', 'BK-1', :ts, :t, :t)")
T = "2026-12-07 10:00:00+00:00"


def _check(url: str) -> None:
    upgrade(url, "0018")
    engine = make_engine(url)
    try:
        assert "message_threads" in inspect(engine).get_table_names()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "message_threads" in repr(d)] == []
        with engine.begin() as conn:
            conn.execute(text(ROW), {"ts": "1.1", "t": T})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(ROW), {"ts": "2.2", "t": T})
        downgrade(url, "0017")
        assert "message_threads" not in inspect(engine).get_table_names()
        upgrade(url, "head")
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
