"""FX conversion against the bundled ECB history, carry-forward statements, refusals, the AED
derivation, and loading rates into fx_rates (idempotent) then converting from the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models.finance import FxRate
from tourstack.fx import (
    AED_PER_USD,
    DbRateSource,
    EcbOfflineSource,
    EurRate,
    RateNotAvailableError,
    RateTable,
    UnknownCurrencyError,
    convert,
    sync_rates,
)
from tourstack.fx.ecb import bundled_history_path
from tourstack.money import Money

D = dt.date


@pytest.fixture(scope="module")
def ecb() -> EcbOfflineSource:
    return EcbOfflineSource()


@pytest.fixture(scope="module")
def ecb_csv() -> dict[str, dict[str, str]]:
    """The bundled CSV read independently of tourstack.fx: date -> {currency: text}."""
    with zipfile.ZipFile(bundled_history_path()) as archive:
        text = archive.read(archive.namelist()[0]).decode()
    return {row["Date"]: row for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("day", ["2010-06-15", "2016-06-24", "2020-03-16", "2024-01-02", "2025-03-07"])
def test_gbp_inr_agrees_with_the_ecb_cross_rate(ecb, ecb_csv, day):
    row = ecb_csv[day]
    expected = Decimal(row["INR"]) / Decimal(row["GBP"])
    result = convert(Money("1000.00", "GBP"), "INR", D.fromisoformat(day), ecb)
    assert abs(result.rate / expected - 1) < Decimal("0.001")
    assert abs(result.converted.amount / (1000 * expected) - 1) < Decimal("0.001")
    assert result.rate_date == D.fromisoformat(day) and not result.is_carried_forward
    assert result.source == "ecb"
    assert result.converted.amount.as_tuple().exponent == -2


@pytest.mark.parametrize(("pair", "day"), [(("USD", "JPY"), "2019-08-01"), (("CHF", "SEK"), "2023-05-10")])
def test_other_crosses_agree(ecb, ecb_csv, pair, day):
    a, b = pair
    row = ecb_csv[day]
    expected = Decimal(row[b]) / Decimal(row[a])
    result = convert(Money("250", a), b, D.fromisoformat(day), ecb)
    assert abs(result.rate / expected - 1) < Decimal("0.001")
    if b == "JPY":
        assert result.converted.amount.as_tuple().exponent == 0


def test_eur_legs_and_identity(ecb, ecb_csv):
    row = ecb_csv["2025-03-07"]
    to_usd = convert(Money("100", "EUR"), "USD", D(2025, 3, 7), ecb)
    assert to_usd.rate == Decimal(row["USD"])
    assert to_usd.converted == Money(Decimal(row["USD"]) * 100, "USD")
    from_usd = convert(Money("100", "USD"), "EUR", D(2025, 3, 7), ecb)
    assert from_usd.rate == Decimal(1) / Decimal(row["USD"])
    same = convert(Money("5", "GBP"), "GBP", D(2025, 3, 9), ecb)
    assert same.converted == Money("5", "GBP") and same.rate == 1 and not same.is_carried_forward


def test_weekend_uses_fridays_rate_and_says_so(ecb):
    result = convert(Money("100", "GBP"), "INR", D(2025, 3, 9), ecb)
    friday = convert(Money("100", "GBP"), "INR", D(2025, 3, 7), ecb)
    assert result.rate == friday.rate and result.converted == friday.converted
    assert result.rate_date == D(2025, 3, 7) and result.requested_date == D(2025, 3, 9)
    assert result.is_carried_forward
    assert result.stated == "ECB reference rate of 2025-03-07 (Friday); 2025-03-09 is not a publication day"
    assert friday.stated == "ECB reference rate of 2025-03-07 (Friday)"


@pytest.mark.parametrize(("holiday", "published"), [(D(2025, 4, 18), D(2025, 4, 17)), (D(2025, 12, 26), D(2025, 12, 24))])
def test_holidays_carry_forward(ecb, holiday, published):
    result = convert(Money("10", "USD"), "GBP", holiday, ecb)
    assert result.rate_date == published and result.is_carried_forward
    assert f"{holiday.isoformat()} is not a publication day" in result.stated


def test_after_the_latest_publication_is_stated(ecb):
    latest = ecb.table.latest_date
    later = latest + dt.timedelta(days=30)
    result = convert(Money("10", "USD"), "GBP", later, ecb)
    assert result.rate_date == latest
    assert "after the latest publication available" in result.stated
    with pytest.raises(RateNotAvailableError, match="more than 7 days"):
        convert(Money("10", "USD"), "GBP", later, ecb, max_carry_days=7)


def test_refusals(ecb):
    with pytest.raises(UnknownCurrencyError):
        convert(Money("1", "EUR"), "XXX", D(2025, 3, 7), ecb)
    with pytest.raises(UnknownCurrencyError):
        convert(Money("1", "EUR"), "ABC", D(2025, 3, 7), ecb)
    with pytest.raises(RateNotAvailableError, match="publishes no KWD"):
        convert(Money("1", "EUR"), "KWD", D(2025, 3, 7), ecb)
    with pytest.raises(RateNotAvailableError, match="on or before 1998-12-31"):
        convert(Money("1", "USD"), "GBP", D(1998, 12, 31), ecb)
    with pytest.raises(RateNotAvailableError, match="INR history starts on 2009"):
        convert(Money("1", "USD"), "INR", D(2005, 1, 3), ecb)


def test_aed_is_derived_from_usd_at_the_peg(ecb, ecb_csv):
    usd = Decimal(ecb_csv["2025-03-07"]["USD"])
    to_aed = convert(Money("100", "EUR"), "AED", D(2025, 3, 7), ecb)
    assert to_aed.rate == usd * AED_PER_USD
    assert to_aed.source == "ecb_derived"
    assert "3.6725" in to_aed.stated
    usd_aed = convert(Money("100", "USD"), "AED", D(2025, 3, 8), ecb)
    assert usd_aed.rate == Decimal("3.6725") and usd_aed.converted == Money("367.25", "AED")
    assert usd_aed.is_carried_forward and usd_aed.source == "ecb_derived"


def test_cross_rate_precision_and_single_rounding():
    table = RateTable(
        [EurRate(D(2025, 1, 2), "USD", Decimal("3"), "ecb"), EurRate(D(2025, 1, 2), "JPY", Decimal("1"), "ecb")],
        source_name="test",
    )
    result = convert(Money("1000", "JPY"), "USD", D(2025, 1, 2), _TableSource(table))
    assert result.rate == Decimal("3")
    result = convert(Money("1.00", "USD"), "JPY", D(2025, 1, 2), _TableSource(table))
    assert result.rate == Decimal("0.3333333333333333333333333333")  # 28 significant digits
    assert result.converted == Money("0", "JPY")  # 0.333.. rounds once, half-even


class _TableSource:
    name = "test"

    def __init__(self, table: RateTable):
        self.table = table

    def lookup(self, currency, on):
        return self.table.lookup(currency, on)

    def published(self, start, end):
        return self.table.between(start, end)


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(FxRate)).scalar_one()


def test_sync_is_idempotent_and_db_source_matches(migrated_sqlite_url, ecb):
    engine = make_engine(migrated_sqlite_url)
    try:
        start, end = D(2025, 3, 3), D(2025, 3, 10)
        expected = len(ecb.published(start, end))
        assert expected > 6 * 29  # six publication days x ~30 currencies, AED included
        assert sync_rates(engine, ecb, start, end) == expected
        assert _count(engine) == expected
        assert sync_rates(engine, ecb, start, end) == 0
        assert _count(engine) == expected

        with make_sessionmaker(engine)() as session:
            aed = session.scalars(select(FxRate).where(FxRate.quote_currency == "AED")).all()
        assert {r.source for r in aed} == {"ecb_derived"} and {r.base_currency for r in aed} == {"EUR"}

        db = DbRateSource(engine)
        for pair in [("GBP", "INR"), ("USD", "AED"), ("JPY", "EUR")]:
            from_db = convert(Money("1234.56", pair[0]), pair[1], D(2025, 3, 9), db)
            offline = convert(Money("1234.56", pair[0]), pair[1], D(2025, 3, 9), ecb)
            assert from_db.rate == offline.rate and from_db.converted == offline.converted
            assert from_db.rate_date == D(2025, 3, 7) and from_db.stated == offline.stated
        with pytest.raises(RateNotAvailableError):
            convert(Money("1", "USD"), "GBP", D(2025, 3, 2), db)

        # a corrected rate is updated in place, not duplicated
        with make_sessionmaker(engine)() as session:
            row = session.scalars(select(FxRate).where(FxRate.quote_currency == "USD").limit(1)).one()
            row.rate = Decimal("9.99")
            session.commit()
        with make_sessionmaker(engine)() as session:
            assert sync_rates(session, ecb, start, end) == 1
            session.commit()
        assert _count(engine) == expected
    finally:
        engine.dispose()
