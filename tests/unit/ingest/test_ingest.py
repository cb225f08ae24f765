"""Incremental ingestion from SQLite into DuckDB: watermarks, merges, soft deletes, refresh."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from tourstack.db.base import Base
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Agency, FxRate
from tourstack.ingest import ingest_table
from tourstack.ingest.load import DuckDBWarehouse

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def _agency(i: int, at: dt.datetime) -> Agency:
    return Agency(
        id=i, code=f"AG{i:03d}", name=f"Agency {i}", country_code="IN", state_code="RJ",
        city="Jaipur", email=f"a{i}@example.com", currency="INR", onboarded_on=dt.date(2024, 1, i),
        created_at=at, updated_at=at,
    )


@pytest.fixture
def source(migrated_sqlite_url):
    engine = make_engine(migrated_sqlite_url)
    yield engine, make_sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def warehouse(tmp_path):
    wh = DuckDBWarehouse(str(tmp_path / "wh.duckdb"))
    yield wh
    wh.close()


def _rows(warehouse, sql):
    return warehouse.con.execute(sql).fetchall()


def test_first_load_then_incremental_merge(source, warehouse):
    engine, sessions = source
    table = Base.metadata.tables["agencies"]
    with sessions.begin() as s:
        s.add_all([_agency(1, T0 - dt.timedelta(hours=1)), _agency(2, T0)])

    first = ingest_table(engine, warehouse, table)
    assert (first.rows_extracted, first.rows_in_warehouse, first.full_refresh) == (2, 2, True)
    assert first.watermark == T0

    later = T0 + dt.timedelta(hours=1)
    with sessions.begin() as s:
        s.execute(update(Agency).where(Agency.id == 2).values(name="Renamed", updated_at=later))
        s.add(_agency(3, later))

    second = ingest_table(engine, warehouse, table)
    # Only the changed and the new row are read; agency 1 is older than the watermark.
    assert second.rows_extracted == 2
    assert second.rows_in_warehouse == 3
    assert second.full_refresh is False
    assert _rows(warehouse, "select name from raw.agencies where id = 2") == [("Renamed",)]
    assert _rows(warehouse, "select count(*) from raw.agencies where id = 2") == [(1,)]

    third = ingest_table(engine, warehouse, table)
    assert third.rows_in_warehouse == 3  # re-reading the boundary row does not duplicate it


def test_soft_delete_reaches_the_warehouse(source, warehouse):
    engine, sessions = source
    table = Base.metadata.tables["agencies"]
    with sessions.begin() as s:
        s.add(_agency(1, T0))
    ingest_table(engine, warehouse, table)
    gone = T0 + dt.timedelta(days=1)
    with sessions.begin() as s:
        s.execute(update(Agency).values(deleted_at=gone, updated_at=gone))
    ingest_table(engine, warehouse, table)
    assert _rows(warehouse, "select deleted_at from raw.agencies") == [(gone.replace(tzinfo=None),)]


def test_full_refresh_drops_rows_missing_from_source(source, warehouse):
    engine, sessions = source
    table = Base.metadata.tables["agencies"]
    with sessions.begin() as s:
        s.add_all([_agency(1, T0), _agency(2, T0)])
    ingest_table(engine, warehouse, table)
    with engine.begin() as c:
        c.execute(table.delete().where(table.c.id == 2))
    assert ingest_table(engine, warehouse, table).rows_in_warehouse == 2
    assert ingest_table(engine, warehouse, table, full_refresh=True).rows_in_warehouse == 1


def test_types_survive_exactly(source, warehouse):
    engine, sessions = source
    with sessions.begin() as s:
        s.add(FxRate(rate_date=dt.date(2025, 1, 2), base_currency="EUR", quote_currency="INR",
                     rate=Decimal("89.12345678"), source="ecb", created_at=T0, updated_at=T0))
    ingest_table(engine, warehouse, Base.metadata.tables["fx_rates"])
    rate, rate_date = _rows(warehouse, "select rate, rate_date from raw.fx_rates")[0]
    assert rate == Decimal("89.12345678")
    assert rate_date == dt.date(2025, 1, 2)
    ingest_table(engine, warehouse, Base.metadata.tables["site_opening_hours"])
    assert _rows(warehouse, "select count(*) from raw.site_opening_hours") == [(0,)]


def test_new_column_in_source_is_added_to_raw(source, warehouse):
    """A migration that adds a column must not break the next incremental load."""
    engine, sessions = source
    table = Base.metadata.tables["agencies"]
    with sessions.begin() as s:
        s.add(_agency(1, T0))
    ingest_table(engine, warehouse, table)
    warehouse.con.execute("ALTER TABLE raw.agencies DROP COLUMN tax_id")  # an older warehouse
    later = T0 + dt.timedelta(hours=1)
    with sessions.begin() as s:
        s.execute(update(Agency).values(tax_id="GSTIN1", updated_at=later))
    ingest_table(engine, warehouse, table)
    assert _rows(warehouse, "select tax_id from raw.agencies") == [("GSTIN1",)]


def test_gateway_payloads_stay_in_the_operational_db(source, warehouse):
    from tourstack.db.models.payments import WebhookEvent

    engine, sessions = source
    with sessions.begin() as s:
        s.add(WebhookEvent(gateway="stripe", event_id="evt_1", type="charge.succeeded",
                           payload='{"card": {"last4": "4242"}, "email": "payer@example.com"}',
                           signature_valid=True, received_at=T0, created_at=T0, updated_at=T0))
    ingest_table(engine, warehouse, Base.metadata.tables["webhook_events"])
    columns = {row[0] for row in _rows(warehouse, "describe raw.webhook_events")}
    assert "payload" not in columns and {"event_id", "signature_valid"} <= columns
