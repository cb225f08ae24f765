"""Migration 0020 (calendar events): up and down, it matches the model, and the database keeps
one event per booking and calendar and refuses an unknown status."""

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

ROW = ("INSERT INTO calendar_events (booking_id, calendar, provider, uid, sequence, status, created_at, updated_at) "
       "VALUES (:b, 'operations', 'google', 'booking-x@tourstack', 0, :status, :t, :t)")
T = "2026-12-07 10:00:00+00:00"


def _check(url: str) -> None:
    upgrade(url, "0020")
    engine = make_engine(url)
    try:
        assert "calendar_events" in inspect(engine).get_table_names()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diff if "calendar_events" in repr(d)] == []
        fks = inspect(engine).get_foreign_keys("calendar_events")
        assert [(fk["referred_table"], fk["constrained_columns"]) for fk in fks] == [("bookings", ["booking_id"])]
        uniques = inspect(engine).get_unique_constraints("calendar_events")
        assert [u["column_names"] for u in uniques] == [["booking_id", "calendar"]]
        with engine.begin() as conn:
            conn.execute(text("PRAGMA foreign_keys=OFF") if engine.dialect.name == "sqlite" else
                         text("SET session_replication_role = replica"))
            conn.execute(text(ROW), {"b": 1, "status": "confirmed", "t": T})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text("SET session_replication_role = replica") if engine.dialect.name != "sqlite"
                         else text("PRAGMA foreign_keys=OFF"))
            conn.execute(text(ROW), {"b": 1, "status": "confirmed", "t": T})
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(text(ROW.replace("'operations'", "'other'")), {"b": 1, "status": "lost", "t": T})
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM calendar_events"))
        downgrade(url, "0019")
        assert "calendar_events" not in inspect(engine).get_table_names()
        upgrade(url, "head")
    finally:
        engine.dispose()


def test_migration_up_down_sqlite(sqlite_url):
    _check(sqlite_url)


@pytest.mark.postgres
def test_migration_up_down_postgres(pg_url):
    _check(pg_url)
