"""fx_rates sync and the database rate source on a real PostgreSQL (NUMERIC rates, ON CONFLICT)."""

import datetime as dt
from decimal import Decimal

import pytest

from tourstack.db.engine import make_engine
from tourstack.db.migrate import upgrade
from tourstack.fx import DbRateSource, EcbOfflineSource, convert, sync_rates
from tourstack.money import Money

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def test_sync_and_convert_on_postgres(pg_url):
    upgrade(pg_url)
    engine = make_engine(pg_url)
    ecb = EcbOfflineSource()
    try:
        start, end = dt.date(2025, 3, 3), dt.date(2025, 3, 10)
        written = sync_rates(engine, ecb, start, end)
        assert written == len(ecb.published(start, end))
        assert sync_rates(engine, ecb, start, end) == 0
        day = dt.date(2025, 3, 9)
        for pair in [("GBP", "INR"), ("USD", "AED"), ("EUR", "JPY")]:
            stored = convert(Money("987.65", pair[0]), pair[1], day, DbRateSource(engine))
            offline = convert(Money("987.65", pair[0]), pair[1], day, ecb)
            assert stored.rate == offline.rate and stored.converted == offline.converted
            assert stored.stated == offline.stated
        assert isinstance(DbRateSource(engine).lookup("USD", day).rate.rate, Decimal)
    finally:
        engine.dispose()
