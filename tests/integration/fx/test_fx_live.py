"""Live ECB and Open Exchange Rates adapters against loopback fakes (tests/fakes)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from tests.fakes.ecb import FakeEcb
from tests.fakes.oxr import FakeOxr
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models.finance import FxRate
from tourstack.fx import EcbLiveSource, FxSourceError, OxrSource, convert, sync_rates
from tourstack.money import Money

D = dt.date
TODAY = D(2025, 3, 10)  # a Monday
ECB_DAYS = {
    D(2025, 3, 6): {"USD": Decimal("1.0785"), "GBP": Decimal("0.83750"), "INR": Decimal("94.0010")},
    D(2025, 3, 7): {"USD": Decimal("1.0837"), "GBP": Decimal("0.84080"), "INR": Decimal("94.4345")},
    D(2025, 3, 10): {"USD": Decimal("1.0833"), "GBP": Decimal("0.84020"), "INR": Decimal("94.5120")},
}
APP_ID = "oxr-secret-app-id-1234"


@pytest.fixture
def fake_ecb():
    with FakeEcb(ECB_DAYS) as server:
        yield server


@pytest.fixture
def fake_oxr():
    days = {
        D(2025, 3, 8): {"EUR": "0.9", "INR": "83.1", "GBP": "0.775", "AED": "3.6725", "BTC": "0.0000117"},
        D(2025, 3, 9): {"EUR": "0.92", "INR": "87.2", "GBP": "0.7751", "AED": "3.6725"},
    }
    with FakeOxr(APP_ID, days, latest=D(2025, 3, 9)) as server:
        yield server


def _ecb(server: FakeEcb) -> EcbLiveSource:
    return EcbLiveSource(server.base_url, today=lambda: TODAY)


def test_ecb_live_lookup_and_carry_forward(fake_ecb):
    source = _ecb(fake_ecb)
    result = convert(Money("100", "GBP"), "INR", D(2025, 3, 9), source)
    assert result.rate == Decimal("94.4345") / Decimal("0.84080")
    assert result.rate_date == D(2025, 3, 7)
    assert result.stated == "ECB reference rate of 2025-03-07 (Friday); 2025-03-09 is not a publication day"
    aed = convert(Money("1", "EUR"), "AED", D(2025, 3, 10), source)
    assert aed.rate == Decimal("1.0833") * Decimal("3.6725") and aed.source == "ecb_derived"
    assert [r.path for r in fake_ecb.requests] == ["/stats/eurofxref/eurofxref-hist-90d.xml"]


def test_ecb_live_feed_choice(fake_ecb):
    source = _ecb(fake_ecb)
    daily = source.published(TODAY, TODAY)
    assert {r.rate_date for r in daily} == {TODAY}
    assert {r.currency for r in daily} == {"USD", "GBP", "INR", "AED"}
    assert fake_ecb.requests[-1].path.endswith("eurofxref-daily.xml")
    window = source.published(D(2025, 3, 6), D(2025, 3, 7))
    assert len(window) == 8 and fake_ecb.requests[-1].path.endswith("eurofxref-hist-90d.xml")
    source.published(D(2024, 1, 1), D(2024, 1, 5))
    assert fake_ecb.requests[-1].path.endswith("eurofxref-hist.xml")


def test_ecb_live_sync_is_idempotent(fake_ecb, migrated_sqlite_url):
    engine = make_engine(migrated_sqlite_url)
    try:
        source = _ecb(fake_ecb)
        assert sync_rates(engine, source, D(2025, 3, 1), TODAY) == 12
        assert sync_rates(engine, source, D(2025, 3, 1), TODAY) == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(("mode", "match"), [("error", "HTTP 500"), ("malformed", "malformed XML")])
def test_ecb_live_failures_are_clear(fake_ecb, mode, match):
    fake_ecb.mode = mode
    with pytest.raises(FxSourceError, match=match) as info:
        _ecb(fake_ecb).published(D(2025, 3, 1), TODAY)
    assert str(info.value).startswith("ecb-live: ")
    assert info.value.source == "ecb-live"
    if mode == "error":
        assert info.value.status == 500


def test_ecb_live_unreachable():
    source = EcbLiveSource("http://127.0.0.1:9/stats/eurofxref", today=lambda: TODAY, timeout=1)
    with pytest.raises(FxSourceError, match="ecb-live: GET /stats/eurofxref/eurofxref-daily.xml failed"):
        source.published(TODAY, TODAY)


def _oxr(server: FakeOxr, app_id: str = APP_ID) -> OxrSource:
    return OxrSource(app_id, server.base_url, today=lambda: D(2025, 3, 9))


def test_oxr_rebases_usd_rows_to_eur(fake_oxr):
    rows = {r.currency: r for r in _oxr(fake_oxr).published(D(2025, 3, 8), D(2025, 3, 8))}
    assert rows["USD"].rate == Decimal("1.11111111")  # 1 / 0.9, to 8 places
    assert rows["INR"].rate == Decimal("92.33333333")  # 83.1 / 0.9
    assert rows["AED"].rate == Decimal("4.08055556")
    assert "BTC" not in rows and "EUR" not in rows
    assert {r.source for r in rows.values()} == {"oxr"}
    assert {r.rate_date for r in rows.values()} == {D(2025, 3, 8)}
    assert all(isinstance(r.rate, Decimal) for r in rows.values())
    paths = [r.path for r in fake_oxr.requests]
    assert paths == ["/api/historical/2025-03-08.json"]


def test_oxr_convert_and_sync(fake_oxr, migrated_sqlite_url):
    source = _oxr(fake_oxr)
    result = convert(Money("100", "USD"), "INR", D(2025, 3, 8), source)
    assert abs(result.rate - Decimal("83.1")) < Decimal("0.000001")
    assert result.source == "oxr" and not result.is_carried_forward
    engine = make_engine(migrated_sqlite_url)
    try:
        written = sync_rates(engine, source, D(2025, 3, 8), D(2025, 3, 9))
        assert written == 8
        assert sync_rates(engine, source, D(2025, 3, 8), D(2025, 3, 9)) == 0
        with make_sessionmaker(engine)() as session:
            stored = session.scalars(select(FxRate).where(FxRate.source == "oxr")).all()
        assert len(stored) == 8 and {r.base_currency for r in stored} == {"EUR"}
    finally:
        engine.dispose()
    assert fake_oxr.requests[-1].path == "/api/latest.json"  # 2025-03-09 is "today"


def test_oxr_errors_name_the_source_and_status_but_never_the_app_id(fake_oxr, caplog):
    caplog.set_level(logging.DEBUG)
    fake_oxr.mode = "error"
    with pytest.raises(FxSourceError, match="HTTP 500") as info:
        _oxr(fake_oxr).published(D(2025, 3, 8), D(2025, 3, 8))
    assert info.value.source == "oxr" and info.value.status == 500
    fake_oxr.mode = "ok"
    with pytest.raises(FxSourceError, match=r"HTTP 401 \(invalid_app_id\)") as bad_id:
        _oxr(fake_oxr, app_id="wrong-id").published(D(2025, 3, 8), D(2025, 3, 8))
    fake_oxr.mode = "malformed"
    with pytest.raises(FxSourceError, match="oxr: malformed response") as malformed:
        _oxr(fake_oxr).published(D(2025, 3, 8), D(2025, 3, 8))
    for error in (info.value, bad_id.value, malformed.value):
        assert APP_ID not in str(error) and "wrong-id" not in str(error)
    assert APP_ID not in caplog.text and "wrong-id" not in caplog.text
    assert all("app_id" not in r.path and APP_ID not in r.path for r in fake_oxr.requests)
    assert APP_ID not in repr(_oxr(fake_oxr))


def test_oxr_needs_an_app_id():
    with pytest.raises(FxSourceError, match="TOURSTACK_OXR_APP_ID"):
        OxrSource(None)


def test_shared_client_is_used(fake_ecb):
    with httpx.Client(timeout=5) as client:
        source = EcbLiveSource(fake_ecb.base_url, client=client, today=lambda: TODAY)
        assert source.published(TODAY, TODAY)
