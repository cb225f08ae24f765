"""Alembic environment: the URL comes from the caller (tourstack.db.migrate) or settings."""

from __future__ import annotations

from alembic import context

import tourstack.db.models  # noqa: F401  (registers every table)
from tourstack.db.base import Base
from tourstack.db.engine import make_engine

config = context.config


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from tourstack.settings import get_settings

    return get_settings().operational_url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=Base.metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(_url())
    with engine.connect() as connection:
        # Batch mode lets later migrations alter tables on SQLite, which has no ALTER COLUMN.
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
