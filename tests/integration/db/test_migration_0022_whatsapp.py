"""Migration 0022 (WhatsApp): up and down, it matches the models, and the database keeps one row
per number, one message per provider id and one outbound message per outbox key, and refuses a
number that is not E.164 and an unknown direction."""

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

T = "2026-12-07 10:00:00+00:00"
CONTACT = "INSERT INTO whatsapp_contacts (phone, created_at, updated_at) VALUES (:phone, :t, :t)"
MESSAGE = ("INSERT INTO whatsapp_messages (contact_id, direction, provider, provider_message_id, client_ref, kind, "
           "status, at, created_at, updated_at) VALUES (1, :direction, 'meta', :pid, :ref, 'text', 'received', :t, :t, :t)")


def _refused(engine, sql: str, **params) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(sql), {"t": T, **params})


def _check(url: str) -> None:
    upgrade(url, "0022")
    engine = make_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"whatsapp_contacts", "whatsapp_messages"} <= tables
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "whatsapp" in repr(d)] == []
        with engine.begin() as conn:
            conn.execute(text(CONTACT), {"phone": "+919812345678", "t": T})
            conn.execute(text(MESSAGE), {"direction": "inbound", "pid": "wamid.1", "ref": None, "t": T})
            conn.execute(text(MESSAGE), {"direction": "outbound", "pid": None, "ref": "k1", "t": T})
        _refused(engine, CONTACT, phone="+919812345678")
        _refused(engine, CONTACT, phone="919812345678")
        _refused(engine, MESSAGE, direction="inbound", pid="wamid.1", ref=None)
        _refused(engine, MESSAGE, direction="outbound", pid=None, ref="k1")
        _refused(engine, MESSAGE, direction="sideways", pid="wamid.2", ref=None)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM whatsapp_messages"))
            conn.execute(text("DELETE FROM whatsapp_contacts"))
        downgrade(url, "0021")
        assert not {"whatsapp_contacts", "whatsapp_messages"} & set(inspect(engine).get_table_names())
        upgrade(url, "head")
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
