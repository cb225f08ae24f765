"""One day's weather for the document: a forecast inside the horizon, else climate normals.

The kind is always explicit (`forecast`, `climate_normal`, or `unavailable` when neither
exists), with its source, so a customer never mistakes a monthly average for a forecast. A
failed forecast call falls back to the normals and keeps the reason in `note`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from tourstack.weather.normals import month_normals
from tourstack.weather.openweather import HORIZON_DAYS, OpenWeatherClient, WeatherServiceError


@dataclass(frozen=True)
class DayWeather:
    kind: str  # forecast | climate_normal | unavailable
    place: str
    date: dt.date | None
    month: int
    tmax_c: float | None = None
    tmin_c: float | None = None
    humidity_pct: float | None = None
    rain_mm: float | None = None  # the day's forecast rain, or the month's normal precipitation
    rain_days: float | None = None
    summary: str = ""
    sources: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return {"forecast": "Forecast", "climate_normal": "Climate normal (monthly average)",
                "unavailable": "No weather data"}[self.kind]


def day_weather(place: str, lat: float, lon: float, date: dt.date | None, month: int, *,
                today: dt.date, forecaster: OpenWeatherClient | None = None) -> DayWeather:
    note = ""
    if forecaster is not None and date is not None and 0 <= (date - today).days <= HORIZON_DAYS:
        try:
            fc = forecaster.forecast(lat, lon, date)
        except WeatherServiceError as exc:
            fc, note = None, f"forecast unavailable ({exc}); showing climate normals"
        if fc is not None:
            return DayWeather("forecast", place, date, month, fc.tmax_c, fc.tmin_c, fc.humidity_pct,
                              fc.rain_mm, None, fc.summary, ("OpenWeather One Call 3.0",), (), fc.alerts)
    normals = month_normals(place, month)
    if normals is None:
        return DayWeather("unavailable", place, date, month,
                          note=note or f"no published climate normals for {place} are shipped yet")
    return DayWeather("climate_normal", place, date, month, normals.get("tmax_c"), normals.get("tmin_c"),
                      normals.get("humidity_pct"), normals.get("precip_mm"), normals.get("rain_days"),
                      sources=tuple(normals.source_names), missing=tuple(normals.missing), note=note)
