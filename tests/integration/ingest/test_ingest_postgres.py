"""Ingestion with PostgreSQL on both ends: COPY out of the operational DB, COPY into raw."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import update

from tourstack.db.base import Base
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.migrate import upgrade
from tourstack.db.models import Agency, FxRate
from tourstack.ingest import ingest_table
from tourstack.ingest.load import PostgresWarehouse

pytestmark = [pytest.mark.integration, pytest.mark.postgres]
T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_postgres_to_postgres_incremental(make_pg_database):
    source_url, warehouse_url = make_pg_database("ts_src"), make_pg_database("ts_wh")
    upgrade(source_url)
    engine = make_engine(source_url)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        for i in (1, 2):
            s.add(Agency(id=i, code=f"A{i}", name=f"Agency, \"{i}\"", country_code="IN",
                         city="Jaipur", email="x@example.com", currency="INR",
                         phone="" if i == 1 else None, onboarded_on=dt.date(2024, 1, 1),
                         created_at=T0, updated_at=T0 - dt.timedelta(minutes=i)))
        s.add(FxRate(rate_date=dt.date(2025, 1, 2), base_currency="EUR", quote_currency="INR",
                     rate=Decimal("89.12345678"), source="ecb", created_at=T0, updated_at=T0))
    warehouse = PostgresWarehouse(warehouse_url)
    try:
        agencies = Base.metadata.tables["agencies"]
        assert ingest_table(engine, warehouse, agencies).rows_in_warehouse == 2
        later = T0 + dt.timedelta(hours=2)
        with sessions.begin() as s:
            s.execute(update(Agency).where(Agency.id == 2).values(deleted_at=later, updated_at=later))
        result = ingest_table(engine, warehouse, agencies)
        # the changed row plus the row sitting exactly on the old watermark (agency 1)
        assert (result.rows_extracted, result.rows_in_warehouse) == (2, 2)
        rows = warehouse.conn.execute(
            'select id, name, phone, deleted_at from raw.agencies order by id').fetchall()
        assert rows == [(1, 'Agency, "1"', "", None), (2, 'Agency, "2"', None, later.replace(tzinfo=None))]
        ingest_table(engine, warehouse, Base.metadata.tables["fx_rates"])
        assert warehouse.conn.execute("select rate from raw.fx_rates").fetchone()[0] == Decimal("89.12345678")
    finally:
        warehouse.close()
        engine.dispose()


def test_full_refresh_keeps_dependent_views(make_pg_database, migrated_sqlite_url):
    """dbt's staging views sit on raw tables: a full refresh must not need to drop them."""
    engine = make_engine(migrated_sqlite_url)
    with make_sessionmaker(engine).begin() as s:
        s.add(Agency(id=1, code="A1", name="One", country_code="IN", city="Jaipur",
                     email="x@example.com", currency="INR", onboarded_on=dt.date(2024, 1, 1),
                     created_at=T0, updated_at=T0))
    warehouse = PostgresWarehouse(make_pg_database("ts_wh"))
    try:
        agencies = Base.metadata.tables["agencies"]
        ingest_table(engine, warehouse, agencies)
        warehouse.conn.execute("create view raw.agency_names as select name from raw.agencies")
        warehouse.conn.commit()
        assert ingest_table(engine, warehouse, agencies, full_refresh=True).rows_in_warehouse == 1
        assert warehouse.conn.execute("select name from raw.agency_names").fetchall() == [("One",)]
    finally:
        warehouse.close()
        engine.dispose()
