"""Migration 0015 (the messaging outbox): up and down, it matches the models exactly, and the
database itself refuses an unknown status and a second row for one idempotency key."""

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

TABLES = {"outbox_messages", "outbox_rate_slots"}
ROW = ("INSERT INTO outbox_messages (idempotency_key, event_type, event_key, channel, recipient, rate_key, "
       "payload, status, attempts, replays, next_attempt_at, created_at, updated_at) VALUES "
       "(:key, 'e', 'k', 'slack', '#x', 'slack:#x', '{}', :status, 0, 0, :t, :t, :t)")
T = "2026-12-07 10:00:00+00:00"


def _check(url: str) -> None:
    upgrade(url, "0015")
    engine = make_engine(url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if any(t in repr(d) for t in TABLES)] == []
        with engine.begin() as conn:
            conn.execute(text(ROW), {"key": "a", "status": "pending", "t": T})
        for key, status in (("a", "pending"), ("b", "lost")):
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text(ROW), {"key": key, "status": status, "t": T})
        downgrade(url, "0014")
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(url, "head")
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
