"""OpenWeather One Call forecasts through HTTP against a loopback fake: horizon, cache, alerts,
and the fall-back to climate normals when the provider fails."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes.openweather import FakeOpenWeather
from tourstack.weather import day_weather
from tourstack.weather.advice import warnings_for
from tourstack.weather.openweather import OpenWeatherClient

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("openweather_fake")]

TODAY = dt.date(2026, 5, 10)


@pytest.fixture(scope="module")
def fake():
    with FakeOpenWeather(TODAY, alert="Heat wave warning") as server:
        yield server


def test_a_day_inside_the_horizon_gets_the_forecast_with_the_provider_alert(fake):
    fake.mode = "ok"
    client = OpenWeatherClient(fake.key, base_url=fake.url)
    day = day_weather("Delhi", 28.61, 77.21, TODAY + dt.timedelta(days=1), 5, today=TODAY, forecaster=client)
    assert day.kind == "forecast" and day.label == "Forecast"
    assert day.tmax_c == 41.0 and day.sources == ("OpenWeather One Call 3.0",)
    kinds = {w.kind for w in warnings_for(day, "IN")}
    assert {"extreme_heat", "provider_alert"} <= kinds
    assert any("Heat wave warning" in a for a in day.alerts)


def test_forecasts_are_cached_per_place(fake):
    fake.mode = "ok"
    client = OpenWeatherClient(fake.key, base_url=fake.url)
    before = len(fake.requests)
    for offset in range(3):
        day_weather("Delhi", 28.611, 77.209, TODAY + dt.timedelta(days=offset), 5, today=TODAY, forecaster=client)
    assert len(fake.requests) == before + 1


def test_a_day_beyond_the_horizon_uses_climate_normals_without_asking(fake):
    client = OpenWeatherClient(fake.key, base_url=fake.url)
    before = len(fake.requests)
    day = day_weather("Delhi", 28.61, 77.21, TODAY + dt.timedelta(days=40), 6, today=TODAY, forecaster=client)
    assert day.kind == "climate_normal" and len(fake.requests) == before


@pytest.mark.parametrize("mode", ["unauthorized", "broken"])
def test_a_failed_forecast_falls_back_to_normals_and_never_shows_the_key(fake, mode):
    fake.mode = mode
    client = OpenWeatherClient(fake.key, base_url=fake.url)
    day = day_weather("Delhi", 28.61, 77.21, TODAY, 5, today=TODAY, forecaster=client)
    assert day.kind == "climate_normal" and "forecast unavailable" in day.note
    assert fake.key not in day.note
    fake.mode = "ok"
