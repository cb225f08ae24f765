"""Migration 0010 (executive_emails): up and down, and it matches the model exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.db.engine import make_engine
from tourstack.db.migrate import downgrade, upgrade


def _check(url: str) -> None:
    upgrade(url, "0010")
    engine = make_engine(url)
    try:
        assert "executive_emails" in inspect(engine).get_table_names()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        mine = [d for d in diff if "executive_emails" in repr(d)]
        assert mine == []
        downgrade(url, "0009")
        assert "executive_emails" not in inspect(engine).get_table_names()
        upgrade(url, "head")
        assert "executive_emails" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
