"""The demo generator on a real PostgreSQL (COPY path) agrees with the SQLite run."""

from __future__ import annotations

import psycopg
import pytest

from tourstack.demo import seed

pytestmark = [pytest.mark.integration, pytest.mark.postgres]

AS_OF = "2026-11-25"


def test_tiny_seed_on_postgres_matches_sqlite(pg_url, sqlite_url):
    pg_counts = seed(pg_url, "tiny", seed=3, as_of=AS_OF, progress=False)
    lite_counts = seed(sqlite_url, "tiny", seed=3, as_of=AS_OF, progress=False)
    assert pg_counts == lite_counts
    assert pg_counts["bookings"] == 500
    with psycopg.connect(pg_url) as conn:
        # Same money on both databases, and sequences continue after the loaded ids.
        total = conn.execute("SELECT SUM(total_minor) FROM invoices").fetchone()[0]
        batch_bad = conn.execute("""SELECT COUNT(*) FROM settlement_batches b WHERE gross_minor !=
            (SELECT SUM(amount_minor) FROM payments p WHERE p.settlement_batch_id = b.id)""").fetchone()[0]
        next_id = conn.execute("SELECT nextval(pg_get_serial_sequence('bookings', 'id'))").fetchone()[0]
        tz = conn.execute("SELECT MIN(booked_at) FROM bookings").fetchone()[0]
        # Activity items carry a site through COPY (NULLs for the other kinds) as on SQLite.
        sites_sql = ("SELECT service_type, COUNT(site_id), SUM(site_id), COUNT(*) FROM booking_items "
                     "GROUP BY service_type ORDER BY service_type")
        pg_sites = [tuple(r) for r in conn.execute(sites_sql).fetchall()]
    import sqlite3

    lite = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))
    assert total == lite.execute("SELECT SUM(total_minor) FROM invoices").fetchone()[0]
    assert pg_sites == [tuple(r) for r in lite.execute(sites_sql).fetchall()]
    lite.close()
    assert batch_bad == 0
    assert next_id == 501
    assert tz.tzinfo is not None
    assert all((count > 0) == (kind == "activity") for kind, count, _, _ in pg_sites)
