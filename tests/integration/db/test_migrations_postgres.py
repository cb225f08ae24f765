"""Migrations on a real PostgreSQL server: up to head and back to base."""

import pytest
from sqlalchemy import inspect

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.db.engine import make_engine
from tourstack.db.migrate import downgrade, upgrade

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_postgres_upgrade_and_downgrade_round_trip(pg_url):
    upgrade(pg_url)
    assert _tables(pg_url) == set(Base.metadata.tables)
    downgrade(pg_url, "base")
    assert _tables(pg_url) == set()
