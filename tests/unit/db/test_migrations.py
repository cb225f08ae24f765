"""The Alembic baseline must build exactly the schema the models describe, on both databases."""

from sqlalchemy import inspect

import tourstack.db.models  # noqa: F401
from tourstack.db.base import Base
from tourstack.db.engine import make_engine
from tourstack.db.migrate import upgrade


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_sqlite_upgrade_creates_every_model_table(sqlite_url):
    upgrade(sqlite_url)
    assert _tables(sqlite_url) == set(Base.metadata.tables)

