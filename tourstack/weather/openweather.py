"""OpenWeather One Call 3.0 daily forecasts (`/data/3.0/onecall`), cached per place and day.

Why One Call: one request returns eight days of daily forecasts *and* the national weather
services' alerts the provider relays, which the document shows as they are. Plain HTTP through
httpx (the endpoint is one GET; pyowm adds nothing we use). The key travels as `appid` and is
never put into an error message. Answers are cached per (lat, lon rounded to 0.01 degree,
local date) for `ttl_s`, so fifty documents for one city ask once.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import httpx

DEFAULT_BASE_URL = "https://api.openweathermap.org"
HORIZON_DAYS = 7  # One Call answers today plus seven days


class WeatherServiceError(RuntimeError):
    """The forecast provider failed (unreachable, HTTP error, or an unexpected body)."""


@dataclass(frozen=True)
class Forecast:
    date: dt.date
    tmax_c: float
    tmin_c: float
    humidity_pct: float
    rain_mm: float
    pop: float  # probability of precipitation 0..1
    summary: str
    alerts: tuple[str, ...] = ()


class OpenWeatherClient:
    def __init__(self, api_key: str, *, base_url: str = DEFAULT_BASE_URL, timeout_s: float = 5.0,
                 ttl_s: float = 3 * 3600, client: httpx.Client | None = None) -> None:
        self._key = api_key
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.ttl_s = ttl_s
        self._client = client
        self._cache: dict[tuple[float, float], tuple[float, dict[dt.date, Forecast]]] = {}

    def forecast(self, lat: float, lon: float, day: dt.date) -> Forecast | None:
        """The forecast for `day` (None when outside what the provider answered)."""
        return self.daily(lat, lon).get(day)

    def daily(self, lat: float, lon: float) -> dict[dt.date, Forecast]:
        key = (round(lat, 2), round(lon, 2))
        hit = self._cache.get(key)
        if hit and time.monotonic() - hit[0] < self.ttl_s:
            return hit[1]
        days = self._fetch(*key)
        self._cache[key] = (time.monotonic(), days)
        return days

    def _fetch(self, lat: float, lon: float) -> dict[dt.date, Forecast]:
        params = {"lat": lat, "lon": lon, "exclude": "current,minutely,hourly", "units": "metric",
                  "appid": self._key}
        url = f"{self.base_url}/data/3.0/onecall"
        try:
            if self._client is not None:
                response = self._client.get(url, params=params)
            else:
                with httpx.Client(timeout=self.timeout_s) as client:
                    response = client.get(url, params=params)
        except httpx.HTTPError as exc:
            raise WeatherServiceError(f"OpenWeather unreachable at {self.base_url}: {type(exc).__name__}") from None
        if response.status_code != 200:
            try:
                message = str(response.json().get("message", ""))[:200]
            except ValueError:
                message = response.text[:200]
            raise WeatherServiceError(f"OpenWeather answered HTTP {response.status_code}: "
                                      f"{message.replace(self._key, '***')}")
        try:
            return _parse(response.json())
        except (KeyError, TypeError, ValueError) as exc:
            raise WeatherServiceError(f"OpenWeather returned an unexpected body: {exc}") from None


def _parse(body: dict) -> dict[dt.date, Forecast]:
    offset = dt.timedelta(seconds=int(body.get("timezone_offset", 0)))
    alerts = [(a["start"], a["end"], f"{a.get('sender_name', 'provider')}: {a['event']}")
              for a in body.get("alerts", [])]
    out = {}
    for entry in body["daily"]:
        start = dt.datetime.fromtimestamp(entry["dt"], dt.UTC) + offset
        day = start.date()
        weather = (entry.get("weather") or [{}])[0]
        day_start = int(entry["dt"]) - 12 * 3600
        relayed = tuple(text for begin, end, text in alerts if begin < day_start + 86400 and end > day_start)
        out[day] = Forecast(day, float(entry["temp"]["max"]), float(entry["temp"]["min"]),
                            float(entry.get("humidity", 0)), float(entry.get("rain", 0.0)),
                            float(entry.get("pop", 0.0)), str(weather.get("description", "")), relayed)
    return out
