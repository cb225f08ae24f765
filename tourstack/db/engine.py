"""Engines and sessions for the operational database (SQLite by default, PostgreSQL in prod)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Use psycopg 3 for every PostgreSQL URL, whatever driver the caller wrote."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


PGBOUNCER_FLAG = "pgbouncer"


def make_engine(url: str, **kwargs) -> Engine:
    """An engine for `url`. A PostgreSQL URL ending in `?pgbouncer=transaction` goes through
    PgBouncer in transaction pooling: psycopg's automatic server-side prepared statements are
    switched off there, since the next transaction may run on another server connection that
    never saw the PREPARE (PgBouncer before 1.21 does not track them)."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and PGBOUNCER_FLAG in parsed.query:
        mode = parsed.query[PGBOUNCER_FLAG]
        if mode != "transaction":
            raise ValueError(f"{PGBOUNCER_FLAG}={mode!r} in the database URL: only 'transaction' is known")
        parsed = parsed.difference_update_query([PGBOUNCER_FLAG])
        connect_args = {**kwargs.pop("connect_args", {}), "prepare_threshold": None}
        return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the API read while a seed or ingest writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
